// An adult's social-care record as seed 000 Appendix 1 lists it: carer, allocated worker and team,
// primary support reason, contacts, assessments, services and their providers, equipment, reviews
// and safeguarding, written as one council case-management system would export it.
import type { CarePlan, Condition, Device, EpisodeOfCare, Organization, Patient, Reference, RelatedPerson, ServiceRequest } from '@medplum/fhirtypes';
import type { ChronicCondition } from './clinical-codes.ts';
import { addYears, isoDate, isoDateTime } from './dates.ts';
import { pickForename, pickSurname } from './names.ts';
import type { Team } from './organisations.ts';
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
import {
  ASSESSMENT_TYPES,
  CLD_EVENTS,
  CONTACT_REASONS,
  EQUIPMENT,
  FLAG_CATEGORIES,
  OUTCOMES,
  RECORD_CATEGORIES,
  ROLES,
  SAFEGUARDING_CATEGORIES,
  SAFEGUARDING_END_REASONS,
  SERVICES,
  SUPPORT_REASON_BY_CONDITION,
  SUPPORT_REASONS,
  SUPPORT_ROLES,
  type Coded,
  type ServiceTemplate,
} from './social-care-codes.ts';
import { sourceMeta } from './source-systems.ts';

const RELATIONSHIPS = {
  spouse: { code: 'SPS', display: 'spouse' },
  daughter: { code: 'DAU', display: 'natural daughter' },
  son: { code: 'SONC', display: 'son' },
  mother: { code: 'MTH', display: 'mother' },
  friend: { code: 'FRND', display: 'unrelated friend' },
  neighbour: { code: 'NBOR', display: 'neighbor' },
} as const;
type Relationship = keyof typeof RELATIONSHIPS;

interface Case {
  readonly team: Team;
  readonly start: number;
  readonly end?: number;
  readonly supportReason: Reference<Condition>;
  readonly carer?: Reference<RelatedPerson>;
}

/** Writes an adult's social-care record. */
export function addAdultSocialCare(context: SocialCareContext, conditions: readonly ChronicCondition[]): void {
  const { person, random } = context;
  const reason = pickSupportReason(context, conditions);
  const teams = person.area.adultTeams;
  const team = reason === SUPPORT_REASONS.learningDisability ? teams[3] : random.chance(0.25) ? teams[2] : random.pick(teams.slice(0, 2));
  const worker = random.pick(team.staff.slice(1));
  const earliest = Math.max(addYears(person.birthDay, 18), person.endDay - 8 * 365);
  const start = random.int(Math.min(earliest, person.endDay - 60), person.endDay - 60);
  // The council closes the case a few days after it hears of the death.
  const end = person.deathDay !== undefined ? Math.min(person.deathDay + random.int(3, 20), person.asOfDay) : undefined;

  const carer = random.chance(person.age >= 65 ? 0.6 : 0.35) ? addCarer(context) : undefined;
  const supportReason = context.bundle.add<Condition>({
    resourceType: 'Condition', meta: sourceMeta(context.source),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: end ? 'inactive' : 'active' }] },
    category: [concept(RECORD_CATEGORIES.primarySupportReason)], code: concept(reason), subject: context.patient,
    onsetDateTime: isoDateTime(start, 600), recordedDate: isoDateTime(start, 600), asserter: roleReference(worker),
  }, reason.display);
  const careTeam = addCareTeam(context, { team, worker, manager: team.staff[0], workerRole: ROLES.allocatedWorker,
    managerRole: ROLES.teamManager, start, ...(end !== undefined ? { end } : {}), ...(carer ? { others: [carer] } : {}) });
  const episode = addEpisodeOfCare(context, { type: RECORD_CATEGORIES.adultSocialCare, caseNumber: String(random.int(1_000_000, 9_999_999)),
    councilId: person.area.council.id, careManager: worker, careTeam, start, ...(end !== undefined ? { end } : {}), diagnosis: supportReason });

  const theCase: Case = { team, start, ...(end !== undefined ? { end } : {}), supportReason, ...(carer ? { carer } : {}) };
  addContactsAndAssessments(context, theCase, episode);
  const services = addServices(context, theCase, reason, worker);
  addCarePlan(context, theCase, services, worker);
  addReviews(context, theCase, episode);
  if (random.chance(0.1)) addSafeguarding(context, theCase);
}

function pickSupportReason(context: SocialCareContext, conditions: readonly ChronicCondition[]): Coded {
  const { random } = context;
  for (const condition of conditions) {
    const reason = SUPPORT_REASON_BY_CONDITION[condition.code];
    if (reason && random.chance(0.7)) return reason;
  }
  return random.weighted([
    { value: SUPPORT_REASONS.personalCare, weight: 60 },
    { value: SUPPORT_REASONS.mobility, weight: 20 },
    { value: SUPPORT_REASONS.isolation, weight: 8 },
    { value: SUPPORT_REASONS.mentalHealth, weight: 8 },
    { value: SUPPORT_REASONS.memory, weight: context.person.age >= 75 ? 10 : 1 },
  ]);
}

function addCarer(context: SocialCareContext): Reference<RelatedPerson> {
  const { person, random } = context;
  const older = person.age >= 65;
  const relationship: Relationship = older
    ? random.weighted<Relationship>([{ value: 'spouse', weight: 40 }, { value: 'daughter', weight: 35 }, { value: 'son', weight: 18 },
      { value: 'friend', weight: 4 }, { value: 'neighbour', weight: 3 }])
    : random.weighted<Relationship>([{ value: 'spouse', weight: 45 }, { value: 'mother', weight: 40 }, { value: 'friend', weight: 15 }]);
  const sex = relationship === 'daughter' || relationship === 'mother' ? 'female'
    : relationship === 'son' ? 'male'
      : relationship === 'spouse' ? (person.sex === 'male' ? 'female' : random.chance(0.9) ? 'male' : 'female')
        : random.chance(0.7) ? 'female' : 'male';
  const offsetYears = relationship === 'daughter' || relationship === 'son' ? random.int(22, 38)
    : relationship === 'mother' ? -random.int(20, 38) : random.int(-5, 5);
  const birthDay = addYears(person.birthDay, offsetYears) + random.int(0, 300);
  const family = relationship === 'friend' || relationship === 'neighbour' || (relationship === 'daughter' && random.chance(0.5))
    ? pickSurname(random, person.nameGroup) : person.name.family;
  const sameHome = relationship === 'spouse' || relationship === 'mother';
  return addRelatedPerson(context, {
    sex, birthDay, family, given: pickForename(random, sex, Number(isoDate(birthDay).slice(0, 4)), person.nameGroup),
    relationship: RELATIONSHIPS[relationship], roles: [random.chance(0.8) ? SUPPORT_ROLES.mainCarer : SUPPORT_ROLES.informalCarer],
    address: sameHome ? person.address : pickAddress(random, person.area.la), phone: pickMobile(random), withNhsNumber: random.chance(0.6),
  });
}

function requester(context: SocialCareContext, theCase: Case): Reference<Organization | Patient | RelatedPerson> | undefined {
  const { random, person } = context;
  const roll = random.next();
  if (roll < 0.3) return sharedReference('Organization', person.area.trust.id, person.area.trust.name);
  if (roll < 0.55) return sharedReference('Organization', person.practice.id, person.practice.name);
  if (roll < 0.75 && theCase.carer) return theCase.carer;
  return roll < 0.9 ? context.patient : undefined;
}

function addContactsAndAssessments(context: SocialCareContext, theCase: Case, episode: Reference<EpisodeOfCare>): void {
  const { random } = context;
  const last = context.person.endDay;
  const first = random.weighted([{ value: CONTACT_REASONS.assessment, weight: 5 }, { value: CONTACT_REASONS.hospitalDischarge, weight: 4 },
    { value: CONTACT_REASONS.welfare, weight: 2 }]);
  addTask(context, { code: CLD_EVENTS.request, status: 'completed', owner: theCase.team, authoredOn: theCase.start, start: theCase.start,
    end: theCase.start + 1, reason: first, outcome: OUTCOMES.toAssessment, description: 'Contact / request for support', episode,
    ...optional('requester', requester(context, theCase)) });
  const assessed = theCase.start + random.int(7, 40);
  addTask(context, { code: CLD_EVENTS.assessment, status: 'completed', owner: theCase.team, authoredOn: theCase.start + 2,
    start: assessed, end: Math.min(assessed + random.int(1, 20), last), outcome: random.chance(0.4) ? OUTCOMES.toReablement : OUTCOMES.toSupportPlanning,
    inputs: [{ label: 'Assessment type', value: first === CONTACT_REASONS.hospitalDischarge ? ASSESSMENT_TYPES.hospitalDischarge : ASSESSMENT_TYPES.careActNeeds }],
    description: 'Care Act 2014 s9 needs assessment', episode });
  if (random.chance(0.3)) {
    const day = random.int(Math.min(assessed + 7, last), last);
    addTask(context, { code: CLD_EVENTS.assessment, status: 'completed', owner: theCase.team, authoredOn: day, start: day, end: day,
      outcome: OUTCOMES.toSupportPlanning, inputs: [{ label: 'Assessment type', value: ASSESSMENT_TYPES.occupationalTherapy }], episode });
  }
  if (theCase.carer && random.chance(0.4)) {
    const day = random.int(Math.min(assessed, last), last);
    addTask(context, { code: CLD_EVENTS.assessment, status: 'completed', owner: theCase.team, authoredOn: day, start: day, end: day,
      outcome: OUTCOMES.toSupportPlanning, inputs: [{ label: 'Assessment type', value: ASSESSMENT_TYPES.carers }, { label: 'Carer', value: 'Carer assessed in their own right (Care Act 2014 s10)' }],
      requester: theCase.carer, episode });
  }
  for (let i = random.int(0, 2); i > 0; i--) {
    const day = random.int(Math.min(assessed, last), last);
    const reason = random.pick([CONTACT_REASONS.equipment, CONTACT_REASONS.review, CONTACT_REASONS.welfare, CONTACT_REASONS.carerServices]);
    addTask(context, { code: CLD_EVENTS.request, status: 'completed', owner: theCase.team, authoredOn: day, start: day, end: day, reason,
      outcome: random.chance(0.5) ? OUTCOMES.signposting : OUTCOMES.toReassessment, description: 'Contact / request for support', episode });
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function chooseServices(context: SocialCareContext, reason: Coded, hasCarer: boolean): ServiceTemplate[] {
  const { person, random } = context;
  const chosen: ServiceTemplate[] = [];
  if (random.chance(0.4)) chosen.push(SERVICES.reablement);
  if (reason === SUPPORT_REASONS.learningDisability && random.chance(0.4)) chosen.push(SERVICES.sharedLives);
  else if (person.age >= 85 && random.chance(reason === SUPPORT_REASONS.memory ? 0.45 : 0.15)) chosen.push(SERVICES.nursing);
  else if (person.age >= 75 && random.chance(0.15)) chosen.push(SERVICES.residential);
  else if (person.age < 65 && random.chance(0.25)) chosen.push(SERVICES.directPayment);
  else if (random.chance(0.75)) chosen.push(random.chance(0.5) ? SERVICES.homeCare : SERVICES.homeCareLight);
  if (random.chance(0.15)) chosen.push(SERVICES.dayCentre);
  if (random.chance(0.4)) chosen.push(SERVICES.equipment);
  if (hasCarer && random.chance(0.2)) chosen.push(SERVICES.carerRespite);
  return chosen;
}

function addServices(context: SocialCareContext, theCase: Case, reason: Coded, worker: Team['staff'][number]): Reference<ServiceRequest>[] {
  const { person, random } = context;
  const last = theCase.end ?? person.endDay;
  let day = Math.min(theCase.start + random.int(20, 60), last);
  return chooseServices(context, reason, theCase.carer !== undefined).map((service) => {
    const provider = service.provider ? person.area.providers.find((p) => p.kind === service.provider) : undefined;
    const start = day;
    const end = service === SERVICES.reablement ? Math.min(start + 42, last) : theCase.end;
    if (service === SERVICES.reablement) day = Math.min(start + 42, last);
    const reference = context.bundle.add<ServiceRequest>({
      resourceType: 'ServiceRequest', meta: sourceMeta(context.source),
      status: end !== undefined && end <= person.endDay ? 'completed' : 'active', intent: 'order',
      category: [concept(service.category)], code: concept(service.type, service.name), subject: context.patient,
      occurrencePeriod: { start: isoDate(start), ...(end !== undefined ? { end: isoDate(end) } : {}) },
      authoredOn: isoDateTime(start, 600), requester: roleReference(worker),
      ...(provider ? { performer: [sharedReference('Organization', provider.id, provider.name)] } : {}),
      reasonReference: [theCase.supportReason],
    }, service.name);
    if (service === SERVICES.equipment && provider) addEquipment(context, provider.id, start);
    return reference;
  });
}

function addEquipment(context: SocialCareContext, providerId: string, day: number): void {
  for (const item of context.random.sample(EQUIPMENT, context.random.int(1, 3))) {
    context.bundle.add<Device>({
      resourceType: 'Device', meta: sourceMeta(context.source), status: 'active', type: { text: item },
      patient: context.patient, owner: sharedReference('Organization', providerId),
      note: [{ text: `Delivered ${isoDate(day + context.random.int(1, 14))}` }],
    });
  }
}

function addCarePlan(context: SocialCareContext, theCase: Case, services: Reference<ServiceRequest>[], worker: Team['staff'][number]): void {
  if (services.length === 0) return;
  context.bundle.add<CarePlan>({
    resourceType: 'CarePlan', meta: sourceMeta(context.source), status: theCase.end !== undefined ? 'completed' : 'active', intent: 'plan',
    category: [concept(RECORD_CATEGORIES.careAndSupportPlan)], title: 'Care and support plan', subject: context.patient,
    period: { start: isoDate(theCase.start), ...(theCase.end !== undefined ? { end: isoDate(theCase.end) } : {}) },
    author: roleReference(worker), addresses: [theCase.supportReason],
    activity: services.map((reference) => ({ reference })),
  });
}

function addReviews(context: SocialCareContext, theCase: Case, episode: Reference<EpisodeOfCare>): void {
  const { person, random } = context;
  let day = theCase.start + random.int(42, 120);
  const last = person.endDay;
  while (day < last) {
    addTask(context, { code: CLD_EVENTS.review, status: 'completed', owner: theCase.team, authoredOn: day, start: day, end: day,
      outcome: random.chance(0.75) ? OUTCOMES.noChange : OUTCOMES.toReassessment, episode });
    day += random.int(300, 420);
  }
  if (theCase.end !== undefined) {
    addTask(context, { code: CLD_EVENTS.review, status: 'completed', owner: theCase.team, authoredOn: theCase.end, start: theCase.end,
      end: theCase.end, outcome: OUTCOMES.deceased, episode });
    return;
  }
  addTask(context, { code: CLD_EVENTS.review, status: 'requested', owner: theCase.team, authoredOn: Math.min(day - 365, last), dueBy: day,
    description: 'Next planned review', episode });
}

function addSafeguarding(context: SocialCareContext, theCase: Case): void {
  const { person, random } = context;
  const last = person.endDay;
  const start = random.int(Math.min(theCase.start + 30, last), last);
  const open = theCase.end === undefined && random.chance(0.3);
  const end = open ? undefined : Math.min(start + random.int(14, 120), last);
  const category = random.pick(Object.values(SAFEGUARDING_CATEGORIES));
  const source = random.pick(['Hospital', 'GP practice', 'Family member', 'Police', 'Care provider', 'Self']);
  addTask(context, { code: CLD_EVENTS.safeguarding, status: open ? 'in-progress' : 'completed', owner: theCase.team, authoredOn: start, start,
    ...(end !== undefined ? { end, statusReason: random.pick(SAFEGUARDING_END_REASONS) } : {}), reason: category,
    inputs: [{ label: 'Source of alert', value: source }] });
  if (open || (end !== undefined && person.endDay - end < 365)) {
    addFlag(context, { code: concept(FLAG_CATEGORIES.safeguarding, `Safeguarding enquiry: ${category.display}`),
      category: concept(FLAG_CATEGORIES.safeguarding), start, ...(end !== undefined ? { end } : {}),
      author: sharedReference('Organization', person.area.council.id, person.area.council.name) });
  }
}
