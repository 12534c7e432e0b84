// What a transaction read earlier (under locks that keep it as read) and hands to a later step of
// the same transaction, each entry taken once: the later step then need not read it again. `null`
// means read, and absent. Keyed by the transaction's own Queryable, which lives exactly as long as
// the transaction, as the advisory locks are.
import type { Queryable } from './driver.ts';

export class ReadEarlier<V> {
  private readonly byTransaction = new WeakMap<Queryable, Map<string, V | null>>();

  remember(tx: Queryable, key: string, value: V | null): void {
    let mine = this.byTransaction.get(tx);
    if (!mine) this.byTransaction.set(tx, (mine = new Map()));
    mine.set(key, value);
  }

  /** Takes (and forgets) what was remembered of these keys; keys never remembered are not in the result. */
  take(tx: Queryable, keys: Iterable<string>): Map<string, V | null> {
    const mine = this.byTransaction.get(tx);
    const taken = new Map<string, V | null>();
    if (!mine) return taken;
    for (const key of keys) {
      if (!mine.has(key)) continue;
      taken.set(key, mine.get(key)!);
      mine.delete(key);
    }
    return taken;
  }

  forget(tx: Queryable, keys: Iterable<string>): void {
    const mine = this.byTransaction.get(tx);
    if (mine) for (const key of keys) mine.delete(key);
  }
}
