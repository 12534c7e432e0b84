// A social-care record → UK Core resources, in exactly the shapes the synthetic generator writes
// (src/cli/generate/social-care-resources.ts): the person as Patient, contacts as RelatedPerson,
// the allocation as CareTeam with its team, workers and roles. Cases, events, services, plans and
// flags are in to-fhir-case.ts. Field by field: docs/mapping/social-care.md
import type { CareTeam, CareTeamParticipant, Extension, Flag, Organization, Patient, Practitioner, PractitionerRole, RelatedPerson, Resource } from '@medplum/fhirtypes';
import { ETHNIC_CATEGORY_EXTENSION, UK_CORE_PATIENT_PROFILE } from '../../fhir/systems.ts';
import type { MappedRecord } from '../source-writer.ts';
import {
  ACCESSIBLE_INFORMATION,
  CONTACT_TYPE,
  ETHNICITY,
  GENDER,
  LANGUAGE,
  ORGANIZATION_TEAM,
  PLAN_TYPE,
  PROFESSION,
  RECORD_CATEGORY,
  RELATIONSHIP,
  ROLE,
  SUPPORT_ROLE,
  type Coded,
} from './code-tables.ts';
import {
  type AnyReference,
  concept,
  INTERPRETER_REQUIRED,
  nhsIdentifier,
  ODS_ORGANIZATION_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
  optional,
  organisationByCode,
  roleReference,
  SourceLinks,
  stamp,
  telecom,
  toAddress,
} from './fhir-parts.ts';
import { episodeToFhir, eventToFhir, flagToFhir, planToFhir, serviceToFhir } from './to-fhir-case.ts';
import type { AllocationRecord, ContactRecord, PersonRecord, SocialCareRecord } from './records.ts';
import { localIdOf } from './records.ts';

/**
 * The resources a record becomes: the record's own first, then the team, worker and provider
 * records it implies (shared by many rows, so they are records of their own).
 */
export function recordToFhir(record: SocialCareRecord, source: string): MappedRecord[] {
  const links = new SourceLinks(source);
  const own = (resources: Resource[]): MappedRecord => ({ recordType: record.recordType, localId: localIdOf(record), resources });
  switch (record.recordType) {
    case 'person': return [own(personToFhir(record, links))];
    case 'contact': return [own([contactToFhir(record, links)])];
    case 'allocation': return allocationToFhir(record, links);
    case 'episode': return [own(episodeToFhir(record, links))];
    case 'event': return [own([eventToFhir(record, links)])];
    case 'service': return serviceToFhir(record, links);
    case 'plan': return [own([planToFhir(record, links)])];
    case 'flag': return [own(flagToFhir(record, links))];
  }
}

const coding = (coded: Coded) => ({ system: coded.system, code: coded.code, display: coded.display });

function personToFhir(r: PersonRecord, links: SourceLinks): Resource[] {
  const ethnicity = ETHNICITY.get(r.ethnicity);
  const language = LANGUAGE.get(r.language);
  const extension: Extension[] = [
    ...(ethnicity ? [{ url: ETHNIC_CATEGORY_EXTENSION, valueCodeableConcept: { coding: [coding(ethnicity)] } }] : []),
    ...(r.interpreterRequired !== undefined ? [{ url: INTERPRETER_REQUIRED, valueBoolean: r.interpreterRequired }] : []),
  ];
  const address = toAddress(r, true);
  const patient: Patient = {
    resourceType: 'Patient',
    meta: { profile: [UK_CORE_PATIENT_PROFILE] },
    ...optional('extension', extension),
    identifier: [...nhsIdentifier(r.nhsNumber, r.nhsNumberStatus), links.identifier('person', r.clientId)],
    active: true,
    name: [{ use: 'usual', family: r.familyName, given: [r.givenName1, r.givenName2, r.givenName3].filter((g): g is string => g !== undefined),
      ...(r.title ? { prefix: [r.title] } : {}) }],
    ...optional('telecom', [...telecom('phone', r.phoneHome, 'home'), ...telecom('phone', r.phoneMobile, 'mobile'), ...telecom('email', r.email, 'home')]),
    gender: GENDER.must(r.gender).code as Patient['gender'],
    birthDate: r.birthDate,
    ...optional('deceasedDateTime', r.deathDate),
    ...(address ? { address: [address] } : {}),
    ...(language ? { communication: [{ language: concept(language), preferred: true }] } : {}),
    ...(r.gpPracticeCode ? { generalPractitioner: [organisationByCode(ODS_ORGANIZATION_SYSTEM, r.gpPracticeCode)] } : {}),
  };
  const out: Resource[] = [stamp(links, 'person', r.clientId, patient)];
  const need = ACCESSIBLE_INFORMATION.get(r.accessibleInformationNeed);
  if (need) {
    // Accessible Information Standard: a need every reader of the record must see, so a Flag.
    out.push(stamp(links, 'person', r.clientId, {
      resourceType: 'Flag', status: 'active', category: [concept(RECORD_CATEGORY.must('accessible-information'))],
      code: concept(need, r.accessibleInformationDetail), subject: links.ref('person', r.clientId, 'Patient'),
    } satisfies Flag));
  }
  return out;
}

/** The roles a contact's type and primary flag mean (Interweave support roles for carers and next of kin). */
export function contactRoles(contactType: string, primary: boolean): Coded[] {
  const primaryContact = primary ? [ROLE.must('primary-contact')] : [];
  switch (contactType) {
    case 'carer': return [SUPPORT_ROLE.must(primary ? 'MC' : 'IC')];
    case 'parental-responsibility': return [ROLE.must('parental-responsibility'), ...primaryContact];
    case 'next-of-kin': return [SUPPORT_ROLE.must('NOK'), ...primaryContact];
    default: return [ROLE.must(CONTACT_TYPE.must(contactType).code), ...primaryContact];
  }
}

function contactToFhir(r: ContactRecord, links: SourceLinks): RelatedPerson {
  const relationship = RELATIONSHIP.get(r.relationship);
  const address = toAddress(r, false);
  return stamp(links, 'contact', r.contactId, {
    resourceType: 'RelatedPerson',
    identifier: [...nhsIdentifier(r.nhsNumber, r.nhsNumberStatus), links.identifier('contact', r.contactId)],
    active: true,
    patient: links.ref('person', r.personId, 'Patient'),
    relationship: [...(relationship ? [{ coding: [coding(relationship)] }] : []), ...contactRoles(r.contactType, r.primary).map((c) => concept(c))],
    name: [{ use: 'usual', family: r.familyName, ...(r.givenName ? { given: [r.givenName] } : {}) }],
    ...optional('telecom', [...telecom('phone', r.phone, 'mobile', 1), ...telecom('email', r.email, 'home')]),
    ...(r.gender ? { gender: GENDER.must(r.gender).code as RelatedPerson['gender'] } : {}),
    ...optional('birthDate', r.birthDate),
    ...(address ? { address: [address] } : {}),
  } satisfies RelatedPerson);
}

interface Staff {
  id: string;
  given?: string;
  family: string;
  jobTitle?: string;
  profession?: string;
  phone?: string;
  mobile?: string;
}

const staffDisplay = (s: Staff) => [s.given, s.family].filter(Boolean).join(' ');

function workerRecord(links: SourceLinks, staff: Staff, teamRef: AnyReference): MappedRecord {
  const practitioner: Practitioner = {
    resourceType: 'Practitioner', active: true,
    name: [{ use: 'official', family: staff.family, ...(staff.given ? { given: [staff.given] } : {}) }],
    ...optional('telecom', telecom('phone', staff.phone, 'work')),
  };
  const profession = PROFESSION.get(staff.profession);
  const code = profession || staff.jobTitle
    ? [{ ...(profession ? { coding: [coding(profession)] } : {}), ...(staff.jobTitle ? { text: staff.jobTitle } : {}) }]
    : [];
  const role: PractitionerRole = {
    resourceType: 'PractitionerRole', active: true,
    practitioner: links.ref('worker', staff.id, 'Practitioner', staffDisplay(staff)), organization: teamRef,
    ...optional('code', code),
    ...optional('telecom', [...telecom('phone', staff.phone, 'work'), ...telecom('phone', staff.mobile, 'mobile')]),
  };
  return { recordType: 'worker', localId: staff.id, resources: [stamp(links, 'worker', staff.id, practitioner), stamp(links, 'worker', staff.id, role)] };
}

function allocationToFhir(r: AllocationRecord, links: SourceLinks): MappedRecord[] {
  const teamRef = links.ref('team', r.teamId, 'Organization', r.teamName);
  const worker: Staff = { id: r.workerId, family: r.workerFamilyName, ...staffExtras(r.workerGivenName, r.workerJobTitle, r.workerProfession, r.workerPhone, r.workerMobile) };
  const manager: Staff | undefined = r.managerId && r.managerFamilyName
    ? { id: r.managerId, family: r.managerFamilyName, ...staffExtras(r.managerGivenName, r.managerJobTitle, r.managerProfession, r.managerPhone, r.managerMobile) }
    : undefined;
  const member = (s: Staff) => roleReference(links, s.id, s.jobTitle ? `${staffDisplay(s)} (${s.jobTitle})` : staffDisplay(s));
  const participant: CareTeamParticipant[] = [
    { role: [concept(ROLE.must(r.workerRole))], member: member(worker) },
    ...(manager ? [{ role: [concept(ROLE.must(r.managerRole ?? 'team-manager'))], member: member(manager) }] : []),
    ...(r.carerContactIds ?? []).map((id) => ({ role: [concept(ROLE.must('carer'))], member: links.ref('contact', id, 'RelatedPerson') })),
  ];
  const planType = PLAN_TYPE.get(r.planType);
  const careTeam = stamp(links, 'allocation', r.allocationId, {
    resourceType: 'CareTeam',
    status: r.endDate !== undefined ? 'inactive' : 'active',
    ...(planType ? { category: [concept(planType)] } : {}),
    name: r.teamName,
    subject: links.ref('person', r.personId, 'Patient'),
    period: { start: r.startDate, ...optional('end', r.endDate) },
    participant,
    managingOrganization: [teamRef],
    ...optional('telecom', telecom('phone', r.teamPhone, 'work')),
  } satisfies CareTeam);
  const team: Organization = {
    resourceType: 'Organization', active: true, type: [{ coding: [{ ...ORGANIZATION_TEAM }] }], name: r.teamName,
    ...optional('telecom', telecom('phone', r.teamPhone, 'work')),
    ...(r.laCode ? { partOf: organisationByCode(ONS_GSS_CODE_SYSTEM, r.laCode) } : {}),
  };
  return [
    { recordType: 'allocation', localId: r.allocationId, resources: [careTeam] },
    { recordType: 'team', localId: r.teamId, resources: [stamp(links, 'team', r.teamId, team)] },
    workerRecord(links, worker, teamRef),
    ...(manager ? [workerRecord(links, manager, teamRef)] : []),
  ];
}

function staffExtras(given?: string, jobTitle?: string, profession?: string, phone?: string, mobile?: string): Partial<Staff> {
  return { ...optional('given', given), ...optional('jobTitle', jobTitle), ...optional('profession', profession), ...optional('phone', phone), ...optional('mobile', mobile) };
}
