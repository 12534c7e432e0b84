// Writing a Subscription: the request must name something sharedcare can honour (a rest-hook to an
// address the SSRF guard allows, checked now and again at every delivery), the signing secret is
// taken out of the resource into the subscription's state, and the writer becomes its owner, whose
// access decides what every notification may carry. Only the owner (or sharedcare's own tools) may
// change it afterwards.
import type { Extension, Subscription } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../fhir/errors.ts';
import { callerClassOf } from '../governance/policy/access-grant.ts';
import { subscriptionPlan } from '../events/subscriptions/subscription-plan.ts';
import { recordSubscriptionOwner, subscriptionState, type SubscriptionState } from '../events/subscriptions/subscription-state.ts';
import { checkWebhookUrl } from '../events/webhooks/ssrf-guard.ts';
import type { FhirContext, FhirRequest } from './fhir-request.ts';

/** Where a subscriber gives the secret notifications are signed with (HMAC-SHA256); never stored in the resource. */
export const SIGNING_SECRET_EXTENSION = 'https://sharedcare.org.uk/fhir/StructureDefinition/subscription-signing-secret';
const MIN_SECRET = 16;

export interface PreparedSubscription {
  resource: Subscription;
  secret?: string;
}

export async function prepareSubscriptionWrite(req: FhirRequest, ctx: FhirContext, body: Subscription): Promise<PreparedSubscription> {
  const plan = subscriptionPlan(body, ctx.governance.resourceTypes);
  await checkWebhookUrl(plan.endpoint, ctx.events.settings.webhookAllow);
  if (body.id) await requireSubscriptionOwner(req, ctx, body.id);
  const secret = body.extension?.find((e) => e.url === SIGNING_SECRET_EXTENSION)?.valueString;
  if (secret !== undefined && secret.length < MIN_SECRET) {
    throw invalid('SUBSCRIPTION_SECRET', `The signing secret must be at least ${MIN_SECRET} characters`, 'Subscription.extension');
  }
  const extension = body.extension?.filter((e: Extension) => e.url !== SIGNING_SECRET_EXTENSION);
  const { extension: _all, ...rest } = body;
  // The server accepts what it can honour: a requested subscription becomes active.
  const resource: Subscription = { ...rest, ...(extension?.length ? { extension } : {}), status: body.status === 'requested' ? 'active' : body.status };
  return { resource, ...(secret ? { secret } : {}) };
}

export async function recordSubscriptionWrite(req: FhirRequest, ctx: FhirContext, stored: Subscription, secret: string | undefined): Promise<void> {
  // Checked again now the id is known: a conditional update (PUT Subscription?…) names none in its body.
  const state = await requireSubscriptionOwner(req, ctx, stored.id!);
  // An operator's change (turning it off, fixing the endpoint) keeps the owner, whose access governs every notification.
  const owner = state && state.owner.subject !== req.principal.subject ? state.owner : req.principal;
  await recordSubscriptionOwner(ctx.ingest.db, stored.id!, owner, secret);
}

export async function requireSubscriptionOwner(req: FhirRequest, ctx: FhirContext, id: string): Promise<SubscriptionState | undefined> {
  const state = await subscriptionState(ctx.ingest.db, id);
  if (!state || callerClassOf(req.principal) === 'operator' || state.owner.subject === req.principal.subject) return state;
  throw new FhirError('forbidden', 'SUBSCRIPTION_OWNER', 'Only the system or person that made a Subscription may change it');
}
