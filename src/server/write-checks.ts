// Checks a resource must pass before any interaction stores it, beyond FHIR validation: rules whose
// breach would change who may see what, or who is told what. A check may adjust what is stored
// (a Subscription's secret leaves the resource) and record state beside it once it is written.
import type { CarePlan, Consent, Resource, Subscription } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../fhir/errors.ts';
import { checkConsentShape } from '../governance/policy/consent-checks.ts';
import { checkCarePlanDelete, prepareCarePlanContribution } from './care-plan-writes.ts';
import type { FhirContext, FhirRequest } from './fhir-request.ts';
import { prepareSubscriptionWrite, recordSubscriptionWrite, requireSubscriptionOwner } from './subscription-writes.ts';

export interface CheckedWrite<T extends Resource = Resource> {
  /** What to store. */
  resource: T;
  /** Runs in the same transaction, once the write has its id. */
  afterWrite(stored: Resource): Promise<void>;
}

const nothingAfter = async () => {};

/**
 * `alsoWriting` names resources (`Type/id`) written in the same transaction (a Bundle's other
 * entries), which a resource may refer to before they exist.
 */
export async function checkWrite<T extends Resource>(req: FhirRequest, ctx: FhirContext, resource: T, alsoWriting?: ReadonlySet<string>): Promise<CheckedWrite<T>> {
  if (resource.resourceType === 'Consent') await checkConsent(ctx, resource as Consent, alsoWriting);
  if (resource.resourceType === 'CarePlan') {
    return { resource: await prepareCarePlanContribution(req, ctx, resource as CarePlan) as unknown as T, afterWrite: nothingAfter };
  }
  if (resource.resourceType === 'Subscription') {
    const prepared = await prepareSubscriptionWrite(req, ctx, resource as Subscription);
    return { resource: prepared.resource as unknown as T, afterWrite: (stored) => recordSubscriptionWrite(req, ctx, stored as Subscription, prepared.secret) };
  }
  return { resource, afterWrite: nothingAfter };
}

/** Checks before a delete: only its owner may delete a Subscription; staff never delete a shared care plan. */
export async function checkDelete(req: FhirRequest, ctx: FhirContext, type: string, id: string): Promise<void> {
  if (type === 'Subscription') await requireSubscriptionOwner(req, ctx, id);
  if (type === 'CarePlan') checkCarePlanDelete(req);
}

async function checkConsent(ctx: FhirContext, consent: Consent, alsoWriting?: ReadonlySet<string>): Promise<void> {
  const patientId = checkConsentShape(consent);
  if (alsoWriting?.has(`Patient/${patientId}`)) return;
  try {
    await ctx.repo.read('Patient', patientId);
  } catch (err) {
    if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) {
      throw invalid('CONSENT_PATIENT_UNKNOWN', `Patient/${patientId} is not in the record: a Consent may only be about a known person`, 'Consent.patient');
    }
    throw err;
  }
}
