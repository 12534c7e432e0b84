// Builds the audit trail's record of one FHIR request from what was asked, what the policy decided
// and what was answered: the BALP subtype and action, and every patient the answer concerned.
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Definitions } from '../fhir/definitions.ts';
import type { SearchParamRegistry } from '../fhir/search-parameters.ts';
import { FhirError } from '../fhir/errors.ts';
import { basisFor, type AccessGrant } from '../governance/policy/access-grant.ts';
import type { AccessRecord, AuditAction, AuditOutcome } from '../governance/audit/access-record.ts';
import { PURPOSE } from '../governance/principal.ts';
import { personKeyOf } from '../store/hash.ts';
import { compartmentOwner } from '../store/index-rows.ts';
import type { FhirRequest, FhirResponse } from './fhir-request.ts';
import { errorResponse } from './outcome.ts';
import type { RequestScope } from './request-scope.ts';

interface Interaction {
  interaction: string;
  action: AuditAction;
  operation?: string;
}

/** The FHIR restful interaction (BALP subtype) and audit action of a request. */
export function interactionOf(req: FhirRequest): Interaction {
  const s = req.segments;
  const op = s.find((x) => x.startsWith('$'));
  if (op) return { interaction: 'operation', action: 'E', operation: op.slice(1) };
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (s.length === 0) return { interaction: method === 'POST' ? 'transaction' : 'search-system', action: 'E' };
  if (method === 'GET' && s[0] === '_history') return { interaction: 'history-system', action: 'E' };
  if (method === 'GET' || (method === 'POST' && s[1] === '_search')) {
    if (s.length === 1 || s[1] === '_search') return { interaction: 'search-type', action: 'E' };
    if (s[1] === '_history') return { interaction: 'history-type', action: 'E' };
    if (s.length === 2) return { interaction: 'read', action: 'R' };
    if (s.length === 3) return { interaction: 'history-instance', action: 'R' };
    return { interaction: 'vread', action: 'R' };
  }
  if (method === 'POST') return { interaction: 'create', action: 'C' };
  if (method === 'PUT') return { interaction: 'update', action: 'U' };
  if (method === 'PATCH') return { interaction: 'patch', action: 'U' };
  return { interaction: 'delete', action: 'D' };
}

export interface AuditInputs {
  definitions: Definitions;
  registry: SearchParamRegistry;
}

/** The record of a request that was answered. */
export function answeredRecord(inputs: AuditInputs, req: FhirRequest, grant: AccessGrant, res: FhirResponse, scope: RequestScope | undefined): AccessRecord {
  const { interaction, action, operation } = interactionOf(req);
  const found = res.body ? resourcesIn(res.body) : [];
  const patients = new Set<string>(res.audit?.patients ?? []);
  for (const r of found) {
    const owner = compartmentOwner(r as unknown as Record<string, unknown>, inputs.registry, inputs.definitions.patientCompartmentParams(r.resourceType));
    if (owner) patients.add(owner);
  }
  // A write or delete concerns its person even when the response carries no body.
  if (action !== 'R' && action !== 'E') for (const p of scope?.patients ?? []) patients.add(p);
  const single = action !== 'E' && found.length <= 1;
  const resources = res.audit?.resources ?? (single ? found.map((r) => `${r.resourceType}/${r.id}`) : []);
  if (single && resources.length === 0 && req.segments.length >= 2 && !req.segments[1]!.startsWith('$')) resources.push(`${req.segments[0]}/${req.segments[1]}`);
  const keys = [...patients].map((p) => personKeyOf(p.slice('Patient/'.length)));
  const { basis, reason } = basisFor(grant, keys);
  return {
    ...common(req, grant, interaction, action, operation),
    outcome: 'success',
    status: res.status,
    resources,
    patients: [...patients],
    basis: res.audit?.basis ?? basis,
    ...(res.audit?.purposeOfUse ? { purposeOfUse: res.audit.purposeOfUse } : {}),
    ...(res.audit?.reason ?? reason ? { reason: res.audit?.reason ?? reason } : {}),
  };
}

/** The record of a request that was refused or failed: what was asked, about whom, and why not. */
export function refusedRecord(req: FhirRequest, grant: AccessGrant | undefined, err: unknown, scope: RequestScope | undefined): AccessRecord {
  const { interaction, action, operation } = interactionOf(req);
  const status = errorResponse(err, req.requestId).status;
  const outcome: AuditOutcome = status === 401 || status === 403 ? 'denied' : 'failed';
  const description = err instanceof FhirError ? `${err.code}: ${err.message}` : 'Internal error';
  return {
    ...common(req, grant, interaction, action, operation),
    outcome,
    status,
    outcomeDescription: description,
    resources: req.segments.length >= 2 && !req.segments[1]!.startsWith('$') && !req.segments[1]!.startsWith('_') ? [`${req.segments[0]}/${req.segments[1]}`] : [],
    patients: scope?.patients ?? [],
  };
}

function common(req: FhirRequest, grant: AccessGrant | undefined, interaction: string, action: AuditAction, operation: string | undefined) {
  const query = req.query.length ? `?${new URLSearchParams(req.query).toString()}` : '';
  return {
    interaction,
    action,
    ...(operation ? { operation } : {}),
    principal: req.principal,
    ...(req.network ? { network: req.network } : {}),
    requestId: req.requestId,
    server: req.baseUrl,
    query: `${req.segments.join('/')}${query}`,
    ...(req.segments[0] && /^[A-Z]/.test(req.segments[0]) ? { resourceType: req.segments[0] } : {}),
    purposeOfUse: grant?.purposeOfUse ?? req.principal.purposeOfUse ?? PURPOSE.treatment,
    recorded: new Date(),
  };
}

/** Every resource an answer carries, through searchsets, histories and batch responses. */
function resourcesIn(body: Resource): Resource[] {
  if (body.resourceType !== 'Bundle') return body.resourceType === 'OperationOutcome' || body.resourceType === 'Parameters' ? [] : [body];
  const out: Resource[] = [];
  for (const entry of (body as Bundle).entry ?? []) {
    if (entry.resource) out.push(...resourcesIn(entry.resource));
  }
  return out;
}
