// read: GET [base]/[type]/[id]. See: https://hl7.org/fhir/R4/http.html#read
import { invalid } from '../../fhir/errors.ts';
import type { FhirRequest, Interaction } from '../fhir-request.ts';
import { shapeResource, type ShapeOptions } from '../shape.ts';
import { access, etagOf, versionHeaders } from '../rest-semantics.ts';

export const read: Interaction = async (req, ctx) => {
  const [type, id] = req.segments as [string, string];
  const resource = await ctx.repo.read(type, id, access(req, type, 'r'));
  if (matchesAny(req.header('if-none-match'), etagOf(resource))) return { status: 304, headers: versionHeaders(resource, req.baseUrl) };
  return { status: 200, body: shapeResource(resource, shapeOptions(req), ctx.definitions), headers: versionHeaders(resource, req.baseUrl) };
};

/** `_summary` and `_elements` apply to reads as to searches. See: https://hl7.org/fhir/R4/search.html#summary */
export function shapeOptions(req: FhirRequest): ShapeOptions {
  const summary = req.query.find(([k]) => k === '_summary')?.[1];
  const elements = req.query.find(([k]) => k === '_elements')?.[1];
  if (summary !== undefined && !['true', 'text', 'data', 'count', 'false'].includes(summary)) {
    throw invalid('SEARCH_SUMMARY', '_summary must be true, text, data, count or false', '_summary');
  }
  return {
    ...(summary && summary !== 'count' ? { summary: summary as ShapeOptions['summary'] } : {}),
    ...(elements ? { elements: elements.split(',').map((e) => e.trim()).filter(Boolean) } : {}),
  };
}

/** If-None-Match uses weak comparison over a list of tags, or `*` (RFC 9110 §13.1.2). */
function matchesAny(header: string | undefined, etag: string): boolean {
  const weak = (tag: string): string => tag.trim().replace(/^W\//, '');
  return !!header && header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}
