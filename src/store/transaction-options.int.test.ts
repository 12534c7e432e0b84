// Transaction options. A transaction of keyed statements (`planOnce`) plans each prepared statement
// once per connection on a server, and only inside that transaction: the next user of the connection
// plans per run again. PGlite has no named statements, so there the option changes nothing but must not
// break the transaction. `locks` are taken as the transaction begins and held until it ends.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../../test/support/test-database.ts';
import { holdsResourceLock, resourceLockKeys } from './advisory-locks.ts';
import type { Queryable } from './driver.ts';

let db: TestDatabase;

// One connection, so every transaction below runs on the same server session.
beforeAll(async () => {
  db = await openTestDatabase({ poolSize: 1 });
  await db.driver.exec('CREATE TABLE plan_once_probe (k text PRIMARY KEY, v int NOT NULL)');
});
afterAll(() => db.drop());

const LOOKUP = 'SELECT v FROM plan_once_probe WHERE k = ANY($1::text[])';

const mode = async (q: Queryable): Promise<string> =>
  (await q.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]!.plan_cache_mode;

/** How the session's prepared statement for LOOKUP has been planned so far. */
async function plansOfLookup(q: Queryable): Promise<{ generic: number; custom: number }> {
  const { rows } = await q.query<{ generic_plans: string; custom_plans: string }>(
    'SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1', [LOOKUP]);
  return { generic: Number(rows[0]?.generic_plans ?? 0), custom: Number(rows[0]?.custom_plans ?? 0) };
}

async function lookUpThrice(q: Queryable): Promise<void> {
  for (const k of ['a', 'b', 'c']) await q.query(LOOKUP, [[k]]);
}

describe.runIf(DRIVER_NAME === 'postgres')('planOnce on a PostgreSQL server', () => {
  it('plans a prepared statement once inside the transaction and per run outside it', async () => {
    const before = await db.driver.transaction(async (tx) => {
      expect(await mode(tx)).toBe('force_custom_plan');
      await lookUpThrice(tx);
      return plansOfLookup(tx);
    });
    const during = await db.driver.transaction(async (tx) => {
      expect(await mode(tx)).toBe('force_generic_plan');
      await lookUpThrice(tx);
      return plansOfLookup(tx);
    }, { planOnce: true });
    // All three runs used the one generic plan; no custom plan was made for them.
    expect(during.custom).toBe(before.custom);
    expect(during.generic).toBe(before.generic + 3);
    const after = await db.driver.transaction(async (tx) => {
      expect(await mode(tx)).toBe('force_custom_plan');
      await lookUpThrice(tx);
      return plansOfLookup(tx);
    });
    expect(after).toEqual({ generic: during.generic, custom: during.custom + 3 });
  });

  it('does not leave the setting behind when the transaction fails', async () => {
    await expect(db.driver.transaction(async (tx) => {
      await tx.query('INSERT INTO plan_once_probe (k, v) VALUES ($1, $2)', ['failed', 1]);
      await tx.query('SELECT 1/0');
    }, { planOnce: true })).rejects.toThrow(/division by zero/);
    await db.driver.transaction(async (tx) => {
      expect(await mode(tx)).toBe('force_custom_plan');
      expect((await tx.query('SELECT k FROM plan_once_probe WHERE k = $1', ['failed'])).rows).toEqual([]);
    });
  });
});

describe('planOnce on any driver', () => {
  it('commits what the transaction wrote and rolls back what a failed one wrote', async () => {
    await db.driver.transaction((tx) => tx.query('INSERT INTO plan_once_probe (k, v) VALUES ($1, $2)', ['kept', 2]), { planOnce: true });
    await expect(db.driver.transaction(async (tx) => {
      await tx.query('INSERT INTO plan_once_probe (k, v) VALUES ($1, $2)', ['dropped', 3]);
      throw new Error('changed my mind');
    }, { planOnce: true })).rejects.toThrow('changed my mind');
    const { rows } = await db.driver.query<{ k: string }>("SELECT k FROM plan_once_probe WHERE k IN ('kept', 'dropped') ORDER BY k");
    expect(rows.map((r) => r.k)).toEqual(['kept']);
  });
});

/** Advisory locks this session holds. */
async function advisoryLocksHeld(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()");
  return rows[0]!.n;
}

describe('locks on any driver', () => {
  it('holds the locks from the start of the transaction, counted as held, and not after it', async () => {
    const keys = resourceLockKeys(['Patient/lock-a', 'Encounter/lock-b']);
    await db.driver.transaction(async (tx) => {
      expect(await advisoryLocksHeld(tx)).toBe(2);
      expect(holdsResourceLock(tx, 'Patient/lock-a')).toBe(true);
      expect(holdsResourceLock(tx, 'Encounter/lock-b')).toBe(true);
      expect(holdsResourceLock(tx, 'Patient/other')).toBe(false);
    }, { planOnce: true, locks: keys });
    expect(await db.driver.transaction((tx) => advisoryLocksHeld(tx))).toBe(0);
  });

  it('refuses a key that is not a 64-bit integer before anything runs', async () => {
    let ran = false;
    await expect(db.driver.transaction(async () => { ran = true; }, { locks: ["1}'::bigint[]); DROP TABLE plan_once_probe; --"] }))
      .rejects.toThrow(/Not an advisory lock key/);
    expect(ran).toBe(false);
    expect((await db.driver.query('SELECT count(*) FROM plan_once_probe')).rows).toHaveLength(1);
  });
});

describe.runIf(DRIVER_NAME === 'postgres')('locks on a PostgreSQL server', () => {
  it('keeps another session from the keys until the transaction ends, committed or failed', async () => {
    const [key] = resourceLockKeys(['Patient/contended']);
    const other = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await other.connect();
    const tryLock = async () => (await other.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS got', [key])).rows[0]!.got;
    const unlock = () => other.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    try {
      await db.driver.transaction(async () => { expect(await tryLock()).toBe(false); }, { locks: [key!] });
      expect(await tryLock()).toBe(true);
      await unlock();
      await expect(db.driver.transaction(async () => {
        expect(await tryLock()).toBe(false);
        throw new Error('failed');
      }, { locks: [key!] })).rejects.toThrow('failed');
      expect(await tryLock()).toBe(true);
      await unlock();
    } finally {
      await other.end();
    }
  });
});
