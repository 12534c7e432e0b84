// $validate: POST [base]/[type]/$validate — checks a resource without storing it.
// See: https://hl7.org/fhir/R4/resource-operation-validate.html
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { assertValidResource } from '../../fhir/validate.ts';
import type { Interaction } from '../fhir-request.ts';
import { informational, operationOutcome } from '../outcome.ts';
import { bodyResource } from '../rest-semantics.ts';

export const validateOperation: Interaction = async (req) => {
  const [type] = req.segments as [string];
  const body = req.body as Parameters | Resource | undefined;
  const resource =
    body?.resourceType === 'Parameters' ? (body as Parameters).parameter?.find((p) => p.name === 'resource')?.resource : bodyResource(req, type);
  if (!resource || resource.resourceType !== type) {
    throw new FhirError('invalid', 'VALIDATE_NO_RESOURCE', `$validate needs a ${type} (or Parameters with a 'resource')`, 'resource');
  }
  try {
    assertValidResource(resource);
    return { status: 200, body: informational('The resource is valid') };
  } catch (err) {
    if (err instanceof FhirError) return { status: 200, body: operationOutcome(err.issues) };
    throw err;
  }
};
