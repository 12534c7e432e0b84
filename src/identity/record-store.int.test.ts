// What matching stores of each record, on a real database: saving a changed record replaces its
// blocking keys (old keys no longer find it), and the arrival state reads record, link kind and
// traced number in one go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { blockingKeys } from './blocking.ts';
import type { MatchRecord } from './match-types.ts';
import { readArrivalState, recordsByKey, writeRecords, writeRecordsFindingPartners } from './record-store.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const before: MatchRecord = { id: 'rs-1', given: 'NORA', family: 'BATTY', birthDate: '1931-02-03', postcode: 'HD1 2AB' };
const after: MatchRecord = { ...before, postcode: 'LS6 3CD' };

describe('writeRecords', () => {
  it('replaces a changed record\'s blocking keys: the old postcode no longer finds it, the new one does', async () => {
    await writeRecords(db.driver, [before]);
    const oldKey = blockingKeys(before).find((k) => k.startsWith('postcode+forename:'))!;
    expect((await recordsByKey(db.driver, [oldKey])).get(oldKey)).toEqual(['rs-1']);
    await writeRecords(db.driver, [after]);
    const newKey = blockingKeys(after).find((k) => k.startsWith('postcode+forename:'))!;
    expect((await recordsByKey(db.driver, [oldKey])).get(oldKey)).toBeUndefined();
    expect((await recordsByKey(db.driver, [newKey])).get(newKey)).toEqual(['rs-1']);
    // Keys both versions share are kept, not duplicated.
    const shared = blockingKeys(after).find((k) => k.startsWith('birth-date+forename:'))!;
    expect((await recordsByKey(db.driver, [shared])).get(shared)).toEqual(['rs-1']);
  });

  it('finds, in the same statement, what recordsByKey finds once the records are written', async () => {
    const other: MatchRecord = { id: 'rs-2', given: 'NORA', family: 'BATTIE', birthDate: '1931-02-03', postcode: 'LS6 3CD' };
    await writeRecords(db.driver, [other]);
    const moved: MatchRecord = { ...after, id: 'rs-3', postcode: 'HD1 2AB' };
    await writeRecords(db.driver, [moved]);
    // rs-3 moves to rs-2's postcode: its old postcode key must not count it, its new one must.
    const arriving: MatchRecord = { ...moved, postcode: 'LS6 3CD' };
    const keysOf = new Map([[arriving.id, blockingKeys(arriving)]]);
    const found = await db.driver.transaction((tx) => writeRecordsFindingPartners(tx, [arriving], keysOf));
    const afterwards = await recordsByKey(db.driver, blockingKeys(arriving));
    const sorted = (m: Map<string, string[]>) => new Map([...m].map(([k, ids]) => [k, [...ids].sort()]));
    expect(sorted(found)).toEqual(sorted(afterwards));
    const postcodeKey = blockingKeys(arriving).find((k) => k.startsWith('postcode+forename:'))!;
    expect(found.get(postcodeKey)?.sort()).toEqual(['rs-1', 'rs-2', 'rs-3']);
    const oldKey = blockingKeys(moved).find((k) => k.startsWith('postcode+forename:'))!;
    expect((await recordsByKey(db.driver, [oldKey])).get(oldKey)).toBeUndefined();
  });

  it('reads the stored record, its link kind and a traced NHS number together', async () => {
    await db.driver.query(`INSERT INTO identity_trace (patient_id, outcome, nhs_number, status_code) VALUES ('rs-1', 'traced', '9990000018', '01')`);
    await db.driver.query(`INSERT INTO identity_link (patient_id, person_id, kind, basis, decided_by) VALUES ('rs-1', 'p-1', 'manual', 'manual', 'reviewer')`);
    const state = await readArrivalState(db.driver, ['rs-1', 'unknown']);
    expect(state.stored.get('rs-1')?.record).toMatchObject({ postcode: 'LS6 3CD' });
    expect(state.linkKinds.get('rs-1')).toBe('manual');
    expect(state.traced.get('rs-1')).toBe('9990000018');
    expect(state.stored.has('unknown')).toBe(false);
  });
});
