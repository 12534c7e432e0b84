// Small pieces of FHIR RESTful semantics shared by several interactions: ETags, preconditions,
// Prefer, Location, and checking that a body is the resource the URL names.
// See: https://hl7.org/fhir/R4/http.html
import type { Resource } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../fhir/errors.ts';
import { filterFor, permits, readableFilter, type AccessGrant } from '../governance/policy/access-grant.ts';
import type { Permission } from '../governance/smart-scopes.ts';
import type { FhirContext, FhirRequest, FhirResponse } from './fhir-request.ts';
import { informational } from './outcome.ts';
import type { AccessFilter } from '../store/repository.ts';

export const etagOf = (resource: Resource): string => `W/"${resource.meta?.versionId ?? '0'}"`;

/** `W/"3"` or `"3"` → `3`. */
export function parseETag(value: string | undefined, header: string): string | undefined {
  if (value === undefined) return undefined;
  const m = /^(?:W\/)?"([^"]+)"$/.exec(value.trim());
  if (!m) throw invalid('HTTP_ETAG', `${header} must be an ETag such as W/"1"`, header);
  return m[1];
}

/** Headers describing a stored version. */
export function versionHeaders(resource: Resource, baseUrl: string, withLocation = false): Record<string, string> {
  const headers: Record<string, string> = { ETag: etagOf(resource) };
  if (resource.meta?.lastUpdated) headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  if (withLocation) headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
  return headers;
}

/** Honours `Prefer: return=minimal | representation | OperationOutcome`. */
export function writeResponse(req: FhirRequest, status: number, resource: Resource, message: string, withLocation: boolean): FhirResponse {
  const headers = versionHeaders(resource, req.baseUrl, withLocation);
  const prefer = /return=([a-zA-Z]+)/.exec(req.header('prefer') ?? '')?.[1];
  if (prefer === 'minimal') return { status, headers };
  if (prefer === 'OperationOutcome') return { status, headers, body: informational(message) };
  return { status, headers, body: resource };
}

/** The request body as a resource of `type` (and with `id`, when the URL names one). */
export function bodyResource(req: FhirRequest, type: string, id?: string): Resource {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('HTTP_BODY_MISSING', 'The request body must be a FHIR resource in JSON', type);
  }
  const resource = body as Resource;
  if (resource.resourceType !== type) {
    throw invalid('HTTP_TYPE_MISMATCH', `The body is a ${String(resource.resourceType)}, but the URL names ${type}`, 'resourceType');
  }
  if (id !== undefined && resource.id !== id) {
    throw invalid('HTTP_ID_MISMATCH', `The body's id must equal the id in the URL (${id})`, `${type}.id`);
  }
  return resource;
}

/** `identifier=a|b&name=x` (from If-None-Exist or a conditional URL) → pairs. */
export function queryPairs(query: string): Array<[string, string]> {
  return [...new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)];
}

export function requireType(ctx: FhirContext, type: string | undefined): string {
  if (!type || !ctx.definitions.isResourceType(type)) {
    throw new FhirError('not-found', 'HTTP_UNKNOWN_TYPE', `Unknown resource type '${type ?? ''}'`);
  }
  return type;
}

/** The caller's standing, decided before the interaction ran (governed-dispatch.ts); never guessed. */
export function grantOf(req: FhirRequest): AccessGrant {
  if (!req.grant) throw new FhirError('fault', 'POLICY_NOT_DECIDED', 'The request reached an interaction without an access decision');
  return req.grant;
}

/** The filter for one interaction on `type`, or 403; see governance/policy/access-grant.ts. */
export function access(req: FhirRequest, type: string, permission: Permission): AccessFilter | undefined {
  return filterFor(grantOf(req), type, permission);
}

/** Checks `permission` on `type`, and returns the filter over everything readable (chains, includes, $everything). */
export function readAccess(req: FhirRequest, type: string, permission: Permission): AccessFilter | undefined {
  return readableFilter(grantOf(req), type, permission);
}

/** Whether the caller may `permission` on `type` (a type left out rather than refused: includes, $everything). */
export function mayAccess(req: FhirRequest, type: string, permission: Permission): boolean {
  return permits(grantOf(req), type, permission);
}
