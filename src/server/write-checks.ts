// Checks a resource must pass before any interaction stores it, beyond FHIR validation: rules whose
// breach would change who may see what.
import type { Consent, Resource } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../fhir/errors.ts';
import { checkConsentShape } from '../governance/policy/consent-checks.ts';
import type { FhirContext } from './fhir-request.ts';

export async function checkWrite(ctx: FhirContext, resource: Resource): Promise<void> {
  if (resource.resourceType !== 'Consent') return;
  const patientId = checkConsentShape(resource as Consent);
  try {
    await ctx.repo.read('Patient', patientId);
  } catch (err) {
    if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) {
      throw invalid('CONSENT_PATIENT_UNKNOWN', `Patient/${patientId} is not in the record: a Consent may only be about a known person`, 'Consent.patient');
    }
    throw err;
  }
}
