// Builders for the social-care resources shared by adults' and children's records: carers and parents
// (RelatedPerson), the allocated team (CareTeam), the case (EpisodeOfCare), Tasks for CLD events, and Flags.
import type {
  CareTeam,
  CareTeamParticipant,
  CodeableConcept,
  Condition,
  EpisodeOfCare,
  Flag,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
  RelatedPerson,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
  V3_ROLE_CODE_SYSTEM,
} from '../../fhir/systems.ts';
import type { RecordContext } from './clinical-resources.ts';
import { isoDate, isoDateTime } from './dates.ts';
import type { NhsNumberSequence } from './nhs-number-sequence.ts';
import type { StaffMember, Team } from './organisations.ts';
import { sharedReference } from './person-bundle.ts';
import type { Address } from './places.ts';
import type { Coded } from './social-care-codes.ts';
import { ROLES } from './social-care-codes.ts';
import { localIdentifierSystem, sourceMeta } from './source-systems.ts';

const WORKFLOW_EPISODE_OF_CARE = 'http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare';

/** A record being written by one council case-management system. */
export interface SocialCareContext extends RecordContext {
  readonly nhsNumbers: NhsNumberSequence;
  /** Source-system slug, e.g. "mosaic-nottinghamshire". */
  readonly source: string;
}

export function concept(code: Coded, text?: string): CodeableConcept {
  return { coding: [{ system: code.system, code: code.code, display: code.display }], text: text ?? code.display };
}

export function roleReference(member: StaffMember) {
  return sharedReference('PractitionerRole', member.roleId, `${member.display} (${member.jobTitle})`);
}

export function practitionerReference(member: StaffMember) {
  return sharedReference('Practitioner', member.practitionerId, member.display);
}

export function localIdentifier(context: SocialCareContext, kind: string, value: string): Identifier {
  return { system: localIdentifierSystem(context.source, kind), value };
}

export interface RelatedPersonSpec {
  readonly sex: 'male' | 'female';
  readonly birthDay?: number;
  readonly given: string;
  readonly family: string;
  /** v3 RoleCode personal relationship, e.g. DAU "natural daughter". */
  readonly relationship: { readonly code: string; readonly display: string };
  readonly roles: readonly Coded[];
  readonly address: Address;
  readonly phone: string;
  readonly withNhsNumber: boolean;
}

/** A carer or parent, with their own NHS number when the council has traced it. */
export function addRelatedPerson(context: SocialCareContext, spec: RelatedPersonSpec): Reference<RelatedPerson> {
  const identifier: Identifier[] = [localIdentifier(context, 'related-person', String(context.random.int(100_000, 999_999)))];
  if (spec.withNhsNumber) {
    identifier.unshift({
      system: NHS_NUMBER_SYSTEM,
      value: context.nhsNumbers.next(),
      extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION, valueCodeableConcept: { coding: [{
        system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: '01', display: 'Number present and verified' }] } }],
    });
  }
  const relatedPerson: RelatedPerson = {
    resourceType: 'RelatedPerson',
    meta: sourceMeta(context.source),
    identifier,
    active: true,
    patient: context.patient,
    relationship: [
      { coding: [{ system: V3_ROLE_CODE_SYSTEM, code: spec.relationship.code, display: spec.relationship.display }] },
      ...spec.roles.map((role) => concept(role)),
    ],
    name: [{ use: 'usual', family: spec.family, given: [spec.given] }],
    telecom: [{ system: 'phone', value: spec.phone, use: 'mobile', rank: 1 }],
    gender: spec.sex,
    ...(spec.birthDay !== undefined ? { birthDate: isoDate(spec.birthDay) } : {}),
    address: [{ use: 'home', line: [...spec.address.line], city: spec.address.city, district: spec.address.district, postalCode: spec.address.postalCode }],
  };
  return context.bundle.add(relatedPerson, `${spec.given} ${spec.family}`);
}

export interface CareTeamSpec {
  readonly team: Team;
  readonly worker: StaffMember;
  readonly manager: StaffMember;
  readonly workerRole: Coded;
  readonly managerRole: Coded;
  readonly start: number;
  readonly end?: number;
  readonly others?: readonly Reference<RelatedPerson>[];
  readonly category?: CodeableConcept;
}

/** The team and allocated worker currently responsible for the person. */
export function addCareTeam(context: SocialCareContext, spec: CareTeamSpec): Reference<CareTeam> {
  const participant: CareTeamParticipant[] = [
    // ctm-1: onBehalfOf is only allowed for Practitioner members; a PractitionerRole already names its team.
    { role: [concept(spec.workerRole)], member: roleReference(spec.worker) },
    { role: [concept(spec.managerRole)], member: roleReference(spec.manager) },
    ...(spec.others ?? []).map((member) => ({ role: [concept(ROLES.carer)], member })),
  ];
  return context.bundle.add<CareTeam>({
    resourceType: 'CareTeam',
    meta: sourceMeta(context.source),
    status: spec.end !== undefined ? 'inactive' : 'active',
    ...(spec.category ? { category: [spec.category] } : {}),
    name: spec.team.name,
    subject: context.patient,
    period: { start: isoDate(spec.start), ...(spec.end !== undefined ? { end: isoDate(spec.end) } : {}) },
    participant,
    managingOrganization: [sharedReference('Organization', spec.team.id, spec.team.name)],
    telecom: [{ system: 'phone', value: spec.team.phone, use: 'work' }],
  }, spec.team.name);
}

export interface EpisodeSpec {
  readonly type: Coded;
  readonly caseNumber: string;
  readonly councilId: string;
  readonly careManager: StaffMember;
  readonly careTeam: Reference<CareTeam>;
  readonly start: number;
  readonly end?: number;
  readonly diagnosis?: Reference<Condition>;
  readonly referral?: Reference<ServiceRequest>;
}

/** The social-care case: an episode of care managed by the council. */
export function addEpisodeOfCare(context: SocialCareContext, spec: EpisodeSpec): Reference<EpisodeOfCare> {
  return context.bundle.add<EpisodeOfCare>({
    resourceType: 'EpisodeOfCare',
    meta: sourceMeta(context.source),
    identifier: [localIdentifier(context, 'case', spec.caseNumber)],
    status: spec.end !== undefined ? 'finished' : 'active',
    type: [concept(spec.type)],
    ...(spec.diagnosis ? { diagnosis: [{ condition: spec.diagnosis, rank: 1 }] } : {}),
    patient: context.patient,
    managingOrganization: sharedReference('Organization', spec.councilId),
    period: { start: isoDate(spec.start), ...(spec.end !== undefined ? { end: isoDate(spec.end) } : {}) },
    ...(spec.referral ? { referralRequest: [spec.referral] } : {}),
    careManager: practitionerReference(spec.careManager),
    team: [spec.careTeam],
  });
}

export interface TaskSpec {
  readonly code: Coded;
  readonly status: Task['status'];
  readonly owner: Team;
  readonly authoredOn: number;
  readonly start?: number;
  readonly end?: number;
  readonly dueBy?: number;
  readonly reason?: Coded;
  readonly outcome?: Coded;
  readonly statusReason?: string;
  readonly requester?: Reference<Organization | Patient | Practitioner | PractitionerRole | RelatedPerson>;
  readonly description?: string;
  readonly inputs?: readonly { readonly label: string; readonly value: Coded | string }[];
  readonly episode?: Reference<EpisodeOfCare>;
}

/** A contact, assessment, review or safeguarding enquiry (the CLD events) as a Task. */
export function addTask(context: SocialCareContext, spec: TaskSpec): Reference<Task> {
  const period = spec.start !== undefined
    ? { executionPeriod: { start: isoDateTime(spec.start, 540), ...(spec.end !== undefined ? { end: isoDateTime(spec.end, 1020) } : {}) } }
    : {};
  return context.bundle.add<Task>({
    resourceType: 'Task',
    meta: sourceMeta(context.source),
    status: spec.status,
    ...(spec.statusReason ? { statusReason: { text: spec.statusReason } } : {}),
    ...(spec.outcome ? { businessStatus: concept(spec.outcome) } : {}),
    intent: 'order',
    code: concept(spec.code),
    ...(spec.description ? { description: spec.description } : {}),
    for: context.patient,
    // R4 Task has no episode-of-care element; the core workflow extension links it to the case.
    ...(spec.episode ? { extension: [{ url: WORKFLOW_EPISODE_OF_CARE, valueReference: spec.episode }] } : {}),
    ...period,
    authoredOn: isoDateTime(spec.authoredOn, 540),
    ...(spec.requester ? { requester: spec.requester } : {}),
    owner: sharedReference('Organization', spec.owner.id, spec.owner.name),
    ...(spec.reason ? { reasonCode: concept(spec.reason) } : {}),
    ...(spec.dueBy !== undefined ? { restriction: { period: { end: isoDateTime(spec.dueBy, 1020) } } } : {}),
    ...(spec.inputs ? { input: spec.inputs.map(taskInput) } : {}),
  });
}

function taskInput(input: { readonly label: string; readonly value: Coded | string }) {
  return typeof input.value === 'string'
    ? { type: { text: input.label }, valueString: input.value }
    : { type: { text: input.label }, valueCodeableConcept: concept(input.value) };
}

export interface FlagSpec {
  readonly code: CodeableConcept;
  readonly category?: CodeableConcept;
  readonly start: number;
  readonly end?: number;
  readonly author: Reference<Organization | Practitioner | PractitionerRole>;
}

/** An alert shown to anyone opening the record (child protection, looked after, safeguarding, hazard). */
export function addFlag(context: SocialCareContext, spec: FlagSpec): Reference<Flag> {
  return context.bundle.add<Flag>({
    resourceType: 'Flag',
    meta: sourceMeta(context.source),
    status: spec.end !== undefined ? 'inactive' : 'active',
    ...(spec.category ? { category: [spec.category] } : {}),
    code: spec.code,
    subject: context.patient,
    period: { start: isoDate(spec.start), ...(spec.end !== undefined ? { end: isoDate(spec.end) } : {}) },
    author: spec.author,
  });
}
