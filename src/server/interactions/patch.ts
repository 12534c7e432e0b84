// patch: PATCH [base]/[type]/[id] with a JSON Patch document; the result is validated like any update.
// See: https://hl7.org/fhir/R4/http.html#patch
import type { Resource } from '@medplum/fhirtypes';
import jsonpatch from 'fast-json-patch';
import { FhirError, invalid } from '../../fhir/errors.ts';
import type { Interaction } from '../fhir-request.ts';
import { checkWrite } from '../write-checks.ts';
import { access, parseETag, writeResponse } from '../rest-semantics.ts';

export const patch: Interaction = async (req, ctx) => {
  const [type, id] = req.segments as [string, string];
  const filter = access(req, type, 'u');
  if (!Array.isArray(req.body)) throw invalid('PATCH_BODY', 'PATCH needs a JSON Patch array (application/json-patch+json)', 'body');
  const ifMatch = parseETag(req.header('if-match'), 'If-Match');
  const result = await ctx.repo.transaction(async (repo) => {
    const current = await repo.read(type, id, filter);
    if (ifMatch !== undefined && ifMatch !== current.meta?.versionId) {
      throw new FhirError('precondition', 'STORE_VERSION_CONFLICT', `Version ${ifMatch} is not the current version (${current.meta?.versionId})`, 'If-Match');
    }
    const patched = applyJsonPatch(current, req.body as jsonpatch.Operation[]);
    if (patched.resourceType !== type || patched.id !== id) throw invalid('PATCH_IDENTITY', 'A patch may not change resourceType or id', 'body');
    const checked = await checkWrite(req, { ...ctx, repo }, patched);
    const written = await repo.update(checked.resource, { ifMatch: current.meta!.versionId!, ...(filter ? { filter } : {}) });
    await checked.afterWrite(written.resource);
    return written;
  });
  return writeResponse(req, 200, result.resource, `Patched ${type}/${id}`, false);
};

function applyJsonPatch(resource: Resource, operations: jsonpatch.Operation[]): Resource {
  try {
    return jsonpatch.applyPatch(structuredClone(resource), operations, true, false, true).newDocument;
  } catch (err) {
    const index = (err as { index?: number }).index;
    const failedTest = (err as { name?: string }).name === 'TEST_OPERATION_FAILED';
    throw new FhirError(failedTest ? 'precondition' : 'invalid', 'PATCH_INVALID', failedTest ? 'A JSON Patch test operation failed' : 'The JSON Patch document is not valid for this resource', index !== undefined ? `body[${index}]` : 'body');
  }
}
