// Decides who has a social-care record (about a quarter of adults, more of the very old; about 5% of
// children in need, 1% on a child protection plan, 1% looked after) and writes it from the council's system.
import type { Identifier } from '@medplum/fhirtypes';
import { addAdultSocialCare } from './adult-social-care.ts';
import { addChildrensSocialCare, type ChildStatus } from './children-social-care.ts';
import type { ChronicCondition } from './clinical-codes.ts';
import type { RecordContext } from './clinical-resources.ts';
import type { NhsNumberSequence } from './nhs-number-sequence.ts';
import type { Person } from './person.ts';
import type { Random } from './random.ts';
import { localIdentifierSystem } from './source-systems.ts';

export interface SocialCarePlan {
  readonly kind: 'adult' | ChildStatus;
  /** Council case-management system slug, e.g. "mosaic-nottinghamshire". */
  readonly source: string;
  /** The person's id in that system, also added to their Patient. */
  readonly identifier: Identifier;
}

function adultShare(age: number): number {
  if (age < 65) return 0.18;
  if (age < 75) return 0.25;
  return age < 85 ? 0.45 : 0.65;
}

function childStatus(random: Random): ChildStatus | undefined {
  const roll = random.next();
  if (roll < 0.01) return 'looked-after';
  if (roll < 0.02) return 'child-protection-plan';
  return roll < 0.07 ? 'child-in-need' : undefined;
}

/** Whether, and as what, the person is known to council social care. */
export function planSocialCare(random: Random, person: Person): SocialCarePlan | undefined {
  const adult = person.age >= 18;
  const kind = adult ? (random.chance(adultShare(person.age)) ? 'adult' : undefined) : childStatus(random);
  if (!kind) return undefined;
  const source = adult ? person.area.adultsSource : person.area.childrensSource;
  const value = String(random.int(100_000, 2_999_999));
  return { kind, source, identifier: { system: localIdentifierSystem(source, 'person'), value } };
}

/** Writes the planned social-care record into the person's bundle. */
export function addSocialCareRecord(context: RecordContext, plan: SocialCarePlan, nhsNumbers: NhsNumberSequence,
  conditions: readonly ChronicCondition[]): void {
  const socialCareContext = { ...context, nhsNumbers, source: plan.source };
  if (plan.kind === 'adult') addAdultSocialCare(socialCareContext, conditions);
  else addChildrensSocialCare(socialCareContext, plan.kind, conditions);
}
