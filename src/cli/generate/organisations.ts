// The shared directory every synthetic person points into: councils and their social-care teams and staff,
// GP practices (ODS-style codes such as C84001) and their GPs, acute trusts (real ODS codes such as RK5),
// and care providers. These go once in the first bundle with fixed ids, referenced from person bundles.
import type { Address as FhirAddress, Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import {
  GMC_NUMBER_SYSTEM,
  ODS_ORGANIZATION_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
  ORGANIZATION_TYPE_SYSTEM,
  SNOMED_SYSTEM,
} from '../../fhir/systems.ts';
import { pickEthnicCategory } from './ethnicity.ts';
import { pickName, type Sex } from './names.ts';
import { LOCAL_AUTHORITIES, pickAddress, pickLandline, pickMobile, type LocalAuthority } from './places.ts';
import { Random } from './random.ts';
import { councilSource, gpSource, hospitalSource, localIdentifierSystem, sourceMeta } from './source-systems.ts';

export interface StaffMember {
  readonly practitionerId: string;
  readonly roleId: string;
  readonly display: string;
  readonly jobTitle: string;
  readonly phone: string;
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly phone: string;
  readonly staff: readonly StaffMember[];
}

export const PROVIDER_KINDS = {
  homeCare: 'home-care',
  residential: 'residential',
  nursing: 'nursing',
  dayCentre: 'day-centre',
  equipment: 'equipment',
  sharedLives: 'shared-lives',
} as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[keyof typeof PROVIDER_KINDS];

export interface Provider {
  readonly id: string;
  readonly name: string;
  readonly kind: ProviderKind;
  readonly phone: string;
}

export interface Practice {
  readonly id: string;
  readonly ods: string;
  readonly name: string;
  /** Town the practice is in. */
  readonly town: string;
  readonly source: string;
  readonly gps: readonly StaffMember[];
}

export interface Area {
  readonly la: LocalAuthority;
  readonly council: { readonly id: string; readonly name: string; readonly phone: string };
  readonly adultsSource: string;
  readonly childrensSource: string;
  readonly trust: { readonly id: string; readonly ods: string; readonly name: string; readonly source: string; readonly clinicians: readonly StaffMember[] };
  readonly practices: readonly Practice[];
  readonly adultTeams: readonly Team[];
  readonly childrenTeams: readonly Team[];
  readonly providers: readonly Provider[];
}

export interface Directory {
  readonly areas: readonly Area[];
  /** Every shared resource, each with a fixed id, in a stable order. */
  readonly resources: readonly Resource[];
}

const PRACTICE_NAMES = ['Riverside', 'Parkside', 'Church View', 'Oakwood', 'Meadowbank', 'Castle', 'Valley', 'Northgate', 'Westbrook',
  'Elm Tree', 'Beechwood', 'Millbrook', 'Greenfields', 'Brookside', 'Abbey', 'Fernlea'];
const PRACTICE_SUFFIXES = ['Surgery', 'Medical Centre', 'Medical Practice', 'Health Centre', 'Family Practice'];
const PROVIDER_STEMS = ['Bluebell', 'Oakwood', 'Meadowview', 'Willowbrook', 'Heatherlea', 'Primrose', 'Cedar Lodge', 'Ashfield', 'Kingfisher', 'Lavender'];
const HOSPITAL_SPECIALTIES = ['Geriatric medicine', 'Cardiology', 'Respiratory medicine', 'Emergency medicine', 'Paediatrics', 'General surgery'];

const OCCUPATIONS = {
  socialWorker: { code: '106328005', display: 'Social worker' },
  occupationalTherapist: { code: '80546007', display: 'Occupational therapist' },
  generalPractitioner: { code: '62247001', display: 'General practitioner' },
  medicalPractitioner: { code: '158965000', display: 'Medical practitioner' },
} as const;
type Occupation = (typeof OCCUPATIONS)[keyof typeof OCCUPATIONS];

/** Builds the deterministic shared directory for a seed. */
export function buildDirectory(seed: number): Directory {
  const random = new Random(seed, 0x0d12ec70);
  const resources: Resource[] = [];
  const practiceCounters = new Map<string, number>();
  const areas = LOCAL_AUTHORITIES.map((la) => buildArea(random, la, resources, practiceCounters));
  return { areas, resources };
}

function buildArea(random: Random, la: LocalAuthority, out: Resource[], counters: Map<string, number>): Area {
  const adultsSource = councilSource(la.adultsSystem, la.slug);
  const childrensSource = councilSource(la.childrensSystem, la.slug);
  const council = { id: `la-${la.gss}`, name: la.councilName, phone: pickLandline(random, la) };
  out.push(councilOrganization(random, la, council.id, council.phone));

  const trustSource = hospitalSource(la.trust.ods);
  const trustId = `ods-${la.trust.ods}`;
  out.push(odsOrganization(random, la, trustId, la.trust.ods, la.trust.name, trustSource));
  const clinicians = HOSPITAL_SPECIALTIES.slice(0, 4).map((specialty, i) =>
    staff(random, la, out, { id: `hcp-${la.trust.ods}-${i + 1}`, organizationId: trustId, source: trustSource,
      occupation: OCCUPATIONS.medicalPractitioner, jobTitle: `Consultant, ${specialty}`, gmc: true, prefix: 'Dr' }));

  const practices = la.towns.slice(0, 4).flatMap((town, t) =>
    Array.from({ length: la.towns.length === 1 ? 4 : t < 2 ? 2 : 1 }, () => {
      const n = (counters.get(la.gpPrefix) ?? 0) + 1;
      counters.set(la.gpPrefix, n);
      const ods = la.gpPrefix + String(n).padStart(3, '0');
      const name = `${random.chance(0.3) ? town.name : random.pick(PRACTICE_NAMES)} ${random.pick(PRACTICE_SUFFIXES)}`;
      const source = gpSource(random.chance(0.55) ? 'emis' : 'tpp', ods);
      const id = `ods-${ods}`;
      out.push(odsOrganization(random, la, id, ods, name, source, town.name));
      const gps = [1, 2].map((g) =>
        staff(random, la, out, { id: `gp-${ods}-${g}`, organizationId: id, source, occupation: OCCUPATIONS.generalPractitioner,
          jobTitle: g === 1 ? 'GP Partner' : 'Salaried GP', gmc: true, prefix: 'Dr' }));
      return { id, ods, name, town: town.name, source, gps };
    }));

  const localities = la.towns.length > 1 ? la.towns.slice(0, 2).map((t) => t.name) : ['North', 'South'];
  const adultTeams = [
    ...localities.map((place) => `Adult Social Care – ${place} Locality Team`),
    'Hospital Social Work Team',
    'Learning Disability Team',
  ].map((name, i) => team(random, la, out, council.id, `la-${la.gss}-asc-${i + 1}`, name, adultsSource, i === 0 ? 'adults-ot' : 'adults'));
  const childrenTeams = ["Children's Assessment Team", 'Child Protection Team', 'Children in Care Team', 'Children with Disabilities Team']
    .map((name, i) => team(random, la, out, council.id, `la-${la.gss}-csc-${i + 1}`, name, childrensSource, 'children'));

  const providers = providerList(random, la).map((p, i) => {
    const provider = { id: `provider-${la.gss.toLowerCase()}-${i + 1}`, name: p.name, kind: p.kind, phone: pickLandline(random, la) };
    out.push(providerOrganization(random, la, provider, adultsSource));
    return provider;
  });

  return { la, council, adultsSource, childrensSource, trust: { id: trustId, ods: la.trust.ods, name: la.trust.name, source: trustSource, clinicians },
    practices, adultTeams, childrenTeams, providers };
}

function providerList(random: Random, la: LocalAuthority): { name: string; kind: ProviderKind }[] {
  const stems = random.sample(PROVIDER_STEMS, 5);
  return [
    { name: `${stems[0]} Home Care Ltd`, kind: 'home-care' },
    { name: `${stems[1]} Homecare Services`, kind: 'home-care' },
    { name: `${stems[2]} House Care Home`, kind: 'residential' },
    { name: `${stems[3]} Nursing Home`, kind: 'nursing' },
    { name: `${stems[4]} Day Centre`, kind: 'day-centre' },
    { name: `${la.county} Community Equipment Service`, kind: 'equipment' },
    { name: `${la.councilName.replace(/ (City|County|Metropolitan Borough)? ?Council$/, '')} Shared Lives`, kind: 'shared-lives' },
  ];
}

function team(random: Random, la: LocalAuthority, out: Resource[], councilId: string, id: string, name: string, source: string,
  kind: 'adults' | 'adults-ot' | 'children'): Team {
  const phone = pickLandline(random, la);
  const organization: Organization = {
    resourceType: 'Organization', id, meta: sourceMeta(source), active: true,
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'team', display: 'Organizational team' }] }],
    name, telecom: [{ system: 'phone', value: phone, use: 'work' }], partOf: { reference: `Organization/${councilId}`, display: la.councilName },
  };
  out.push(organization);
  const titles = kind === 'children'
    ? ['Team Manager', 'Senior Social Worker', 'Social Worker']
    : ['Team Manager', kind === 'adults-ot' ? 'Occupational Therapist' : 'Senior Practitioner', 'Social Worker'];
  const staffMembers = titles.map((jobTitle, i) =>
    staff(random, la, out, { id: `${id.replace(/^la-/, 'sw-')}-${i + 1}`, organizationId: id, source, jobTitle, gmc: false,
      occupation: jobTitle === 'Occupational Therapist' ? OCCUPATIONS.occupationalTherapist : OCCUPATIONS.socialWorker }));
  return { id, name, phone, staff: staffMembers };
}

interface StaffSpec {
  readonly id: string;
  readonly organizationId: string;
  readonly source: string;
  readonly occupation: Occupation;
  readonly jobTitle: string;
  readonly gmc: boolean;
  readonly prefix?: string;
}

function staff(random: Random, la: LocalAuthority, out: Resource[], spec: StaffSpec): StaffMember {
  const sex: Sex = random.chance(spec.occupation === OCCUPATIONS.socialWorker ? 0.8 : 0.5) ? 'female' : 'male';
  const birthYear = random.int(1962, 1998);
  const name = pickName(random, sex, birthYear, random.pick(pickEthnicCategory(random, la.whiteBritishShare).nameGroups));
  const phone = pickLandline(random, la);
  const identifier = spec.gmc
    ? { system: GMC_NUMBER_SYSTEM, value: String(random.int(2_000_000, 7_999_999)) }
    : { system: localIdentifierSystem(spec.source, 'staff'), value: `${la.slug.slice(0, 3).toUpperCase()}${random.int(10_000, 99_999)}` };
  const practitioner: Practitioner = {
    resourceType: 'Practitioner', id: spec.id, meta: sourceMeta(spec.source), identifier: [identifier], active: true,
    name: [{ use: 'official', family: name.family, given: name.given.slice(0, 1), ...(spec.prefix ? { prefix: [spec.prefix] } : {}) }],
    telecom: [{ system: 'phone', value: phone, use: 'work' }], gender: sex,
  };
  const roleId = `role-${spec.id}`;
  const role: PractitionerRole = {
    resourceType: 'PractitionerRole', id: roleId, meta: sourceMeta(spec.source), active: true,
    practitioner: { reference: `Practitioner/${spec.id}` }, organization: { reference: `Organization/${spec.organizationId}` },
    code: [{ coding: [{ system: SNOMED_SYSTEM, code: spec.occupation.code, display: spec.occupation.display }], text: spec.jobTitle }],
    telecom: [{ system: 'phone', value: phone, use: 'work' }, { system: 'phone', value: pickMobile(random), use: 'mobile' }],
  };
  out.push(practitioner, role);
  const display = `${spec.prefix ? spec.prefix + ' ' : ''}${name.given[0]} ${name.family}`;
  return { practitionerId: spec.id, roleId, display, jobTitle: spec.jobTitle, phone };
}

function councilOrganization(random: Random, la: LocalAuthority, id: string, phone: string): Organization {
  return {
    resourceType: 'Organization', id, meta: sourceMeta('ons-geography'), active: true,
    identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: la.gss }],
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'govt', display: 'Government' }], text: 'Local authority' }],
    name: la.councilName, telecom: [{ system: 'phone', value: phone, use: 'work' }], address: [organizationAddress(random, la)],
  };
}

function odsOrganization(random: Random, la: LocalAuthority, id: string, ods: string, name: string, source: string,
  townName?: string): Organization {
  return {
    resourceType: 'Organization', id, meta: sourceMeta(source), active: true,
    identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: ods }],
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'prov', display: 'Healthcare Provider' }] }],
    name, telecom: [{ system: 'phone', value: pickLandline(random, la), use: 'work' }],
    address: [organizationAddress(random, la, townName)],
  };
}

function providerOrganization(random: Random, la: LocalAuthority, provider: Provider, source: string): Organization {
  return {
    resourceType: 'Organization', id: provider.id, meta: sourceMeta(source), active: true,
    identifier: [{ system: localIdentifierSystem(source, 'provider'), value: provider.id.split('-').slice(1).join('-').toUpperCase() }],
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'prov', display: 'Healthcare Provider' }], text: `Social care provider (${provider.kind})` }],
    name: provider.name, telecom: [{ system: 'phone', value: provider.phone, use: 'work' }],
    address: [organizationAddress(random, la)],
  };
}

function organizationAddress(random: Random, la: LocalAuthority, townName?: string): FhirAddress {
  const town = la.towns.find((t) => t.name === townName) ?? random.pick(la.towns);
  const address = pickAddress(random, la, town);
  return { use: 'work', line: [...address.line], city: address.city, district: address.district, postalCode: address.postalCode };
}
