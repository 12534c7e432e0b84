// batch and transaction: POST [base] with a Bundle. A transaction resolves urn:uuid and conditional
// references, runs DELETE → POST → PUT/PATCH → GET in one database transaction, all or nothing.
// See: https://hl7.org/fhir/R4/http.html#transaction
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleEntryResponse, Resource } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import type { AccessFilter, Repository } from '../../store/repository.ts';
import { forEachReference } from '../../store/reference-walk.ts';
import type { FhirContext, FhirRequest, FhirResponse, HttpMethod, Interaction } from '../fhir-request.ts';
import { errorResponse } from '../outcome.ts';
import { access, queryPairs, readAccess, versionHeaders } from '../rest-semantics.ts';
import { dispatch } from '../router.ts';
import { checkWrite, type CheckedWrite } from '../write-checks.ts';

const ORDER: Record<string, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 };

interface Planned {
  index: number;
  entry: BundleEntry;
  method: HttpMethod;
  url: URL;
  /** Plain creates run together in one set-based write. */
  bulkCreate?: Resource;
  response?: BundleEntryResponse;
  resource?: Resource;
}

function entryError(index: number, err: unknown): FhirError {
  if (err instanceof FhirError) {
    const located = FhirError.fromIssues(err.category, err.code, err.issues.map((i) => ({ ...i, message: `Bundle.entry[${index}]: ${i.message}`, expression: [`Bundle.entry[${index}]`, ...(i.expression ?? [])] })));
    return located;
  }
  return err as FhirError;
}

function planEntries(bundle: Bundle, max: number): Planned[] {
  const entries = bundle.entry ?? [];
  if (entries.length > max) throw new FhirError('too-large', 'BUNDLE_TOO_MANY_ENTRIES', `A Bundle may hold at most ${max} entries`, 'Bundle.entry');
  return entries.map((entry, index) => {
    const method = entry.request?.method as HttpMethod | undefined;
    const url = entry.request?.url;
    if (!method || !(method in ORDER) || !url) {
      throw invalid('BUNDLE_ENTRY_REQUEST', 'Each entry needs request.method and request.url', `Bundle.entry[${index}].request`);
    }
    if ((method === 'POST' || method === 'PUT') && !entry.resource) {
      throw invalid('BUNDLE_ENTRY_RESOURCE', `${method} entries need a resource`, `Bundle.entry[${index}].resource`);
    }
    return { index, entry, method, url: new URL(url.replace(/^\//, ''), 'http://entry/') };
  });
}

/**
 * A transaction may not touch one resource twice, nor repeat a fullUrl (bdl-7): the outcome would
 * depend on entry order. See: https://hl7.org/fhir/R4/http.html#trules
 */
function assertDistinctIdentities(plan: readonly Planned[]): void {
  const fullUrls = new Set<string>();
  const written = new Set<string>();
  for (const p of plan) {
    const fullUrl = p.entry.fullUrl && `${p.entry.fullUrl}|${p.entry.resource?.meta?.versionId ?? ''}`;
    if (fullUrl && fullUrls.has(fullUrl)) throw invalid('BUNDLE_DUPLICATE_FULLURL', 'Two entries have the same fullUrl', `Bundle.entry[${p.index}].fullUrl`);
    if (fullUrl) fullUrls.add(fullUrl);
    const identity = p.url.pathname.replace(/^\//, '');
    if (p.method === 'GET' || p.method === 'HEAD' || p.method === 'POST' || p.url.search || identity.split('/').length !== 2) continue;
    if (written.has(identity)) throw invalid('BUNDLE_DUPLICATE_IDENTITY', `Two entries write ${identity}`, `Bundle.entry[${p.index}].request.url`);
    written.add(identity);
  }
}

function subRequest(parent: FhirRequest, p: Planned, body: unknown): FhirRequest {
  const headers: Record<string, string | undefined> = {
    'if-match': p.entry.request?.ifMatch,
    'if-none-exist': p.entry.request?.ifNoneExist,
    'if-none-match': p.entry.request?.ifNoneMatch,
    prefer: parent.header('prefer'),
  };
  return {
    ...parent,
    method: p.method,
    segments: p.url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
    query: [...p.url.searchParams],
    header: (name) => headers[name],
    body,
  };
}

function toEntryResponse(res: FhirResponse): BundleEntry {
  const status = String(res.status);
  const response: BundleEntryResponse = {
    status,
    ...(res.headers?.Location ? { location: res.headers.Location } : {}),
    ...(res.headers?.ETag ? { etag: res.headers.ETag } : {}),
    ...(res.headers?.['Last-Modified'] ? { lastModified: new Date(res.headers['Last-Modified']).toISOString() } : {}),
  };
  return { ...(res.body ? { resource: res.body } : {}), response };
}

/** Replaces every `reference` equal to a key of `map` (urn:uuid fullUrls, conditional references). */
function rewriteReferences(value: unknown, map: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, map));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = key === 'reference' && typeof v === 'string' && map.has(v) ? map.get(v) : rewriteReferences(v, map);
  }
  return out;
}

async function resolveConditionalReference(repo: Repository, reference: string, req: FhirRequest): Promise<string> {
  const [type, query] = [reference.slice(0, reference.indexOf('?')), reference.slice(reference.indexOf('?') + 1)];
  const filter = readAccess(req, type, 's');
  const search = repo.parseSearch(type, queryPairs(query));
  search.count = 2;
  const result = await repo.search(search, { owner: req.principal.subject, ...(filter ? { filter } : {}) });
  if (result.matches.length !== 1) {
    throw new FhirError('precondition', 'BUNDLE_CONDITIONAL_REFERENCE', `The conditional reference ${type}?… matched ${result.matches.length === 0 ? 'nothing' : 'more than one resource'}`);
  }
  return `${type}/${result.matches[0]!.resource.id}`;
}

async function runTransaction(req: FhirRequest, ctx: FhirContext, plan: Planned[]): Promise<void> {
  await ctx.repo.transaction(async (repo, sql) => {
    // Everything in the Bundle, the tables beside resources included, is one transaction.
    const txCtx: FhirContext = { ...ctx, repo, ingest: { ...ctx.ingest, repo, db: sql } };
    const ids = new Map<string, string>();
    // 0. Deletes come first, so a conditional create below no longer sees what they removed.
    for (const p of plan.filter((x) => x.method === 'DELETE')) await execute(req, txCtx, p, ids);
    // 1. Identities: new ids for creates, the existing id for matched conditional creates.
    for (const p of plan) {
      const fullUrl = p.entry.fullUrl;
      const type = p.url.pathname.split('/').filter(Boolean)[0]!;
      try {
        if (p.method === 'POST') {
          const ifNoneExist = p.entry.request?.ifNoneExist;
          if (ifNoneExist) {
            // Locks the condition until commit, so parallel identical Bundles create it once.
            const match = await repo.matchCondition(type, queryPairs(ifNoneExist), 'ifNoneExist', access(req, type, 's'));
            if (match) {
              if (fullUrl) ids.set(fullUrl, `${type}/${match.id}`);
              const headers = versionHeaders(match, req.baseUrl, true);
              p.response = { status: '200', location: headers.Location!, etag: headers.ETag! };
              p.resource = match;
              continue;
            }
          }
          const id = randomUUID();
          if (fullUrl) ids.set(fullUrl, `${type}/${id}`);
          p.bulkCreate = { ...(p.entry.resource as Resource), id };
        } else if (p.method === 'PUT' && fullUrl && !p.url.search) {
          ids.set(fullUrl, p.url.pathname.replace(/^\//, ''));
        } else if (p.method === 'PUT' && fullUrl) {
          // A conditional update's fullUrl names what it matches, or the resource it will create.
          const match = await repo.matchCondition(type, [...p.url.searchParams], 'conditional update', access(req, type, 's'));
          const existing = match ? `${type}/${match.id}` : undefined;
          const id = existing?.split('/')[1] ?? randomUUID();
          ids.set(fullUrl, `${type}/${id}`);
          p.entry = { ...p.entry, resource: { ...(p.entry.resource as Resource), id } };
        }
      } catch (err) {
        throw entryError(p.index, err);
      }
    }
    // 2. Conditional references (Patient?identifier=…) resolve to exactly one resource.
    const conditional = new Set<string>();
    for (const p of plan) {
      forEachReference(p.entry.resource, (ref) => {
        if (/^[A-Z][A-Za-z]+\?/.test(ref)) conditional.add(ref);
      });
    }
    for (const ref of conditional) ids.set(ref, await resolveConditionalReference(repo, ref, req));
    // A urn:uuid that no entry's fullUrl defines would be stored as a dangling literal.
    for (const p of plan) {
      const dangling = new Set<string>();
      forEachReference(p.entry.resource, (ref) => {
        if (ref.startsWith('urn:uuid:') && !ids.has(ref)) dangling.add(ref);
      });
      if (dangling.size > 0) {
        throw entryError(p.index, invalid('BUNDLE_UNRESOLVED_REFERENCE', `${[...dangling][0]} is not the fullUrl of any entry in this Bundle`, 'resource'));
      }
    }
    // 3. Execute in the order the spec requires.
    const ordered = [...plan].sort((a, b) => ORDER[a.method]! - ORDER[b.method]! || a.index - b.index);
    const creates = ordered.filter((p) => p.bulkCreate);
    if (creates.length > 0) await bulkCreate(req, txCtx, creates, ids);
    for (const p of ordered.filter((x) => !x.bulkCreate && !x.response)) await execute(req, txCtx, p, ids);
  });
}

// One set-based write per access filter (normally one per Bundle), not one per resource type:
// a person's Bundle holds ~10 types, and each write is five statements.
async function bulkCreate(req: FhirRequest, ctx: FhirContext, creates: Planned[], ids: ReadonlyMap<string, string>): Promise<void> {
  const { repo } = ctx;
  const filters = new Map<string, AccessFilter | undefined>();
  const groups = new Map<string, { filter: AccessFilter | undefined; planned: Planned[] }>();
  for (const p of creates) {
    const type = p.bulkCreate!.resourceType;
    if (p.url.pathname.replace(/^\//, '') !== type) {
      throw entryError(p.index, invalid('BUNDLE_TYPE_MISMATCH', `The resource is a ${type}, but request.url names ${p.url.pathname.slice(1)}`, 'request.url'));
    }
    try {
      if (!filters.has(type)) filters.set(type, access(req, type, 'c'));
    } catch (err) {
      throw entryError(p.index, err);
    }
    const filter = filters.get(type);
    const key = JSON.stringify(filter ?? null);
    if (!groups.has(key)) groups.set(key, { filter, planned: [] });
    groups.get(key)!.planned.push(p);
  }
  // What this Bundle writes: a Consent may name a Patient created beside it.
  const bundleWrites = new Set(ids.values());
  for (const { filter, planned } of groups.values()) {
    // The same checks as a single create (a Consent's shape, a Subscription's endpoint and owner).
    const checked: CheckedWrite[] = [];
    for (const p of planned) {
      try {
        checked.push(await checkWrite(req, ctx, rewriteReferences(p.bulkCreate, ids) as Resource, bundleWrites));
      } catch (err) {
        throw entryError(p.index, err);
      }
    }
    let stored: Resource[];
    try {
      stored = await repo.createMany(checked.map((c) => c.resource), filter);
    } catch (err) {
      throw locateBulkError(err, planned);
    }
    for (const [i, resource] of stored.entries()) await checked[i]!.afterWrite(resource);
    stored.forEach((resource, i) => {
      const p = planned[i]!;
      p.resource = resource;
      const headers = versionHeaders(resource, req.baseUrl, true);
      p.response = { status: '201', location: headers.Location!, etag: headers.ETag!, lastModified: resource.meta!.lastUpdated! };
    });
  }
}

function locateBulkError(err: unknown, group: Planned[]): unknown {
  if (!(err instanceof FhirError)) return err;
  const failing = err.entryIndex;
  return entryError(failing !== undefined ? group[failing]!.index : group[0]!.index, err);
}

async function execute(req: FhirRequest, ctx: FhirContext, p: Planned, ids: ReadonlyMap<string, string>): Promise<void> {
  try {
    const body = p.entry.resource ? rewriteReferences(p.entry.resource, ids) : p.entry.resource;
    const res = await dispatch(subRequest(req, p, p.method === 'PATCH' ? patchBody(p) : body), ctx);
    const entry = toEntryResponse(res);
    p.response = entry.response;
    if (entry.resource) p.resource = entry.resource;
  } catch (err) {
    throw entryError(p.index, err);
  }
}

/** A PATCH entry carries its JSON Patch as a Binary (base64) or Parameters is not supported. */
function patchBody(p: Planned): unknown {
  const resource = p.entry.resource as { resourceType?: string; data?: string } | undefined;
  if (resource?.resourceType === 'Binary' && resource.data) return JSON.parse(Buffer.from(resource.data, 'base64').toString('utf8'));
  throw invalid('BUNDLE_PATCH', 'PATCH entries need a Binary resource holding a JSON Patch', `Bundle.entry[${p.index}].resource`);
}

async function runBatch(req: FhirRequest, ctx: FhirContext, plan: Planned[]): Promise<void> {
  const ordered = [...plan].sort((a, b) => ORDER[a.method]! - ORDER[b.method]! || a.index - b.index);
  for (const p of ordered) {
    try {
      const res = await dispatch(subRequest(req, p, p.method === 'PATCH' ? patchBody(p) : p.entry.resource), ctx);
      const entry = toEntryResponse(res);
      p.response = entry.response;
      if (entry.resource) p.resource = entry.resource;
    } catch (err) {
      const { status, body } = errorResponse(err, req.requestId);
      p.response = { status: String(status), outcome: body };
    }
  }
}

export const batchOrTransaction: Interaction = async (req, ctx) => {
  const bundle = req.body as Bundle | undefined;
  if (bundle?.resourceType !== 'Bundle' || (bundle.type !== 'batch' && bundle.type !== 'transaction')) {
    throw invalid('BUNDLE_TYPE', 'POST to the base needs a Bundle of type batch or transaction', 'Bundle.type');
  }
  const plan = planEntries(bundle, ctx.settings.maxBundleEntries);
  if (bundle.type === 'transaction') {
    assertDistinctIdentities(plan);
    await runTransaction(req, ctx, plan);
  }
  else await runBatch(req, ctx, plan);
  const prefer = /return=([a-zA-Z]+)/.exec(req.header('prefer') ?? '')?.[1];
  return {
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: `${bundle.type}-response`,
      entry: plan.map((p) => ({
        ...(p.resource && prefer !== 'minimal' ? { fullUrl: `${req.baseUrl}/${p.resource.resourceType}/${p.resource.id}`, resource: p.resource } : {}),
        response: p.response!,
      })),
    } as Bundle,
  };
};
