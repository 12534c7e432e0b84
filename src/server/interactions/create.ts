// create and conditional create: POST [base]/[type] (If-None-Exist). The server assigns the id.
// See: https://hl7.org/fhir/R4/http.html#create
import type { Resource } from '@medplum/fhirtypes';
import type { Interaction } from '../fhir-request.ts';
import { checkWrite } from '../write-checks.ts';
import { access, bodyResource, queryPairs, versionHeaders, writeResponse } from '../rest-semantics.ts';

export const create: Interaction = async (req, ctx) => {
  const [type] = req.segments as [string];
  const filter = access(req, type, 'c');
  const { id: _ignored, ...resource } = bodyResource(req, type);
  const ifNoneExist = req.header('if-none-exist');
  if (ifNoneExist !== undefined) access(req, type, 's');
  const checked = await checkWrite(req, ctx, resource as Resource);
  const result = await ctx.repo.create(checked.resource, {
    ...(ifNoneExist !== undefined ? { ifNoneExist: queryPairs(ifNoneExist) } : {}),
    ...(filter ? { filter } : {}),
  });
  if (result.outcome !== 'unchanged') await checked.afterWrite(result.resource);
  if (result.outcome === 'unchanged') {
    return { ...writeResponse(req, 200, result.resource, 'An existing resource matched If-None-Exist', false), headers: versionHeaders(result.resource, req.baseUrl, true) };
  }
  return writeResponse(req, 201, result.resource, `Created ${type}/${result.resource.id}`, true);
};
