// Tracing identity records against the stand-in PDS on a real socket, on a test database: each
// outcome lands in identity_trace with its status code, verified numbers are never overwritten,
// errors never undo an earlier trace, and the summary names whose number changed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pdsPerson, testNhsNumber } from '../../../test/support/pds-people.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { MatchRecord } from '../match-types.ts';
import { PdsClient } from './pds-client.ts';
import { PdsPopulation } from './pds-population.ts';
import { type RunningPdsStandin, startPdsStandin } from './pds-standin.ts';
import { traceRecords } from './trace.ts';

const nhs = Object.fromEntries(['amy', 'owen1', 'owen2', 'kim', 'kimOld', 'ruth', 'john', 'dan', 'nobody'].map((k, i) => [k, testNhsNumber(i + 1)])) as Record<string, string>;

const population = new PdsPopulation([
  pdsPerson({ nhsNumber: nhs.amy!, family: 'Baker', given: ['Amy'], birthDate: '2001-02-03', gender: 'female', postcode: 'NG1 1AA' }),
  // Twins with one name: only a postcode tells them apart.
  pdsPerson({ nhsNumber: nhs.owen1!, family: 'Hughes', given: ['Owen'], birthDate: '2015-05-05', gender: 'male', postcode: 'LS1 1AA' }),
  pdsPerson({ nhsNumber: nhs.owen2!, family: 'Hughes', given: ['Owen'], birthDate: '2015-05-05', gender: 'male', postcode: 'LS9 9ZZ' }),
  pdsPerson({ nhsNumber: nhs.kim!, family: 'Patel', given: ['Kim'], birthDate: '1990-07-07', gender: 'female', postcode: 'E8 1AA' }),
  { kind: 'superseded', nhsNumber: nhs.kimOld!, supersededBy: nhs.kim! },
  pdsPerson({ nhsNumber: nhs.ruth!, family: 'Cole', given: ['Ruth'], birthDate: '1975-03-03', gender: 'female', postcode: 'M1 1AE', phone: '01632960444', restricted: true }),
  pdsPerson({ nhsNumber: nhs.john!, family: 'Smith', given: ['John'], birthDate: '1960-01-01', gender: 'male', postcode: 'B1 1AA' }),
  pdsPerson({ nhsNumber: nhs.dan!, family: 'Okafor', given: ['Dan'], birthDate: '1988-08-08', gender: 'male', postcode: 'N1 1AA' }),
]);

let db: TestDatabase;
let standin: RunningPdsStandin;
let client: PdsClient;

beforeAll(async () => {
  db = await openTestDatabase();
  standin = await startPdsStandin(population);
  client = new PdsClient({ baseUrl: standin.url });
});
afterAll(async () => {
  await standin.close();
  await db.drop();
});
beforeEach(async () => {
  await db.driver.exec('DELETE FROM identity_trace; DELETE FROM identity_record;');
});

async function insertRecords(records: MatchRecord[]): Promise<void> {
  for (const r of records) {
    await db.driver.query('INSERT INTO identity_record (patient_id, source, features, nhs_number) VALUES ($1, $2, $3::jsonb, $4)',
      [r.id, r.source ?? 'test-source', JSON.stringify(r), r.nhsNumber ?? null]);
  }
}

interface TraceRow { patient_id: string; outcome: string; nhs_number: string | null; status_code: string | null; score: number | null; detail: Record<string, unknown> }
async function traces(): Promise<Map<string, TraceRow>> {
  const { rows } = await db.driver.query<TraceRow>('SELECT patient_id, outcome, nhs_number, status_code, score, detail FROM identity_trace');
  return new Map(rows.map((r) => [r.patient_id, r]));
}

const records: MatchRecord[] = [
  { id: 'amy', given: 'AMY', family: 'BAKER', birthDate: '2001-02-03', sex: 'F' },
  { id: 'owen-no-postcode', given: 'OWEN', family: 'HUGHES', birthDate: '2015-05-05', sex: 'M' },
  { id: 'owen-with-postcode', given: 'OWEN', family: 'HUGHES', birthDate: '2015-05-05', sex: 'M', postcode: 'LS9 9ZZ' },
  { id: 'kim-old-number', given: 'KIM', family: 'PATEL', birthDate: '1990-07-07', sex: 'F', nhsNumber: nhs.kimOld! },
  { id: 'ruth', given: 'RUTH', family: 'COLE', birthDate: '1975-03-03', sex: 'F', postcode: 'M1 1AE' },
  { id: 'jon-misspelt', given: 'JON', family: 'SMITH', birthDate: '1960-01-01', sex: 'M' },
  { id: 'smyth-surname', given: 'JOHN', family: 'SMYTH', birthDate: '1960-01-01', sex: 'M' },
  { id: 'nobody', given: 'NOBODY', family: 'KNOWN', birthDate: '1999-09-09', sex: 'F' },
  { id: 'baby', given: 'BABY', family: 'BAKER', birthDate: '2025-01-01', sex: 'F', placeholder: 'placeholder name' },
  { id: 'thin', family: 'BAKER' },
];

describe('traceRecords', () => {
  it('decides each outcome, stores it with its status code and names whose number changed', async () => {
    await insertRecords(records);
    const summary = await traceRecords(db.driver, client);
    const rows = await traces();
    expect(summary.total).toBe(records.length);
    expect(summary.counts).toEqual({ traced: 4, restricted: 1, multiple: 1, 'no-match': 4, conflict: 0, error: 0 });
    expect(rows.get('amy')).toMatchObject({ outcome: 'traced', nhs_number: nhs.amy, status_code: '01', score: 1,
      detail: { search: 'non-fuzzy', pds: { family: 'Baker', postcode: 'NG1 1AA' } } });
    expect(rows.get('owen-no-postcode')).toMatchObject({ outcome: 'multiple', nhs_number: null, status_code: '04' });
    expect((rows.get('owen-no-postcode')!.detail.candidates as Array<{ nhsNumber: string }>).map((c) => c.nhsNumber).sort())
      .toEqual([nhs.owen1, nhs.owen2].sort());
    expect(rows.get('owen-with-postcode')).toMatchObject({ outcome: 'traced', nhs_number: nhs.owen2, detail: { search: 'non-fuzzy-postcode' } });
    expect(rows.get('kim-old-number')).toMatchObject({ outcome: 'traced', nhs_number: nhs.kim, detail: { heldNumber: nhs.kimOld, heldNumberStatus: 'superseded' } });
    expect(rows.get('jon-misspelt')).toMatchObject({ outcome: 'traced', nhs_number: nhs.john, detail: { search: 'fuzzy' } });
    expect(rows.get('jon-misspelt')!.score).toBeLessThan(1);
    expect(rows.get('smyth-surname')).toMatchObject({ outcome: 'no-match', status_code: '04', detail: { reason: 'below-threshold', searches: ['non-fuzzy', 'fuzzy'] } });
    expect(rows.get('nobody')).toMatchObject({ outcome: 'no-match', detail: { reason: 'no-candidates' } });
    expect(rows.get('baby')).toMatchObject({ outcome: 'no-match', detail: { reason: 'placeholder' } });
    expect(rows.get('thin')).toMatchObject({ outcome: 'no-match', detail: { reason: 'insufficient-demographics' } });
    // Records without a number that were traced, and the one whose number was superseded.
    expect(summary.changed.sort()).toEqual(['amy', 'jon-misspelt', 'kim-old-number', 'owen-with-postcode', 'ruth']);
  });

  it('traces a restricted person but keeps nothing about where they live', async () => {
    await insertRecords(records.filter((r) => r.id === 'ruth'));
    await traceRecords(db.driver, client);
    const ruth = (await traces()).get('ruth')!;
    expect(ruth).toMatchObject({ outcome: 'restricted', nhs_number: nhs.ruth, status_code: '01' });
    const stored = JSON.stringify(ruth.detail);
    for (const secret of ['M1 1AE', 'Test Street', 'Testtown', '01632960444']) expect(stored).not.toContain(secret);
  });

  it('skips verified records unless asked; then never overwrites a verified number with a different one', async () => {
    await insertRecords([
      { id: 'dan-wrong-verified', given: 'DAN', family: 'OKAFOR', birthDate: '1988-08-08', sex: 'M', nhsNumber: nhs.amy!, nhsVerified: true },
      { id: 'dan-right-verified', given: 'DAN', family: 'OKAFOR', birthDate: '1988-08-08', sex: 'M', nhsNumber: nhs.dan!, nhsVerified: true },
    ]);
    expect((await traceRecords(db.driver, client)).total).toBe(0);
    const summary = await traceRecords(db.driver, client, { all: true });
    expect(summary.counts).toMatchObject({ conflict: 1, traced: 1 });
    const rows = await traces();
    expect(rows.get('dan-wrong-verified')).toMatchObject({ outcome: 'conflict', status_code: '05', nhs_number: nhs.dan,
      detail: { heldNumber: nhs.amy, heldNumberStatus: 'another-person' } });
    expect(rows.get('dan-right-verified')).toMatchObject({ outcome: 'traced', nhs_number: nhs.dan });
    expect(summary.changed).toEqual([]);
    const { rows: held } = await db.driver.query<{ nhs_number: string }>("SELECT nhs_number FROM identity_record WHERE patient_id = 'dan-wrong-verified'");
    expect(held[0]!.nhs_number).toBe(nhs.amy);
  });

  it('honours --limit, and a second run updates rows in place', async () => {
    await insertRecords(records);
    expect((await traceRecords(db.driver, client, { limit: 3 })).total).toBe(3);
    expect((await traces()).size).toBe(3);
    const again = await traceRecords(db.driver, client);
    expect(again.total).toBe(records.length);
    expect((await traces()).size).toBe(records.length);
    // Already traced to the same number: nothing changes the second time.
    expect(again.changed).not.toContain('amy');
  });

  it('an error never undoes an earlier trace, and a run stops when PDS keeps failing', async () => {
    await insertRecords(records.slice(0, 4));
    await traceRecords(db.driver, client, { limit: 1 });
    expect((await traces()).get('amy')?.outcome).toBe('traced');
    const closed = await startPdsStandin(population);
    await closed.close();
    const unreachable = new PdsClient({ baseUrl: closed.url });
    const summary = await traceRecords(db.driver, unreachable, { maxConsecutiveErrors: 3 });
    expect(summary).toMatchObject({ total: 3, counts: { error: 3 }, changed: [] });
    expect(summary.aborted).toMatch(/3 times in a row \(last: NETWORK\)/);
    const rows = await traces();
    expect(rows.get('amy')).toMatchObject({ outcome: 'traced', nhs_number: nhs.amy, detail: { lastError: { code: 'NETWORK', status: 0 } } });
    // Patient-id order: amy, kim-old-number, owen-no-postcode, then the run stopped.
    expect(rows.get('kim-old-number')).toMatchObject({ outcome: 'error', nhs_number: null, status_code: null, detail: { code: 'NETWORK' } });
    expect(rows.has('owen-with-postcode')).toBe(false);
  });
});
