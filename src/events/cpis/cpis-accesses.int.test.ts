// The last unscheduled-care accesses to a child, read from a real audit trail (PGlite, or PostgreSQL
// with TEST_DATABASE_URL) written by the audit log itself: order, the 25 limit, who counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRecord, principal } from '../../../test/support/audit-records.ts';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import type { AccessRecord } from '../../governance/audit/access-record.ts';
import { appendAudit } from '../../governance/audit/audit-log.ts';
import type { Principal } from '../../governance/principal.ts';
import { recentCpisAccesses } from './cpis-accesses.ts';

let db: TestDatabase;

const START = Date.parse('2026-02-01T08:00:00Z');
const at = (minutes: number) => new Date(START + minutes * 60_000);

const AE_DOCTOR = principal({ subject: 'ae-0001', name: 'Dr Ada Emery', role: 'R8000', organization: 'RQX' });
const AE_NURSE = principal({ subject: 'ae-0002', name: 'Nell Ward', role: 'R8001', organization: 'RQX' });
const AE_RECEPTION = principal({ subject: 'ae-0003', name: 'Rae Desk', role: 'R8009', organization: 'RQX' });
const GP = principal({ subject: 'gp-0001', name: 'Dr Gail Practice', role: 'R8000', organization: 'F84001' });
const SOCIAL_WORKER = principal();
const AE_SYSTEM = principal({ subject: 'ae-epr', kind: 'system', role: 'R8000', organization: 'RQX' });
const { name: _name, ...unnamed } = principal({ subject: 'ae-0004', role: 'R8003', organization: 'RQX' });
const AE_UNNAMED: Principal = unnamed;

async function record(who: Principal, minutes: number, overrides: Partial<AccessRecord> = {}): Promise<void> {
  await db.driver.transaction((tx) => appendAudit(tx, accessRecord({
    principal: who, recorded: at(minutes), requestId: `req-${who.subject}-${minutes}`, patients: ['Patient/child-a'], ...overrides,
  })));
}

beforeAll(async () => {
  db = await openTestDatabase();
  // 30 A&E visits to the child's hospital record, one an hour, the newest at minute 29 * 60.
  for (let i = 0; i < 30; i++) await record(AE_DOCTOR, i * 60);
  // Other people's reads of the same child, newer than every A&E visit: none counts.
  await record(SOCIAL_WORKER, 10_000);
  await record(GP, 10_001);
  await record(AE_RECEPTION, 10_002);
  await record(AE_SYSTEM, 10_003);
  // A&E about another child only.
  await record(AE_NURSE, 10_004, { patients: ['Patient/other-child'] });
  // A&E on the child's council record (linked), one refused, one within a search naming several children.
  await record(AE_NURSE, 5_000, { patients: ['Patient/child-b'], outcome: 'denied', status: 403 });
  await record(AE_UNNAMED, 5_001, { patients: ['Patient/other-child', 'Patient/child-b'] });
});
afterAll(() => db.drop());

describe('recentCpisAccesses', () => {
  it('lists the 25 newest unscheduled-care accesses, newest first', async () => {
    const accesses = await recentCpisAccesses(db.driver, ['Patient/child-a']);
    expect(accesses).toHaveLength(25);
    expect(accesses.map((a) => a.recorded)).toEqual(Array.from({ length: 25 }, (_, i) => at((29 - i) * 60).toISOString()));
    expect(accesses[0]).toEqual({
      id: expect.stringMatching(/^\d+$/), recorded: '2026-02-02T13:00:00.000Z', who: 'Dr Ada Emery', role: 'R8000', organisation: 'RQX', outcome: 'success',
    });
    const ids = accesses.map((a) => Number(a.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('reads every linked record, keeps refused accesses, and names unnamed staff by user id', async () => {
    const accesses = await recentCpisAccesses(db.driver, ['Patient/child-a', 'Patient/child-b'], 4);
    expect(accesses).toEqual([
      { id: expect.any(String), recorded: at(5_001).toISOString(), who: 'ae-0004', role: 'R8003', organisation: 'RQX', outcome: 'success' },
      { id: expect.any(String), recorded: at(5_000).toISOString(), who: 'Nell Ward', role: 'R8001', organisation: 'RQX', outcome: 'denied' },
      expect.objectContaining({ recorded: at(29 * 60).toISOString(), who: 'Dr Ada Emery' }),
      expect.objectContaining({ recorded: at(28 * 60).toISOString(), who: 'Dr Ada Emery' }),
    ]);
  });

  it('leaves out other staff, other roles at the A&E site, systems and other children', async () => {
    const everyone = await recentCpisAccesses(db.driver, ['Patient/child-a', 'Patient/child-b'], 1000);
    expect(everyone).toHaveLength(32);
    expect(new Set(everyone.map((a) => a.who))).toEqual(new Set(['Dr Ada Emery', 'Nell Ward', 'ae-0004']));
    expect(await recentCpisAccesses(db.driver, ['Patient/nobody'])).toEqual([]);
  });

  it('counts the sites and roles it is given', async () => {
    const gpOnly = await recentCpisAccesses(db.driver, ['Patient/child-a'], 25, { organisations: ['F84001'], roles: ['R8000'] });
    expect(gpOnly.map((a) => a.who)).toEqual(['Dr Gail Practice']);
    const reception = await recentCpisAccesses(db.driver, ['Patient/child-a'], 2, { organisations: ['RQX'], roles: ['R8009', 'R8000'] });
    expect(reception.map((a) => a.who)).toEqual(['Rae Desk', 'Dr Ada Emery']);
    expect(await recentCpisAccesses(db.driver, ['Patient/child-a'], 25, { organisations: [], roles: ['R8000'] })).toEqual([]);
  });

  it('answers nothing for no records or a zero limit', async () => {
    expect(await recentCpisAccesses(db.driver, [])).toEqual([]);
    expect(await recentCpisAccesses(db.driver, ['Patient/child-a'], 0)).toEqual([]);
  });
});
