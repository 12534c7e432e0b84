// AuditEvent over REST, served from the audit trail's own table: GET [base]/AuditEvent,
// POST [base]/AuditEvent/_search and GET [base]/AuditEvent/{seq}. Nothing else: the trail is
// written only by the server, so create, update, delete and history are not allowed.
// See: https://hl7.org/fhir/R4/auditevent.html and docs/governance/audit.md
import type { AuditEvent, Bundle, BundleLink } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { decideAuditAccess, type AuditAccess } from '../../governance/audit/audit-access.ts';
import { parseAuditSearch, readAuditEvent, searchAudit } from '../../governance/audit/audit-search.ts';
import { linksOf, membersOf } from '../../identity/links/link-rows.ts';
import type { Queryable } from '../../store/driver.ts';
import type { FhirContext, FhirRequest, Interaction } from '../fhir-request.ts';

/**
 * Runs audit queries in the request's transaction (the governed dispatch opens one; PGlite would
 * wait forever on a second connection), or in a new one.
 */
export const withAuditSql = <T>(ctx: FhirContext, fn: (sql: Queryable) => Promise<T>): Promise<T> => ctx.repo.transaction((_, sql) => fn(sql));

/**
 * The patient ids (`Patient/id`) a restricted caller may see events about: the token's patient
 * and every other source record linked to the same person. Undefined means no restriction.
 */
export async function auditRestriction(db: Queryable, access: AuditAccess): Promise<string[] | undefined> {
  if (access.kind === 'all') return undefined;
  const link = (await linksOf(db, [access.patient])).get(access.patient);
  const members = link ? await membersOf(db, [link.personId]) : [];
  return [...new Set([access.patient, ...members.map((m) => m.patientId)])].map((id) => `Patient/${id}`);
}

function pageLink(req: FhirRequest, query: ReadonlyArray<[string, string]>): string {
  const qs = new URLSearchParams(query as Array<[string, string]>).toString();
  return `${req.baseUrl}/AuditEvent${qs ? `?${qs}` : ''}`;
}

/** GET [base]/AuditEvent?… and POST [base]/AuditEvent/_search */
export const auditEventSearch: Interaction = async (req, ctx) => {
  const search = parseAuditSearch(req.query);
  const access = decideAuditAccess(req.principal, 's');
  const result = await withAuditSql(ctx, async (sql) => {
    const restrict = await auditRestriction(sql, access);
    return searchAudit(sql, { ...search, ...(restrict ? { restrictToPatients: restrict } : {}) });
  });
  const query = req.query.filter(([k]) => k !== '_cursor');
  const link: BundleLink[] = [{ relation: 'self', url: pageLink(req, req.query) }];
  if (result.next) link.push({ relation: 'next', url: pageLink(req, [...query, ['_cursor', result.next]]) });
  const body: Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link,
    entry: result.events.map((event) => ({ fullUrl: `${req.baseUrl}/AuditEvent/${event.id}`, resource: event, search: { mode: 'match' } })),
  };
  return { status: 200, body, audit: { patients: patientsOf(result.events) } };
};

/** The patients the shown events are about: this request's own audit record names them. */
function patientsOf(events: readonly AuditEvent[]): string[] {
  const refs = events.flatMap((e) => (e.entity ?? []).filter((x) => x.role?.code === '1').map((x) => x.what?.reference ?? ''));
  return [...new Set(refs.filter((r) => r.startsWith('Patient/')))];
}

/** GET [base]/AuditEvent/{seq}: a missing event and one the caller may not see answer alike. */
export const auditEventRead: Interaction = async (req, ctx) => {
  const access = decideAuditAccess(req.principal, 'r');
  const event = await withAuditSql(ctx, async (sql) => readAuditEvent(sql, req.segments[1]!, await auditRestriction(sql, access)));
  if (!event) throw new FhirError('not-found', 'STORE_NOT_FOUND', `AuditEvent/${req.segments[1]} is not known`);
  return { status: 200, body: event, audit: { patients: patientsOf([event]) } };
};

/** The interaction for a path under [base]/AuditEvent. */
export function routeAuditEvent(req: FhirRequest): Interaction {
  const s = req.segments;
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  if (s.length === 1 && m === 'GET') return auditEventSearch;
  if (s.length === 2 && s[1] === '_search' && m === 'POST') return auditEventSearch;
  if (s.length === 2 && !s[1]!.startsWith('_') && !s[1]!.startsWith('$') && m === 'GET') return auditEventRead;
  throw new FhirError('not-allowed', 'AUDIT_READ_ONLY', 'AuditEvents are written by the server only; they can be searched and read');
}
