// Searching the audit trail on a real database: filters, newest-first keyset paging, totals,
// and a citizen's restriction to events about their own records.
import type { AuditEvent } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRecord, principal } from '../../../test/support/audit-records.ts';
import { DRIVER_NAME, openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { AccessRecord } from './access-record.ts';
import { appendAudit } from './audit-log.ts';
import { parseAuditSearch, readAuditEvent, searchAudit, type AuditSearch } from './audit-search.ts';

let db: TestDatabase;
const officer = principal({ subject: 'po-1', name: 'Pat Officer', role: 'R0001', organization: 'RX1' });
const nurse = principal({ subject: 'rn-7', name: 'Nia Nurse', role: 'R8000', organization: 'RX1' });

// seq 1..12: the social worker reads p1 (1–6) on 2 and 3 March, the nurse searches p1+p2 (7–9), a denial on p3 (10),
// a break-glass read of p2 (11), a system job touching nobody (12).
const RECORDS: AccessRecord[] = [
  ...Array.from({ length: 6 }, (_, i) => accessRecord({ requestId: `sw-${i}`, recorded: new Date(Date.UTC(2026, 2, 2 + (i >= 3 ? 1 : 0), 9, i)) })),
  ...Array.from({ length: 3 }, (_, i) => accessRecord({
    principal: nurse, interaction: 'search-type', action: 'E', requestId: `rn-${i}`, query: 'Observation?code=x',
    resources: ['Observation/o1', 'Observation/o2'], patients: ['Patient/p1', 'Patient/p2'], recorded: new Date(Date.UTC(2026, 2, 4, 9, i)),
  })),
  accessRecord({ principal: nurse, outcome: 'denied', status: 404, patients: ['Patient/p3'], resources: [], recorded: new Date(Date.UTC(2026, 2, 5)) }),
  accessRecord({ principal: officer, purposeOfUse: 'BTG', basis: 'break-glass', reason: 'Emergency', patients: ['Patient/p2'], recorded: new Date(Date.UTC(2026, 2, 6)) }),
  accessRecord({ principal: principal({ kind: 'system', subject: 'etl', clientId: 'etl', name: undefined, role: undefined }), interaction: 'create', action: 'C',
    patients: [], resources: ['Organization/o1'], recorded: new Date(Date.UTC(2026, 2, 7)) }),
];

beforeAll(async () => {
  db = await openTestDatabase();
  for (const record of RECORDS) await db.driver.transaction((tx) => appendAudit(tx, record));
});
afterAll(() => db.drop());

const ids = (events: AuditEvent[]) => events.map((e) => Number(e.id));
const search = (params: Array<[string, string]>, extra: Partial<AuditSearch> = {}) => searchAudit(db.driver, { ...parseAuditSearch(params), ...extra });

describe(`AuditEvent search (${DRIVER_NAME})`, () => {
  it('by patient: any of the listed patients, newest first', async () => {
    expect(ids((await search([['patient', 'p2']])).events)).toEqual([11, 9, 8, 7]);
    expect(ids((await search([['patient', 'p3,Patient/p2']])).events)).toEqual([11, 10, 9, 8, 7]);
    // Two occurrences: both must hold.
    expect(ids((await search([['patient', 'p1'], ['patient', 'p2']])).events)).toEqual([9, 8, 7]);
  });

  it('by agent subject, client or name (case-insensitive)', async () => {
    expect(ids((await search([['agent', 'rn-7']])).events)).toEqual([10, 9, 8, 7]);
    expect(ids((await search([['agent', 'pat officer']])).events)).toEqual([11]);
    expect(ids((await search([['agent', 'etl']])).events)).toEqual([12]);
  });

  it('by date with prefixes and precision', async () => {
    expect(ids((await search([['date', '2026-03-02']])).events)).toEqual([3, 2, 1]);
    expect(ids((await search([['date', 'ge2026-03-05']])).events)).toEqual([12, 11, 10]);
    expect(ids((await search([['date', 'gt2026-03-05']])).events)).toEqual([12, 11]);
    expect(ids((await search([['date', 'lt2026-03-03']])).events)).toEqual([3, 2, 1]);
    expect(ids((await search([['date', 'ge2026-03-03'], ['date', 'le2026-03-04']])).events)).toEqual([9, 8, 7, 6, 5, 4]);
  });

  it('by outcome, action, subtype, purpose and basis', async () => {
    expect(ids((await search([['outcome', 'denied']])).events)).toEqual([10]);
    expect(ids((await search([['outcome', '4']])).events)).toEqual([10]);
    expect(ids((await search([['action', 'C']])).events)).toEqual([12]);
    expect(ids((await search([['subtype', 'search-type']])).events)).toEqual([9, 8, 7]);
    expect(ids((await search([['purpose', 'BTG']])).events)).toEqual([11]);
    expect(ids((await search([['basis', 'break-glass']])).events)).toEqual([11]);
  });

  it('pages by seq with a stable cursor, even when events are appended between pages, with an accurate total', async () => {
    const first = await search([['_count', '5'], ['_total', 'accurate']]);
    expect(ids(first.events)).toEqual([12, 11, 10, 9, 8]);
    expect(first.total).toBe(12);
    expect(first.next).toBe('8');
    await db.driver.transaction((tx) => appendAudit(tx, accessRecord({ patients: ['Patient/p9'] })));
    const second = await search([['_count', '5'], ['_cursor', first.next!]]);
    expect(ids(second.events)).toEqual([7, 6, 5, 4, 3]);
    const third = await search([['_count', '5'], ['_cursor', second.next!]]);
    expect(ids(third.events)).toEqual([2, 1]);
    expect(third.next).toBeUndefined();
    expect((await search([['_count', '0'], ['_total', 'accurate'], ['patient', 'p1']])).total).toBe(9);
  });

  it('a citizen sees only events about their records, redacted to them', async () => {
    const own = ['Patient/p2'];
    const result = await search([], { restrictToPatients: own });
    expect(ids(result.events)).toEqual([11, 9, 8, 7]);
    // Even asking for another patient's events gives nothing back.
    expect((await search([['patient', 'p1']], { restrictToPatients: own })).events).toEqual([]);
    expect(ids((await search([['patient', 'p1,p2']], { restrictToPatients: own })).events)).toEqual([11, 9, 8, 7]);
    expect((await search([['patient', 'p3']], { restrictToPatients: own })).events).toEqual([]);
    expect((await search([], { restrictToPatients: [] })).events).toEqual([]);
    const shared = result.events.find((e) => e.id === '9')!;
    const refs = (shared.entity ?? []).map((e) => e.what?.reference).filter(Boolean);
    expect(refs).toEqual(['Patient/p2']);
    expect((shared.entity ?? []).some((e) => e.query)).toBe(false);
    expect(shared.agent?.some((a) => a.who?.display === 'Nia Nurse')).toBe(true);
  });

  it('reads one event by seq, the same for missing and not allowed', async () => {
    expect((await readAuditEvent(db.driver, '11'))?.id).toBe('11');
    expect(await readAuditEvent(db.driver, '10', ['Patient/p2'])).toBeUndefined();
    expect(await readAuditEvent(db.driver, '999')).toBeUndefined();
    expect(await readAuditEvent(db.driver, 'x')).toBeUndefined();
  });
});
