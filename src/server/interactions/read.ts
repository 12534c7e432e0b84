// read: GET [base]/[type]/[id]. See: https://hl7.org/fhir/R4/http.html#read
import type { Interaction } from '../fhir-request.ts';
import { access, etagOf, versionHeaders } from '../rest-semantics.ts';

export const read: Interaction = async (req, ctx) => {
  const [type, id] = req.segments as [string, string];
  const resource = await ctx.repo.read(type, id, access(req, type, 'r'));
  if (matchesAny(req.header('if-none-match'), etagOf(resource))) return { status: 304, headers: versionHeaders(resource, req.baseUrl) };
  return { status: 200, body: resource, headers: versionHeaders(resource, req.baseUrl) };
};

/** If-None-Match uses weak comparison over a list of tags, or `*` (RFC 9110 §13.1.2). */
function matchesAny(header: string | undefined, etag: string): boolean {
  const weak = (tag: string): string => tag.trim().replace(/^W\//, '');
  return !!header && header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === weak(etag));
}
