// Adding to a shared care plan: a note, or an activity the contributor's organisation will carry out,
// appended to the plan as it was read and saved with If-Match, so a change someone else made in the
// meantime is never overwritten. The server signs each addition with who made it and when
// (src/server/care-plan-writes.ts); what is sent here says the same.
import type { CarePlan } from '@medplum/fhirtypes';
import { fhir } from '../../lib/fhir.ts';
import type { Contributor } from './care-plans.ts';
import { organizationCodeSystem } from '../../../../src/fhir/systems.ts';

export type ContributionKind = 'note' | 'activity';


export function withContribution(plan: CarePlan, kind: ContributionKind, text: string, by: { name: string; organisation: Contributor }, now = new Date()): CarePlan {
  const signed = { authorString: `${by.name}, ${by.organisation.name}`, time: now.toISOString() };
  if (kind === 'note') return { ...plan, note: [...(plan.note ?? []), { ...signed, text }] };
  const system = organizationCodeSystem(by.organisation.code);
  return {
    ...plan,
    activity: [...(plan.activity ?? []), {
      detail: { description: text, status: 'not-started', performer: [{ type: 'Organization', identifier: { system, value: by.organisation.code }, display: by.organisation.name }] },
      progress: [{ ...signed, text: 'Added to the care plan' }],
    }],
  };
}

/** Saves the plan on the version it was read at. */
export function savePlan(plan: CarePlan): Promise<CarePlan> {
  return fhir<CarePlan>(`CarePlan/${plan.id}`, { method: 'PUT', body: plan, headers: { 'if-match': `W/"${plan.meta?.versionId ?? '0'}"` } });
}
