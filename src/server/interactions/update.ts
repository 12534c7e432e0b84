// update and conditional update: PUT [base]/[type]/[id] (If-Match) and PUT [base]/[type]?criteria.
// See: https://hl7.org/fhir/R4/http.html#update
import type { Interaction } from '../fhir-request.ts';
import { checkWrite } from '../write-checks.ts';
import { access, bodyResource, parseETag, writeResponse } from '../rest-semantics.ts';

export const update: Interaction = async (req, ctx) => {
  const [type, id] = req.segments as [string, string];
  const filter = access(req, type, 'u');
  const ifMatch = parseETag(req.header('if-match'), 'If-Match');
  const options = { allowCreate: ctx.settings.allowUpdateCreate, ...(ifMatch ? { ifMatch } : {}), ...(filter ? { filter } : {}) };
  const resource = bodyResource(req, type, id);
  const checked = await checkWrite(req, ctx, resource);
  const result = await ctx.repo.update(checked.resource, options);
  await checked.afterWrite(result.resource);
  const created = result.outcome === 'created';
  return writeResponse(req, created ? 201 : 200, result.resource, `${created ? 'Created' : 'Updated'} ${type}/${id}`, created);
};

export const conditionalUpdate: Interaction = async (req, ctx) => {
  const [type] = req.segments as [string];
  const filter = access(req, type, 'u');
  access(req, type, 's');
  const resource = req.body as { id?: string } | undefined;
  const body = bodyResource(req, type, resource?.id);
  const ifMatch = parseETag(req.header('if-match'), 'If-Match');
  const checked = await checkWrite(req, ctx, body);
  const result = await ctx.repo.conditionalUpdate(type, req.query, checked.resource, { ...(ifMatch ? { ifMatch } : {}), ...(filter ? { filter } : {}) });
  await checked.afterWrite(result.resource);
  const created = result.outcome === 'created';
  return writeResponse(req, created ? 201 : 200, result.resource, `${created ? 'Created' : 'Updated'} ${type}/${result.resource.id}`, created);
};
