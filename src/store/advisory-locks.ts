// Transaction-scoped advisory locks on resources (`Type/id`), remembered per transaction: a writer
// that already holds a resource's lock (an HL7 message locks its patient and visit before reading
// them) is not sent to the database again to take it when the resources are written.
import type { Queryable } from './driver.ts';
import { hash64 } from './hash.ts';

// Keyed by the transaction's own Queryable, which lives exactly as long as the transaction (no savepoints are used).
const held = new WeakMap<Queryable, Set<string>>();

/** Lock keys distinct and sorted, so every writer takes them in one order and none deadlock. */
const inLockOrder = (keys: Iterable<string>): string[] => [...new Set(keys)].sort();

/** The lock keys of resources, in lock order. */
export function resourceLockKeys(resourceKeys: readonly string[]): string[] {
  return inLockOrder(resourceKeys.map((k) => hash64(k)));
}

/** The keys among `keys` this transaction does not hold yet. */
export function keysNotHeld(tx: Queryable, keys: readonly string[]): string[] {
  const mine = held.get(tx);
  return mine ? keys.filter((k) => !mine.has(k)) : [...keys];
}

/** Whether the transaction holds the lock on one resource (`Type/id`). */
export function holdsResourceLock(tx: Queryable, resourceKey: string): boolean {
  return held.get(tx)?.has(hash64(resourceKey)) ?? false;
}

/** Records that the transaction now holds these keys (after the statement taking them succeeded). */
export function markHeld(tx: Queryable, keys: readonly string[]): void {
  // A driver outside a transaction holds nothing past its statement (and lives for ever): never remember.
  if ('transaction' in tx) return;
  let mine = held.get(tx);
  if (!mine) held.set(tx, (mine = new Set()));
  for (const k of keys) mine.add(k);
}

/** SQL taking the advisory locks on the keys in the bigint[] parameter `param`, in the keys' order. */
export function lockKeysSql(param: string): string {
  return `SELECT count(pg_advisory_xact_lock(k)) FROM unnest(${param}::bigint[]) AS k`;
}

const LOCK_KEY = /^-?\d{1,19}$/;

/**
 * The same with the keys written into the text, for a statement sent without parameters (a
 * transaction's opening round trip). Keys are integers, checked as such, so nothing else can enter.
 */
export function lockKeysLiteralSql(keys: readonly string[]): string {
  for (const key of keys) if (!LOCK_KEY.test(key)) throw new Error(`Not an advisory lock key: ${key}`);
  return lockKeysSql(`'{${keys.join(',')}}'`);
}

/** Takes the transaction's advisory locks on these keys (hash64 strings), in lock order. */
export async function lockKeys(tx: Queryable, keys: Iterable<string>): Promise<void> {
  const ordered = inLockOrder(keys);
  if (ordered.length > 0) await tx.query(lockKeysSql('$1'), [ordered]);
}

/** Takes the transaction's advisory locks on these resources, skipping those it already holds. */
export async function lockResourceKeys(tx: Queryable, resourceKeys: readonly string[]): Promise<void> {
  const keys = keysNotHeld(tx, resourceLockKeys(resourceKeys));
  await lockKeys(tx, keys);
  markHeld(tx, keys);
}
