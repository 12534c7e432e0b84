// A put in a transaction that already read its resources under their locks does not read them
// again; it reads anything else, a row is used once, and a write forgets what it changes.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { loadDefinitions } from '../fhir/definitions.ts';
import { createSearchParamRegistry } from '../fhir/search-parameters.ts';
import { lockResourceKeys } from './advisory-locks.ts';
import type { Queryable } from './driver.ts';
import { LOCKED_ROW_COLUMNS, rememberLockedRows, takeLockedRows, type LockedRow } from './locked-reads.ts';
import { putResources } from './put-many.ts';
import { SqlRepository } from './sql-repository.ts';
import type { PrepareContext } from './prepare-version.ts';

let db: TestDatabase;
let ctx: PrepareContext;

beforeAll(async () => {
  db = await openTestDatabase();
  const definitions = loadDefinitions();
  ctx = { definitions, registry: createSearchParamRegistry(definitions) };
});
afterAll(() => db.drop());

/** The transaction, seen through a wrapper that keeps every statement's text (the wrapper is the transaction's key). */
function recording(tx: Queryable): Queryable & { sent: string[] } {
  const sent: string[] = [];
  return { sent, query: (sql, params) => { sent.push(sql); return tx.query(sql, params); }, exec: (sql) => tx.exec(sql) };
}

const readsOfResource = (sent: readonly string[]) => sent.filter((s) => s.startsWith(`SELECT ${LOCKED_ROW_COLUMNS}`)).length;

async function readUnderLock(q: Queryable, keys: string[]): Promise<void> {
  const pairs = keys.map((k) => k.split('/'));
  const { rows } = await q.query<LockedRow>(
    `SELECT ${LOCKED_ROW_COLUMNS} FROM resource r JOIN unnest($1::text[], $2::text[]) AS k(t, i) ON r.type = k.t AND r.id = k.i`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
  rememberLockedRows(q, keys, rows);
}

const patient = (id: string, family: string): Resource => ({ resourceType: 'Patient', id, name: [{ family }] });

describe('rows read under lock', () => {
  it('are taken by the put that follows instead of being read again, once, and forgotten when written', async () => {
    await db.driver.transaction((tx) => putResources(tx, ctx, [patient('lr-a', 'Old')], new Date().toISOString()));
    await db.driver.transaction(async (tx) => {
      const q = recording(tx);
      await lockResourceKeys(q, ['Patient/lr-a', 'Patient/lr-new']);
      await readUnderLock(q, ['Patient/lr-a', 'Patient/lr-new']);
      const before = readsOfResource(q.sent);
      const [updated, created] = await putResources(q, ctx, [patient('lr-a', 'New'), patient('lr-new', 'Born')], new Date().toISOString());
      expect(readsOfResource(q.sent)).toBe(before);
      expect([updated!.outcome, updated!.resource.meta?.versionId, created!.outcome]).toEqual(['updated', '2', 'created']);
      // Nothing is left to take: a second put reads the rows it just wrote.
      expect(takeLockedRows(q, ['Patient/lr-a'])).toEqual(new Map());
      const [again] = await putResources(q, ctx, [patient('lr-a', 'Newer')], new Date().toISOString());
      expect(readsOfResource(q.sent)).toBe(before + 1);
      expect(again!.resource.meta?.versionId).toBe('3');
    });
  });

  it('are not remembered without the lock, so the put reads them itself', async () => {
    await db.driver.transaction(async (tx) => {
      const q = recording(tx);
      await readUnderLock(q, ['Patient/lr-a']);
      expect(takeLockedRows(q, ['Patient/lr-a'])).toEqual(new Map());
      const before = readsOfResource(q.sent);
      const [result] = await putResources(q, ctx, [patient('lr-a', 'Unlocked')], new Date().toISOString());
      expect(readsOfResource(q.sent)).toBe(before + 1);
      expect(result!.resource.meta?.versionId).toBe('4');
    });
  });

  it('are forgotten when another write changes them before the put', async () => {
    await db.driver.transaction(async (tx) => {
      const q = recording(tx);
      await lockResourceKeys(q, ['Patient/lr-a']);
      await readUnderLock(q, ['Patient/lr-a']);
      await new SqlRepository(db.driver, ctx, q).update(patient('lr-a', 'First'));
      const [second] = await putResources(q, ctx, [patient('lr-a', 'Second')], new Date().toISOString());
      expect(second!.resource.meta?.versionId).toBe('6');
    });
  });
});
