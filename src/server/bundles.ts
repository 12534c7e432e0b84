// Builds searchset and history Bundles with absolute fullUrls and paging links.
// See: https://hl7.org/fhir/R4/bundle.html and https://hl7.org/fhir/R4/http.html#paging
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { HistoryPage, SearchResult } from '../store/repository.ts';
import type { FhirRequest } from './fhir-request.ts';
import { operationOutcome } from './outcome.ts';
import { shapeResource, type ShapeOptions } from './shape.ts';
import type { Definitions } from '../fhir/definitions.ts';

export const fullUrlOf = (baseUrl: string, resource: Resource): string => `${baseUrl}/${resource.resourceType}/${resource.id}`;

function link(baseUrl: string, path: string, query: ReadonlyArray<[string, string]>): string {
  const qs = new URLSearchParams(query as Array<[string, string]>).toString();
  return `${baseUrl}/${path}${qs ? `?${qs}` : ''}`;
}

export function searchsetBundle(
  req: FhirRequest,
  path: string,
  result: SearchResult,
  shape: ShapeOptions,
  definitions: Definitions,
): Bundle {
  const links: BundleLink[] = [{ relation: 'self', url: link(req.baseUrl, path, req.query) }];
  if (result.next) links.push({ relation: 'next', url: link(req.baseUrl, path, result.next) });
  if (result.previous) links.push({ relation: 'previous', url: link(req.baseUrl, path, result.previous) });
  const entry: BundleEntry[] = result.matches.map((m) => ({
    fullUrl: fullUrlOf(req.baseUrl, m.resource),
    resource: m.mode === 'match' ? shapeResource(m.resource, shape, definitions) : m.resource,
    search: { mode: m.mode },
  }));
  if (result.warnings.length > 0) {
    entry.push({
      resource: operationOutcome(result.warnings.map((message) => ({ severity: 'warning', code: 'incomplete', message }))),
      search: { mode: 'outcome' },
    });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
    entry,
  };
}

export function historyBundle(req: FhirRequest, path: string, page: HistoryPage): Bundle {
  const links: BundleLink[] = [{ relation: 'self', url: link(req.baseUrl, path, req.query) }];
  if (page.next) {
    const query = req.query.filter(([k]) => k !== '_before');
    links.push({ relation: 'next', url: link(req.baseUrl, path, [...query, ['_before', page.next]]) });
  }
  return {
    resourceType: 'Bundle',
    type: 'history',
    ...(page.total !== undefined ? { total: page.total } : {}),
    link: links,
    entry: page.entries.map((e) => ({
      fullUrl: `${req.baseUrl}/${e.type}/${e.id}`,
      ...(e.resource ? { resource: e.resource } : {}),
      request: { method: e.method, url: e.method === 'POST' ? e.type : `${e.type}/${e.id}` },
      response: { status: e.deleted ? '204' : e.versionId === 1 ? '201' : '200', etag: `W/"${e.versionId}"`, lastModified: e.lastUpdated },
    })),
  };
}
