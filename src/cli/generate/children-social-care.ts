// A child's social-care record as seed 000 Appendix 1 lists it: the case (EpisodeOfCare) with its
// referral, allocated case worker and episode coordinator, parental responsibility, indicators, and the
// child-in-need / child-protection-plan / looked-after flags that CP-IS and A&E staff must see.
import type { CarePlan, CodeableConcept, Organization, Reference, ServiceRequest } from '@medplum/fhirtypes';
import { CHILD_PROTECTION_PLAN_CODES, SNOMED_SYSTEM } from '../../fhir/systems.ts';
import type { ChronicCondition } from './clinical-codes.ts';
import { addYears, isoDate, isoDateTime } from './dates.ts';
import { pickForename, pickSurname } from './names.ts';
import { sharedReference } from './person-bundle.ts';
import { pickAddress, pickMobile } from './places.ts';
import {
  addCareTeam,
  addEpisodeOfCare,
  addFlag,
  addRelatedPerson,
  addTask,
  concept,
  roleReference,
  type SocialCareContext,
} from './social-care-resources.ts';
import { CHILDRENS_FLAGS, CLD_EVENTS, FLAG_CATEGORIES, HAZARDS, RECORD_CATEGORIES, ROLES } from './social-care-codes.ts';
import { sourceMeta } from './source-systems.ts';

export const CHILD_STATUSES = { childInNeed: 'child-in-need', childProtectionPlan: 'child-protection-plan', lookedAfter: 'looked-after' } as const;
export type ChildStatus = (typeof CHILD_STATUSES)[keyof typeof CHILD_STATUSES];

const PLAN_DISPLAY = {
  [CHILD_PROTECTION_PLAN_CODES.childProtectionPlan]: 'Subject to child protection plan',
  [CHILD_PROTECTION_PLAN_CODES.lookedAfterChild]: 'Looked after child',
} as const;

// Disability-related conditions make the "disability present" indicator likely.
const DISABLING = new Set(['110359009', '84757009', '406506008']);
const REFERRAL_SOURCES = ['School', 'Police', 'Health visitor', 'GP practice', 'Hospital', 'Family member', 'Anonymous'] as const;

function planConcept(code: keyof typeof PLAN_DISPLAY): CodeableConcept {
  return { coding: [{ system: SNOMED_SYSTEM, code, display: PLAN_DISPLAY[code] }], text: PLAN_DISPLAY[code] };
}

/** Writes a child's social-care record for the given status. */
export function addChildrensSocialCare(context: SocialCareContext, status: ChildStatus, conditions: readonly ChronicCondition[]): void {
  const { person, random } = context;
  const disabled = conditions.some((c) => DISABLING.has(c.code)) ? random.chance(0.8) : random.chance(0.08);
  const teams = person.area.childrenTeams;
  const team = status === 'child-protection-plan' ? teams[1] : status === 'looked-after' ? teams[2] : disabled ? teams[3] : teams[0];
  const worker = random.pick(team.staff.slice(1));
  const coordinator = team.staff[0];
  const latest = Math.max(person.birthDay, person.endDay - 30);
  const referralDay = random.int(Math.min(Math.max(person.birthDay + 14, person.endDay - 4 * 365), latest), latest);
  const closed = status === 'child-in-need' && random.chance(0.2);
  const end = closed ? random.int(referralDay + 60, referralDay + 400) : undefined;
  const episodeEnd = end !== undefined && end < person.endDay ? end : undefined;

  addParents(context, status);
  const planCode = status === 'child-protection-plan' ? CHILD_PROTECTION_PLAN_CODES.childProtectionPlan
    : status === 'looked-after' ? CHILD_PROTECTION_PLAN_CODES.lookedAfterChild : undefined;
  const careTeam = addCareTeam(context, { team, worker, manager: coordinator, workerRole: ROLES.allocatedWorker, managerRole: ROLES.episodeCoordinator,
    start: referralDay, ...(episodeEnd !== undefined ? { end: episodeEnd } : {}), ...(planCode ? { category: planConcept(planCode) } : {}) });
  const referral = addReferral(context, referralDay);
  const episode = addEpisodeOfCare(context, { type: RECORD_CATEGORIES.childrensSocialCare, caseNumber: `C${random.int(100_000, 999_999)}`,
    councilId: person.area.council.id, careManager: coordinator, careTeam, start: referralDay, referral,
    ...(episodeEnd !== undefined ? { end: episodeEnd } : {}) });

  const council = sharedReference('Organization', person.area.council.id, person.area.council.name);
  const flagStart = Math.max(referralDay, Math.min(referralDay + random.int(10, 45), person.endDay - 1));
  const statusConcept = planCode ? planConcept(planCode) : concept(CHILDRENS_FLAGS.childInNeed);
  addFlag(context, { code: statusConcept, category: concept(RECORD_CATEGORIES.childrensSocialCare), start: flagStart,
    ...(episodeEnd !== undefined ? { end: episodeEnd } : {}), author: council });
  if (planCode) addChildsPlan(context, planCode, flagStart, worker);
  addIndicators(context, { disabled, status, start: flagStart, author: council });
  if (episodeEnd === undefined) {
    // Child in need plans are reviewed at least every 3 months; CP review conferences within 3 months then 6-monthly.
    const dueBy = person.endDay + random.int(7, status === 'looked-after' ? 180 : 90);
    addTask(context, { code: CLD_EVENTS.review, status: 'requested', owner: team, authoredOn: flagStart, dueBy,
      description: `${statusConcept.text} – next review`, episode });
  }
}

function addParents(context: SocialCareContext, status: ChildStatus): void {
  const { person, random } = context;
  const parents: Reference[] = [];
  const elsewhere = status === 'looked-after';
  const birthYear = (offset: number) => Number(isoDate(person.birthDay).slice(0, 4)) - offset;
  if (random.chance(0.92)) {
    const age = random.int(17, 40);
    parents.push(addRelatedPerson(context, {
      sex: 'female', birthDay: addYears(person.birthDay, -age) - random.int(0, 300), family: person.name.family,
      given: pickForename(random, 'female', birthYear(age), person.nameGroup), relationship: { code: 'MTH', display: 'mother' },
      roles: [ROLES.parentalResponsibility, ROLES.primaryContact],
      address: elsewhere ? pickAddress(random, person.area.la) : person.address, phone: pickMobile(random), withNhsNumber: random.chance(0.8),
    }));
  }
  if (random.chance(0.55)) {
    const age = random.int(18, 48);
    parents.push(addRelatedPerson(context, {
      sex: 'male', birthDay: addYears(person.birthDay, -age) - random.int(0, 300),
      family: random.chance(0.7) ? person.name.family : pickSurname(random, person.nameGroup),
      given: pickForename(random, 'male', birthYear(age), person.nameGroup), relationship: { code: 'FTH', display: 'father' },
      roles: parents.length === 0 ? [ROLES.parentalResponsibility, ROLES.primaryContact] : [ROLES.parentalResponsibility],
      address: random.chance(0.5) && !elsewhere ? person.address : pickAddress(random, person.area.la), phone: pickMobile(random),
      withNhsNumber: random.chance(0.7),
    }));
  }
}

function addReferral(context: SocialCareContext, day: number): Reference<ServiceRequest> {
  const { person, random } = context;
  const source = random.pick(REFERRAL_SOURCES);
  const requester = source === 'GP practice' ? sharedReference('Organization', person.practice.id, person.practice.name)
    : source === 'Hospital' ? sharedReference('Organization', person.area.trust.id, person.area.trust.name) : undefined;
  return context.bundle.add<ServiceRequest>({
    resourceType: 'ServiceRequest', meta: sourceMeta(context.source), status: 'completed', intent: 'order',
    category: [concept(RECORD_CATEGORIES.referral)], code: { text: "Referral to children's social care" }, subject: context.patient,
    occurrencePeriod: { start: isoDate(day), end: isoDate(Math.min(day + random.int(1, 45), person.endDay)) },
    authoredOn: isoDateTime(day, random.int(480, 1080)), ...(requester ? { requester } : {}),
    note: [{ text: `Referral source: ${source}` }],
  });
}

function addChildsPlan(context: SocialCareContext, planCode: keyof typeof PLAN_DISPLAY, start: number, worker: Parameters<typeof roleReference>[0]): void {
  context.bundle.add<CarePlan>({
    resourceType: 'CarePlan', meta: sourceMeta(context.source), status: 'active', intent: 'plan',
    category: [concept(RECORD_CATEGORIES.childsPlan), planConcept(planCode)],
    title: planCode === CHILD_PROTECTION_PLAN_CODES.childProtectionPlan ? 'Child protection plan' : 'Care plan (looked after child)',
    subject: context.patient, period: { start: isoDate(start) }, author: roleReference(worker),
  });
}

function addIndicators(context: SocialCareContext, spec: { disabled: boolean; status: ChildStatus; start: number; author: Reference<Organization> }): void {
  const { random } = context;
  const category = concept(RECORD_CATEGORIES.childrensSocialCare);
  if (spec.disabled) addFlag(context, { code: concept(CHILDRENS_FLAGS.disability), category, start: spec.start, author: spec.author });
  if (random.chance(0.1)) addFlag(context, { code: concept(CHILDRENS_FLAGS.learningDifficulty), category, start: spec.start, author: spec.author });
  if (random.chance(spec.status === 'child-protection-plan' ? 0.4 : 0.1)) {
    addFlag(context, { code: concept(CHILDRENS_FLAGS.risk), category: concept(random.chance(0.7) ? FLAG_CATEGORIES.riskToSelf : FLAG_CATEGORIES.riskToOthers),
      start: spec.start, author: spec.author });
  }
  if (random.chance(0.05)) {
    addFlag(context, { code: concept(CHILDRENS_FLAGS.hazard, `Hazard: ${random.pick(HAZARDS)}`), category: concept(FLAG_CATEGORIES.other),
      start: spec.start, author: spec.author });
  }
}
