// The audit trail over HTTP: AuditEvent search and read from the audit table, who may see it
// (IG roles and systems; a citizen only their own), the read-only routes, reports and reviews.
// Events are appended directly, dated 2025, so events the server writes for these requests don't interfere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRecord } from '../../src/governance/audit/access-record.ts';
import { appendAudit } from '../../src/governance/audit/audit-log.ts';
import { accessRecord, principal } from '../support/audit-records.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let officer: string;
let worker: string;
let citizen: string;

const gp = principal({ subject: 'gp-2', name: 'Gill Practitioner', role: 'R8000', organization: 'C84001' });
const at = (day: number) => new Date(Date.UTC(2025, 5, day, 9));
const RECORDS: AccessRecord[] = [
  accessRecord({ recorded: at(2), patients: ['Patient/ae-p1'] }), // 1
  accessRecord({ recorded: at(3), interaction: 'search-type', action: 'E', query: 'Observation?code=x', patients: ['Patient/ae-p1', 'Patient/ae-p2'] }), // 2
  accessRecord({ recorded: at(4), principal: gp, patients: ['Patient/ae-p2b'] }), // 3: the same person as ae-p2, another source
  accessRecord({ recorded: at(5), principal: gp, purposeOfUse: 'BTG', basis: 'break-glass', reason: 'Collapsed', patients: ['Patient/ae-p1'] }), // 4
];
let seqs: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  const driver = t.platform.driver;
  for (const record of RECORDS) seqs.push((await driver.transaction((tx) => appendAudit(tx, record))).id!);
  // ae-p2 and ae-p2b are linked to one person.
  await driver.query(`INSERT INTO identity_link (patient_id, person_id, kind, basis, decided_by) VALUES
    ('ae-p2', 'person-ae', 'auto', 'nhs-number', 'test'), ('ae-p2b', 'person-ae', 'auto', 'nhs-number', 'test')`);
  officer = await t.token('user/AuditEvent.rs', { kind: 'user', subject: 'po-1', name: 'Pat Officer', role: 'R0001', organization: 'X26' });
  worker = await t.token('user/*.rs', { kind: 'user', subject: 'sw-1', role: 'R8014' });
  citizen = await t.token('patient/*.rs', { kind: 'citizen', subject: 'nhs-login-2', patient: 'ae-p2' });
});
afterAll(async () => {
  await t?.close();
});

const ours = (body: any): string[] => (body.entry ?? []).map((e: any) => e.resource.id).filter((id: string) => seqs.includes(id));
const code = (body: any): string | undefined => body?.issue?.[0]?.details?.coding?.[0]?.code;
const rows = (body: any) => body.parameter.filter((p: any) => p.name === 'row').map((p: any) => {
  const row: Record<string, unknown> = {};
  for (const part of p.part) {
    const value = part.valueString ?? part.valueCode ?? part.valueInstant ?? part.valueInteger ?? part.valueReference?.reference;
    row[part.name] = row[part.name] === undefined ? value : [row[part.name], value].flat();
  }
  return row;
});

describe('AuditEvent over REST', () => {
  it('a privacy officer searches by patient, newest first, with self and next links', async () => {
    const first = await t.request('GET', '/fhir/AuditEvent?patient=ae-p1&_count=2&date=lt2026', { token: officer });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(ours(first.body)).toEqual([seqs[3], seqs[1]]);
    expect(first.body.entry[0].fullUrl).toBe(`http://sharedcare.test/fhir/AuditEvent/${seqs[3]}`);
    expect(first.body.entry[0].resource.entity.some((e: any) => e.detail?.some((d: any) => d.valueString === 'Collapsed'))).toBe(true);
    const next = first.body.link.find((l: any) => l.relation === 'next').url as string;
    expect(next).toContain(`_cursor=${seqs[1]}`);
    const second = await t.request('GET', next.replace('http://sharedcare.test', ''), { token: officer });
    expect(ours(second.body)).toEqual([seqs[0]]);
  });

  it('POST _search takes a form body; GET by seq reads one', async () => {
    const res = await t.request('POST', '/fhir/AuditEvent/_search', {
      token: officer, body: 'agent=gp-2&date=lt2026&_total=accurate', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status, res.text).toBe(200);
    expect(ours(res.body)).toEqual([seqs[3], seqs[2]]);
    expect(res.body.total).toBe(2);
    const one = await t.request('GET', `/fhir/AuditEvent/${seqs[0]}`, { token: officer });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ resourceType: 'AuditEvent', id: seqs[0], action: 'R' });
  });

  it('others get 403 AUTH_AUDIT_ROLE; a token without an AuditEvent scope 403', async () => {
    const res = await t.request('GET', '/fhir/AuditEvent?patient=ae-p1', { token: worker });
    expect(res.status).toBe(403);
    expect(code(res.body)).toBe('AUTH_AUDIT_ROLE');
    const noScope = await t.token('user/Patient.rs', { kind: 'user', role: 'R0001' });
    expect((await t.request('GET', '/fhir/AuditEvent', { token: noScope })).status).toBe(403);
  });

  it('a citizen sees only events about their own records (all linked to their person), redacted', async () => {
    const res = await t.request('GET', '/fhir/AuditEvent?date=lt2026', { token: citizen });
    expect(res.status, res.text).toBe(200);
    expect(ours(res.body)).toEqual([seqs[2], seqs[1]]);
    const shared = res.body.entry.find((e: any) => e.resource.id === seqs[1]).resource;
    expect(shared.entity.map((e: any) => e.what?.reference).filter(Boolean)).toEqual(['Patient/ae-p2']);
    // Naming someone else finds nothing, not which of their events also name that person.
    expect(ours((await t.request('GET', '/fhir/AuditEvent?patient=ae-p1', { token: citizen })).body)).toEqual([]);
    const other = await t.request('GET', `/fhir/AuditEvent/${seqs[0]}`, { token: citizen });
    const missing = await t.request('GET', '/fhir/AuditEvent/999999', { token: citizen });
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body.issue[0].details.coding).toEqual(missing.body.issue[0].details.coding);
  });

  it('reading the trail is itself audited, naming the patients it showed', async () => {
    await t.request('GET', '/fhir/AuditEvent?patient=ae-p2b&date=lt2026', { token: officer });
    const mine = await t.request('GET', '/fhir/AuditEvent?agent=po-1&subtype=search-type&patient=ae-p2b&_count=1', { token: officer });
    expect(mine.status, mine.text).toBe(200);
    const [event] = mine.body.entry.map((e: any) => e.resource);
    expect(event.recorded.startsWith('2025')).toBe(false);
    expect(event.entity.filter((e: any) => e.role?.code === '1').map((e: any) => e.what.reference)).toContain('Patient/ae-p2b');
  });

  it('the trail is read-only over REST', async () => {
    const event = { resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: '2025-01-01T00:00:00Z', agent: [], source: { observer: {} } };
    for (const [method, url] of [['POST', '/fhir/AuditEvent'], ['PUT', `/fhir/AuditEvent/${seqs[0]}`], ['DELETE', `/fhir/AuditEvent/${seqs[0]}`],
      ['GET', `/fhir/AuditEvent/${seqs[0]}/_history`]] as const) {
      const res = await t.request(method, url, { body: method === 'DELETE' || method === 'GET' ? undefined : { ...event, id: seqs[0] } });
      expect(res.status, `${method} ${url}`).toBe(405);
    }
  });
});

describe('$audit-report and $audit-review', () => {
  it('weekly-views and access-log as Parameters rows', async () => {
    const weekly = await t.request('GET', '/fhir/$audit-report?report=weekly-views&since=2025-01-01&until=2026-01-01', { token: officer });
    expect(weekly.status, weekly.text).toBe(200);
    expect(rows(weekly.body)).toEqual([
      { week: '2025-W23', organization: 'C84001', role: 'R8000', kind: 'user', views: 2, patients: 2 },
      { week: '2025-W23', organization: 'E10000024', role: 'R8014', kind: 'user', views: 2, patients: 2 },
    ]);
    const log = await t.request('GET', '/fhir/$audit-report?report=access-log&patient=ae-p2&until=2026-01-01', { token: officer });
    expect(rows(log.body).map((r: any) => [r.seq, r.patient])).toEqual([[seqs[1], 'Patient/ae-p2']]);
  });

  it('a citizen gets their own access log and nothing else', async () => {
    const log = await t.request('GET', '/fhir/$audit-report?report=access-log&until=2026-01-01', { token: citizen });
    expect(log.status, log.text).toBe(200);
    expect(rows(log.body).map((r: any) => r.seq)).toEqual([seqs[2], seqs[1]]);
    const asked = await t.request('GET', '/fhir/$audit-report?report=access-log&patient=ae-p1&until=2026-01-01', { token: citizen });
    expect(rows(asked.body)).toEqual([]);
    const bg = await t.request('GET', '/fhir/$audit-report?report=break-glass', { token: citizen });
    expect(bg.status).toBe(403);
    expect(code(bg.body)).toBe('AUTH_AUDIT_ROLE');
  });

  it('a privacy officer reviews a break-glass access; others may not', async () => {
    const body = { resourceType: 'Parameters', parameter: [{ name: 'seq', valueString: seqs[3] }, { name: 'outcome', valueCode: 'appropriate' }, { name: 'note', valueString: 'Ambulance record' }] };
    expect((await t.request('POST', '/fhir/$audit-review', { body })).status).toBe(403);
    expect((await t.request('POST', '/fhir/$audit-review', { body, token: worker })).status).toBe(403);
    const res = await t.request('POST', '/fhir/$audit-review', { body, token: officer });
    expect(res.status, res.text).toBe(200);
    const report = await t.request('GET', '/fhir/$audit-report?report=break-glass&until=2026-01-01', { token: officer });
    expect(rows(report.body)).toEqual([expect.objectContaining({ seq: seqs[3], reason: 'Collapsed', review: 'appropriate', reviewer: 'Pat Officer (po-1)' })]);
    const unknown = await t.request('GET', '/fhir/$audit-report?report=everything', { token: officer });
    expect(unknown.status).toBe(400);
  });
});
