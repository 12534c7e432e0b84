// Every FHIR request passes here: decide, then read, then audit. For most requests all three happen
// in one database transaction and the audit row is its last statement, so nothing is shown that
// was not audited, a withdrawn consent binds the very next request, and if the audit cannot be
// written the request fails (503) instead of showing data. Refusals and failures are audited too.
// Bundles, imports and link decisions manage their own transactions; for them the audit follows
// in a transaction of its own, before the answer leaves.
import { FhirError } from '../fhir/errors.ts';
import { AUDIT_UNAVAILABLE, appendAudit } from '../governance/audit/audit-log.ts';
import { decideGrant, type AccessGrant } from '../governance/policy/access-grant.ts';
import { answeredRecord, refusedRecord } from './audit-record.ts';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { requestScope, type RequestScope } from './request-scope.ts';
import { dispatch } from './router.ts';

/** Requests that run their own transactions (bundles, imports, quarantine replays, link decisions). */
function managesOwnTransactions(req: FhirRequest): boolean {
  const s = req.segments;
  if (req.method !== 'POST') return false;
  if (s.length === 0) return true;
  return s.length === 1 && s[0]!.startsWith('$') || (s[0] === 'Person' && s[2] === '$unlink');
}

const isMetadata = (req: FhirRequest) => req.segments.length === 1 && req.segments[0] === 'metadata';

export async function handleFhirRequest(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  if (isMetadata(req)) return dispatch(req, ctx);
  return managesOwnTransactions(req) ? auditedAfter(req, ctx) : auditedWithin(req, ctx);
}

async function auditedWithin(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  let scope: RequestScope | undefined;
  let grant: AccessGrant | undefined;
  try {
    return await ctx.repo.transaction(async (repo, sql) => {
      scope = await requestScope(sql, req);
      grant = await decideGrant(sql, ctx.governance, req.principal, scope?.keys);
      // Everything the request does, operations' own tables included, happens in this transaction.
      const res = await dispatch({ ...req, grant }, { ...ctx, repo, ingest: { ...ctx.ingest, repo, db: sql } });
      await appendAudit(sql, answeredRecord(ctx, req, grant, res, scope));
      return res;
    });
  } catch (err) {
    await auditRefusal(req, ctx, grant, err, scope);
    throw err;
  }
}

async function auditedAfter(req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  let grant: AccessGrant | undefined;
  let res: FhirResponse;
  try {
    grant = await ctx.repo.transaction((_, sql) => decideGrant(sql, ctx.governance, req.principal));
    res = await dispatch({ ...req, grant }, ctx);
  } catch (err) {
    await auditRefusal(req, ctx, grant, err, undefined);
    throw err;
  }
  const answered = grant;
  await ctx.repo.transaction((_, sql) => appendAudit(sql, answeredRecord(ctx, req, answered, res, undefined)));
  return res;
}

/** Audits a refused or failed request in a transaction of its own (the request's was rolled back). */
async function auditRefusal(req: FhirRequest, ctx: FhirContext, grant: AccessGrant | undefined, err: unknown, scope: RequestScope | undefined): Promise<void> {
  if (err instanceof FhirError && err.code === AUDIT_UNAVAILABLE) return;
  await ctx.repo.transaction((_, sql) => appendAudit(sql, refusedRecord(req, grant, err, scope)));
}

/** Audits a request refused before it could be dispatched (no valid token). */
export async function auditUnauthenticated(req: FhirRequest, ctx: FhirContext, err: unknown): Promise<void> {
  await auditRefusal(req, ctx, undefined, err, undefined);
}
