// Several reads in one round trip come back split by part, each row as its own statement would
// return it (types included), and a part that finds nothing comes back empty.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testRepository, type TestDatabase } from '../../test/support/test-database.ts';
import { currentRowsPart, readCurrentRows } from './locked-reads.ts';
import { readTogether, type ReadPart } from './read-together.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase();
  await db.driver.exec("CREATE TABLE together_probe (k text PRIMARY KEY, n bigint, at timestamptz, tags text[]); INSERT INTO together_probe VALUES ('a', 9007199254740993, '2026-01-02T03:04:05Z', '{x,y}')");
  await testRepository(db.driver).putMany([
    { resourceType: 'Patient', id: 'together-1', name: [{ family: 'One' }], identifier: [{ system: 'urn:s', value: '1' }] },
    { resourceType: 'Encounter', id: 'together-2', status: 'finished', class: { code: 'IMP' }, subject: { reference: 'Patient/together-1' } },
  ]);
});
afterAll(() => db.drop());

const probePart = (key: string): ReadPart => ({
  name: 'probe',
  columns: [['k', 'text'], ['n', 'bigint'], ['at', 'timestamptz'], ['tags', 'text[]']],
  sql: (param) => `SELECT k, n, at, tags FROM together_probe WHERE k = ${param(key)}::text`,
});

describe('readTogether', () => {
  it('returns each part as its own statement would, with bigints, arrays, jsonb and times intact', async () => {
    const keys = ['Patient/together-1', 'Encounter/together-2', 'Patient/absent'];
    const read = await db.driver.transaction((tx) => readTogether(tx, [probePart('a'), currentRowsPart(keys)]));
    const alone = await readCurrentRows(db.driver, keys);
    const byKey = (rows: ReadonlyArray<Record<string, unknown>>) => [...rows].sort((x, y) => String(x.type).localeCompare(String(y.type)));
    expect(byKey(read.get('current rows')!)).toEqual(byKey(alone as unknown as Array<Record<string, unknown>>));
    expect(read.get('current rows')).toHaveLength(2);
    const [probe] = read.get('probe')!;
    // 2^53 + 1: only exact as a string.
    expect(probe).toEqual({ k: 'a', n: '9007199254740993', at: expect.stringMatching(/^2026-01-02 03:04:05\+00/), tags: ['x', 'y'] });
  });

  it('gives an empty list for a part that finds nothing, and binds each part its own values', async () => {
    const read = await readTogether(db.driver, [probePart('missing'), currentRowsPart(['Patient/together-1']), probePart('a')].map((p, i) => ({ ...p, name: `${p.name}${i}` })));
    expect(read.get('probe0')).toEqual([]);
    expect(read.get('current rows1')!.map((r) => r.id)).toEqual(['together-1']);
    expect(read.get('probe2')!.map((r) => r.k)).toEqual(['a']);
  });
});
