// Reads the audit trail back for tests: what was recorded for one request, and which patients a
// response really carried, to diff the two. The patients are found here by a rule of the test's own
// (a Patient itself, or its subject or patient reference), not by the server's code.
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { TestPlatform } from './test-platform.ts';

export interface AuditedRequest {
  outcome: 'success' | 'denied' | 'failed' | 'missing';
  patients: string[];
  basis?: string | null;
  reason?: string | null;
  purpose?: string;
}

const OUTCOMES: Record<string, AuditedRequest['outcome']> = { '0': 'success', '4': 'denied', '8': 'failed', '12': 'failed' };

/** The audit event written for the request with this X-Request-Id (exactly one is expected). */
export async function auditedPatients(t: TestPlatform, requestId: string): Promise<AuditedRequest> {
  const { rows } = await t.platform.driver.query<{ outcome: string; patients: string[]; basis: string | null; reason: string | null; purpose: string; event: string }>(
    `SELECT outcome, patients, basis, reason, purpose, event FROM audit_event WHERE strpos(event, $1) > 0 ORDER BY seq`,
    [`"${requestId}"`],
  );
  if (rows.length === 0) return { outcome: 'missing', patients: [] };
  if (rows.length > 1) throw new Error(`${rows.length} audit events for request ${requestId}`);
  const row = rows[0]!;
  return { outcome: OUTCOMES[row.outcome] ?? 'failed', patients: row.patients, basis: row.basis, reason: row.reason, purpose: row.purpose };
}

/** Every distinct patient a resource in `body` is, or is about (through `subject` or `patient`). */
export function returnedPatients(body: Resource | undefined): string[] {
  const out = new Set<string>();
  const visit = (r: Resource | undefined) => {
    if (!r) return;
    if (r.resourceType === 'Bundle') {
      for (const e of (r as Bundle).entry ?? []) visit(e.resource);
      return;
    }
    if (r.resourceType === 'Patient') out.add(`Patient/${r.id}`);
    const about = r as { subject?: { reference?: string }; patient?: { reference?: string } };
    const owner = about.subject?.reference ?? about.patient?.reference;
    if (owner?.startsWith('Patient/')) out.add(owner);
  };
  visit(body);
  return [...out];
}
