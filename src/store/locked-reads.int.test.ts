// A put in a transaction that already read its resources under their locks does not read them
// again; it reads anything else, a row is used once, and a write forgets what it changes.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { loadDefinitions } from '../fhir/definitions.ts';
import { createSearchParamRegistry } from '../fhir/search-parameters.ts';
import { lockResourceKeys } from './advisory-locks.ts';
import type { Queryable } from './driver.ts';
import { readCurrentRows, rememberLockedRows, takeLockedRows } from './locked-reads.ts';
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

const readsOfResource = (sent: readonly string[]) => sent.filter((s) => s.startsWith('SELECT r.rid, r.deleted')).length;

async function readUnderLock(q: Queryable, keys: string[]): Promise<void> {
  rememberLockedRows(q, keys, await readCurrentRows(q, keys));
}

const patient = (id: string, family: string): Resource => ({ resourceType: 'Patient', id, name: [{ family }] });
const put = (q: Queryable, ...resources: Resource[]) => putResources(q, ctx, resources, new Date().toISOString());
const inRecordedTransaction = (fn: (q: Queryable & { sent: string[] }) => Promise<void>) => db.driver.transaction((tx) => fn(recording(tx)));

describe('rows read under lock', () => {
  it('are taken by the put that follows instead of being read again, once, and forgotten when written', async () => {
    await db.driver.transaction((tx) => put(tx, patient('lr-a', 'Old')));
    await inRecordedTransaction(async (q) => {
      await lockResourceKeys(q, ['Patient/lr-a', 'Patient/lr-new']);
      await readUnderLock(q, ['Patient/lr-a', 'Patient/lr-new']);
      const before = readsOfResource(q.sent);
      const [updated, created] = await put(q, patient('lr-a', 'New'), patient('lr-new', 'Born'));
      expect(readsOfResource(q.sent)).toBe(before);
      expect([updated!.outcome, updated!.resource.meta?.versionId, created!.outcome]).toEqual(['updated', '2', 'created']);
      // Nothing is left to take: a second put reads the rows it just wrote.
      expect(takeLockedRows(q, ['Patient/lr-a'])).toEqual(new Map());
      const [again] = await put(q, patient('lr-a', 'Newer'));
      expect([readsOfResource(q.sent), again!.resource.meta?.versionId]).toEqual([before + 1, '3']);
    });
  });

  it('are not remembered without the lock, so the put reads them itself', async () => {
    await inRecordedTransaction(async (q) => {
      await readUnderLock(q, ['Patient/lr-a']);
      expect(takeLockedRows(q, ['Patient/lr-a'])).toEqual(new Map());
      const before = readsOfResource(q.sent);
      const [result] = await put(q, patient('lr-a', 'Unlocked'));
      expect([readsOfResource(q.sent), result!.resource.meta?.versionId]).toEqual([before + 1, '4']);
    });
  });

  it('are forgotten when another write changes them before the put', async () => {
    await inRecordedTransaction(async (q) => {
      await lockResourceKeys(q, ['Patient/lr-a']);
      await readUnderLock(q, ['Patient/lr-a']);
      await new SqlRepository(db.driver, ctx, q).update(patient('lr-a', 'First'));
      const [second] = await put(q, patient('lr-a', 'Second'));
      expect(second!.resource.meta?.versionId).toBe('6');
    });
  });
});
