// UK Core resources → the social-care record they say: the inverse of to-fhir.ts, so a record survives
// record → FHIR → record unchanged, and so the generator can write its FHIR population as a council's
// CSV extract. Referenced resources (team, worker, provider, GP practice) come through a lookup.
import type { CareTeam, CareTeamParticipant, Flag, Patient, PractitionerRole, Practitioner, Organization, RelatedPerson, Resource } from '@medplum/fhirtypes';
import { ETHNIC_CATEGORY_EXTENSION, NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION } from '../../fhir/systems.ts';
import {
  ACCESSIBLE_INFORMATION,
  ETHNICITY,
  GENDER,
  LANGUAGE,
  NHS_NUMBER_STATUS,
  PLAN_TYPE,
  PROFESSION,
  RECORD_CATEGORY,
  RELATIONSHIP,
  ROLE,
  SUPPORT_ROLE,
} from './code-tables.ts';
import {
  codeOf,
  defined,
  findTelecom,
  fromAddress,
  INTERPRETER_REQUIRED,
  ODS_ORGANIZATION_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
  required,
  SourceIds,
  workerOf,
  type FhirLookup,
} from './fhir-parts.ts';
import { episodeFromFhir, eventFromFhir, flagFromFhir, planFromFhir, serviceFromFhir } from './from-fhir-case.ts';
import type { AllocationRecord, ContactRecord, PersonRecord, RecordType, SocialCareRecord } from './records.ts';

/**
 * The record that `resources` (a record's own resources, as to-fhir made them) say. Throws when the
 * resources lack what every record needs (its local id, its person).
 */
export function recordFromFhir(recordType: RecordType, resources: readonly Resource[], source: string, lookup: FhirLookup): SocialCareRecord {
  const ids = new SourceIds(source, lookup);
  const first = <T extends Resource>(type: T['resourceType']): T => {
    const found = resources.find((r) => r.resourceType === type);
    if (!found) throw new Error(`A ${recordType} record needs a ${type}`);
    return found as T;
  };
  const all = <T extends Resource>(type: T['resourceType']): T[] => resources.filter((r) => r.resourceType === type) as T[];
  switch (recordType) {
    case 'person': return personFromFhir(first<Patient>('Patient'), all<Flag>('Flag'), ids);
    case 'contact': return contactFromFhir(first<RelatedPerson>('RelatedPerson'), ids);
    case 'allocation': return allocationFromFhir(first<CareTeam>('CareTeam'), ids);
    case 'episode': return episodeFromFhir(first('EpisodeOfCare'), resources, ids);
    case 'event': return eventFromFhir(first('Task'), ids);
    case 'service': return serviceFromFhir(first('ServiceRequest'), all('Device'), ids);
    case 'plan': return planFromFhir(first('CarePlan'), ids);
    case 'flag': return flagFromFhir(first('Flag'), all('Task'), ids);
  }
}

export function nhsFields(identifiers: Patient['identifier']): { nhsNumber?: string; nhsNumberStatus?: string } {
  const nhs = identifiers?.find((i) => i.system === NHS_NUMBER_SYSTEM);
  if (!nhs?.value) return {};
  const status = nhs.extension?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION)?.valueCodeableConcept?.coding
    ?.map((c) => NHS_NUMBER_STATUS.get(c.code)).find((c) => c !== undefined);
  return { nhsNumber: nhs.value, ...(status ? { nhsNumberStatus: status.code } : {}) };
}

function personFromFhir(patient: Patient, flags: readonly Flag[], ids: SourceIds): PersonRecord {
  const name = patient.name?.find((n) => n.use === 'usual') ?? patient.name?.[0];
  const ethnicity = patient.extension?.find((e) => e.url === ETHNIC_CATEGORY_EXTENSION)?.valueCodeableConcept;
  const interpreter = patient.extension?.find((e) => e.url === INTERPRETER_REQUIRED)?.valueBoolean;
  const ais = flags.find((f) => f.category?.some((c) => codeOf(c, RECORD_CATEGORY).code === 'accessible-information'));
  const need = codeOf(ais?.code, ACCESSIBLE_INFORMATION);
  const [given1, given2, given3] = name?.given ?? [];
  const gp = patient.generalPractitioner?.map((ref) => ids.codeOfOrganisation(ref, ODS_ORGANIZATION_SYSTEM)).find((c) => c !== undefined);
  return defined<PersonRecord>({
    recordType: 'person',
    clientId: required(ids.of(patient, 'person'), 'client id'),
    title: name?.prefix?.[0],
    givenName1: given1!,
    givenName2: given2,
    givenName3: given3,
    familyName: name?.family!,
    gender: GENDER.get(patient.gender)?.code!,
    birthDate: patient.birthDate!,
    deathDate: patient.deceasedDateTime,
    ethnicity: codeOf(ethnicity, ETHNICITY).code,
    ...nhsFields(patient.identifier),
    ...fromAddress(patient.address?.find((a) => a.use === 'home') ?? patient.address?.[0]),
    phoneHome: findTelecom(patient.telecom, 'phone', 'home'),
    phoneMobile: findTelecom(patient.telecom, 'phone', 'mobile'),
    email: patient.telecom?.find((t) => t.system === 'email')?.value,
    language: codeOf(patient.communication?.[0]?.language, LANGUAGE).code,
    interpreterRequired: interpreter,
    accessibleInformationNeed: need.code,
    accessibleInformationDetail: need.code ? need.text : undefined,
    gpPracticeCode: gp,
  });
}

/** A contact's type and primary flag, from the roles to-fhir gave it. */
function contactKind(relationship: RelatedPerson['relationship']): { contactType?: string; primary: boolean } {
  const codes = new Set((relationship ?? []).flatMap((c) => c.coding ?? [])
    .filter((c) => c.system === ROLE.systems[0] || c.system === SUPPORT_ROLE.systems[0]).map((c) => c.code));
  const primary = codes.has('MC') || codes.has('primary-contact');
  if (codes.has('MC') || codes.has('IC') || codes.has('carer')) return { contactType: 'carer', primary };
  if (codes.has('parental-responsibility')) return { contactType: 'parental-responsibility', primary };
  if (codes.has('NOK')) return { contactType: 'next-of-kin', primary };
  if (codes.has('advocate')) return { contactType: 'advocate', primary };
  return { primary };
}

function contactFromFhir(rp: RelatedPerson, ids: SourceIds): ContactRecord {
  const name = rp.name?.[0];
  const relationship = rp.relationship?.map((c) => codeOf(c, RELATIONSHIP).code).find((c) => c !== undefined);
  return defined<ContactRecord>({
    recordType: 'contact',
    contactId: required(ids.of(rp, 'contact'), 'contact id'),
    personId: required(ids.ofRef(rp.patient, 'person'), 'person of the contact'),
    ...contactKind(rp.relationship) as { contactType: string; primary: boolean },
    relationship,
    givenName: name?.given?.[0],
    familyName: name?.family!,
    gender: GENDER.get(rp.gender)?.code,
    birthDate: rp.birthDate,
    ...nhsFields(rp.identifier),
    ...fromAddress(rp.address?.[0]),
    phone: rp.telecom?.find((t) => t.system === 'phone')?.value,
    email: rp.telecom?.find((t) => t.system === 'email')?.value,
  });
}

interface StaffFields { id?: string; given?: string; family?: string; jobTitle?: string; profession?: string; phone?: string; mobile?: string }

function staffOf(participant: CareTeamParticipant | undefined, ids: SourceIds): StaffFields {
  const role = ids.resolve<PractitionerRole>(participant?.member);
  if (role?.resourceType !== 'PractitionerRole') return {};
  const practitioner = ids.resolve<Practitioner>(role.practitioner);
  const name = practitioner?.name?.[0];
  return {
    id: workerOf(participant?.member, ids),
    given: name?.given?.[0],
    family: name?.family,
    jobTitle: role.code?.[0]?.text,
    profession: codeOf(role.code?.[0], PROFESSION).code,
    phone: findTelecom(role.telecom, 'phone', 'work'),
    mobile: findTelecom(role.telecom, 'phone', 'mobile'),
  };
}

function allocationFromFhir(ct: CareTeam, ids: SourceIds): AllocationRecord {
  const team = ids.resolve<Organization>(ct.managingOrganization?.[0]);
  const roleOf = (p: CareTeamParticipant) => p.role?.map((c) => codeOf(c, ROLE).code).find((c) => c !== undefined);
  const isStaff = (p: CareTeamParticipant) => ids.resolve(p.member)?.resourceType === 'PractitionerRole';
  const staff = (ct.participant ?? []).filter(isStaff);
  // to-fhir lists the allocated worker first, then the manager or episode coordinator.
  const [workerParticipant, managerParticipant] = staff;
  const worker = staffOf(workerParticipant, ids);
  const manager = staffOf(managerParticipant, ids);
  const carers = (ct.participant ?? []).filter((p) => ids.resolve(p.member)?.resourceType === 'RelatedPerson')
    .map((p) => ids.ofRef(p.member, 'contact')).filter((id): id is string => id !== undefined);
  return defined<AllocationRecord>({
    recordType: 'allocation',
    allocationId: required(ids.of(ct, 'allocation'), 'allocation id'),
    personId: required(ids.ofRef(ct.subject, 'person'), 'person of the allocation'),
    laCode: ids.codeOfOrganisation(team?.partOf, ONS_GSS_CODE_SYSTEM),
    teamId: required(ids.of(team, 'team'), 'team id'),
    teamName: ct.name ?? team?.name!,
    teamPhone: findTelecom(ct.telecom, 'phone', 'work'),
    workerId: required(worker.id, 'allocated worker'),
    workerRole: (workerParticipant && roleOf(workerParticipant)) ?? 'allocated-worker',
    workerGivenName: worker.given,
    workerFamilyName: worker.family!,
    workerJobTitle: worker.jobTitle,
    workerProfession: worker.profession,
    workerPhone: worker.phone,
    workerMobile: worker.mobile,
    managerId: manager.id,
    managerRole: managerParticipant && roleOf(managerParticipant),
    managerGivenName: manager.given,
    managerFamilyName: manager.family,
    managerJobTitle: manager.jobTitle,
    managerProfession: manager.profession,
    managerPhone: manager.phone,
    managerMobile: manager.mobile,
    startDate: ct.period?.start!,
    endDate: ct.period?.end,
    planType: ct.category?.map((c) => codeOf(c, PLAN_TYPE).code).find((c) => c !== undefined),
    carerContactIds: carers,
  });
}
