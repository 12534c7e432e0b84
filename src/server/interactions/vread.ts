// vread: GET [base]/[type]/[id]/_history/[vid]. See: https://hl7.org/fhir/R4/http.html#vread
import type { Interaction } from '../fhir-request.ts';
import { access, versionHeaders } from '../rest-semantics.ts';
import { shapeResource } from '../shape.ts';
import { shapeOptions } from './read.ts';

export const vread: Interaction = async (req, ctx) => {
  const [type, id, , versionId] = req.segments as [string, string, string, string];
  const resource = await ctx.repo.vread(type, id, versionId, access(req, type, 'r'));
  return { status: 200, body: shapeResource(resource, shapeOptions(req), ctx.definitions), headers: versionHeaders(resource, req.baseUrl) };
};
