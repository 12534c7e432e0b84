// Audit reports and reviews on a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRecord, principal } from '../../../test/support/audit-records.ts';
import { DRIVER_NAME, openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { FhirError } from '../../fhir/errors.ts';
import type { AccessRecord } from './access-record.ts';
import { appendAudit } from './audit-log.ts';
import { recordAuditReview } from './audit-review.ts';
import { runAuditReport } from './reports.ts';
import { verifyAuditChain } from './verify.ts';

let db: TestDatabase;
const gp = principal({ subject: 'gp-2', name: 'Gill Practitioner', role: 'R8000', organization: 'C84001' });
const citizen = principal({ kind: 'citizen', subject: 'nhs-login-9', name: 'Pat Person', role: undefined, organization: undefined, scope: 'patient/*.rs', patient: 'p1' });

// ISO week 2026-W10 is 2–8 March; W11 is 9–15 March.
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 2, day, hour));
const RECORDS: AccessRecord[] = [
  accessRecord({ recorded: at(2) }), // 1: sw reads p1 (W10)
  accessRecord({ recorded: at(3), interaction: 'search-type', action: 'E', patients: ['Patient/p1', 'Patient/p2'] }), // 2: sw search p1+p2 (W10)
  accessRecord({ recorded: at(4), principal: gp, patients: ['Patient/p2'] }), // 3: gp reads p2 (W10)
  accessRecord({ recorded: at(9), principal: gp, purposeOfUse: 'BTG', basis: 'break-glass', reason: 'Collapsed at home', patients: ['Patient/p1'] }), // 4 (W11)
  accessRecord({ recorded: at(10), principal: gp, basis: 'self-claimed', reason: 'New referral', patients: ['Patient/p3'] }), // 5 (W11)
  accessRecord({ recorded: at(10), outcome: 'denied', status: 404, patients: ['Patient/p1'] }), // 6: a denial, not a view
  accessRecord({ recorded: at(11), interaction: 'update', action: 'U', patients: ['Patient/p1'] }), // 7: a write, not a view
  accessRecord({ recorded: at(11), interaction: 'search-type', action: 'E', patients: [] }), // 8: found nobody
  accessRecord({ recorded: at(12), principal: citizen, basis: 'patient-self', patients: ['Patient/p1'] }), // 9: the person (W11)
  accessRecord({ recorded: at(12), interaction: 'operation', operation: 'consent-to-view', action: 'E', principal: gp, basis: 'self-claimed',
    reason: 'refused: the person said no', patients: ['Patient/p4'] }), // 10
  accessRecord({ recorded: at(12), interaction: 'operation', operation: 'consent-to-view', action: 'E', principal: gp, reason: 'given', patients: ['Patient/p5'] }), // 11
];

beforeAll(async () => {
  db = await openTestDatabase();
  for (const record of RECORDS) await db.driver.transaction((tx) => appendAudit(tx, record));
});
afterAll(() => db.drop());

describe(`audit reports (${DRIVER_NAME})`, () => {
  it('access-log: who touched the person\'s records, newest first, only their patient ids shown', async () => {
    const report = await runAuditReport(db.driver, 'access-log', { patients: ['Patient/p1'] });
    expect(report.rows.map((r) => r.seq)).toEqual(['9', '7', '6', '4', '2', '1']);
    expect(report.rows.find((r) => r.seq === '2')).toEqual({
      seq: '2', recorded: '2026-03-03T09:00:00.000Z', agent: 'sw-0001', name: 'Sam Worker', role: 'R8014', organization: 'E10000024',
      kind: 'user', purpose: 'TREAT', basis: 'care-team', interaction: 'search-type', outcome: 'success', patient: ['Patient/p1'],
    });
    expect(report.rows.find((r) => r.seq === '6')?.outcome).toBe('denied');
    expect(report.rows.find((r) => r.seq === '4')).toMatchObject({ purpose: 'BTG', basis: 'break-glass' });
  });

  it('access-log: since/until, paging, the citizen restriction, and patients required', async () => {
    const since = await runAuditReport(db.driver, 'access-log', { patients: ['Patient/p1'], since: '2026-03-09', until: '2026-03-11' });
    expect(since.rows.map((r) => r.seq)).toEqual(['6', '4']);
    const page = await runAuditReport(db.driver, 'access-log', { patients: ['Patient/p1'], limit: 4 });
    expect(page.next).toBe('4');
    expect((await runAuditReport(db.driver, 'access-log', { patients: ['Patient/p1'], cursor: page.next! })).rows.map((r) => r.seq)).toEqual(['2', '1']);
    const restricted = await runAuditReport(db.driver, 'access-log', { patients: ['Patient/p2'], restrictToPatients: [] });
    expect(restricted.rows).toEqual([]);
    await expect(runAuditReport(db.driver, 'access-log', {})).rejects.toBeInstanceOf(FhirError);
  });

  it('break-glass and self-claim list the reason and the review state, latest review winning', async () => {
    const before = await runAuditReport(db.driver, 'break-glass', {});
    expect(before.rows).toEqual([{
      seq: '4', recorded: '2026-03-09T09:00:00.000Z', agent: 'gp-2', name: 'Gill Practitioner', role: 'R8000', organization: 'C84001',
      patient: ['Patient/p1'], reason: 'Collapsed at home', interaction: 'read', outcome: 'success', review: 'pending',
    }]);
    await recordAuditReview(db.driver, { seq: '4', reviewer: 'po-1', reviewerName: 'Pat Officer', outcome: 'inappropriate', note: 'No emergency recorded' });
    await recordAuditReview(db.driver, { seq: '4', reviewer: 'po-1', outcome: 'appropriate', note: 'Ambulance record found' });
    const after = await runAuditReport(db.driver, 'break-glass', {});
    expect(after.rows[0]).toMatchObject({ review: 'appropriate', reviewer: 'po-1', reviewNote: 'Ambulance record found' });
    expect(after.rows[0]!.reviewedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect((await runAuditReport(db.driver, 'break-glass', { review: 'pending' })).rows).toEqual([]);
    const claims = await runAuditReport(db.driver, 'self-claim', { review: 'pending' });
    expect(claims.rows.map((r) => [r.seq, r.reason])).toEqual([['10', 'refused: the person said no'], ['5', 'New referral']]);
  });

  it('reviews are append-only and need an existing event and a note', async () => {
    await expect(db.driver.query("UPDATE audit_review SET outcome = 'appropriate'")).rejects.toThrow(/append-only/);
    await expect(db.driver.query('DELETE FROM audit_review')).rejects.toThrow(/append-only/);
    await expect(recordAuditReview(db.driver, { seq: '999', reviewer: 'po-1', outcome: 'appropriate', note: 'x' })).rejects.toMatchObject({ code: 'AUDIT_EVENT_NOT_FOUND' });
    await expect(recordAuditReview(db.driver, { seq: '5', reviewer: 'po-1', outcome: 'appropriate', note: '  ' })).rejects.toMatchObject({ code: 'AUDIT_REVIEW_PARAMETER' });
    // Reviews sit beside the chain: it still verifies.
    expect((await verifyAuditChain(db.driver)).ok).toBe(true);
  });

  it('consent-refusals: consent-to-view events whose reason begins "refused"', async () => {
    const report = await runAuditReport(db.driver, 'consent-refusals', {});
    expect(report.rows.map((r) => [r.seq, r.patient, r.reason])).toEqual([['10', ['Patient/p4'], 'refused: the person said no']]);
  });

  it('weekly-views: successful reads and searches that returned someone, per ISO week, organisation and role', async () => {
    const report = await runAuditReport(db.driver, 'weekly-views', {});
    expect(report.rows).toEqual([
      { week: '2026-W10', organization: 'C84001', role: 'R8000', kind: 'user', views: 1, patients: 1 },
      { week: '2026-W10', organization: 'E10000024', role: 'R8014', kind: 'user', views: 2, patients: 2 },
      { week: '2026-W11', kind: 'citizen', views: 1, patients: 1 },
      { week: '2026-W11', organization: 'C84001', role: 'R8000', kind: 'user', views: 4, patients: 4 },
    ]);
    const w11 = await runAuditReport(db.driver, 'weekly-views', { since: '2026-03-09' });
    expect(w11.rows.map((r) => r.week)).toEqual(['2026-W11', '2026-W11']);
  });
});
