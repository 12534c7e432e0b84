// Who a synthetic person is: age, sex, ethnicity, name, address, GP, NHS number and its verification
// status, and the UK Core Patient resource that carries it all.
// See: https://simplifier.net/hl7fhirukcorer4/ukcorepatient
import type { ContactPoint, Identifier, Patient, PatientContact } from '@medplum/fhirtypes';
import {
  ETHNIC_CATEGORY_EXTENSION,
  ETHNIC_CATEGORY_SYSTEM,
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
  UK_CORE_PATIENT_PROFILE,
  V3_ROLE_CODE_SYSTEM,
} from '../../fhir/systems.ts';
import { addYears, ageOn, isoDate, isoDateTime } from './dates.ts';
import { pickEthnicCategory, type EthnicCategory } from './ethnicity.ts';
import { pickForename, pickName, type NameGroup, type PersonName, type Sex } from './names.ts';
import type { NhsNumberSequence } from './nhs-number-sequence.ts';
import type { Area, Directory, Practice } from './organisations.ts';
import { pickAddress, pickLandline, pickLocalAuthority, pickMobile, type Address } from './places.ts';
import type { Random, Weighted } from './random.ts';
import { localIdentifierSystem, sourceMeta } from './source-systems.ts';

export interface Person {
  readonly index: number;
  readonly area: Area;
  readonly practice: Practice;
  readonly sex: Sex;
  readonly birthDay: number;
  readonly deathDay?: number;
  /** Last day anything can be recorded: the "as of" day, or the day of death. */
  readonly endDay: number;
  /** The day the synthetic world is "as of"; nothing is recorded after it. */
  readonly asOfDay: number;
  readonly age: number;
  readonly ethnicity: EthnicCategory;
  readonly nameGroup: NameGroup;
  readonly name: PersonName;
  readonly address: Address;
  readonly telecom: readonly ContactPoint[];
  readonly nhsNumber?: string;
  readonly verificationStatus?: VerificationStatus;
  readonly mrn: string;
  readonly heavy: boolean;
}

export type VerificationStatus = '01' | '02' | '03';

const VERIFICATION_DISPLAY: Record<VerificationStatus, string> = {
  '01': 'Number present and verified',
  '02': 'Number present but not traced',
  '03': 'Trace required',
};

// Age bands [min, max, weight]: England's shape, tilted towards older people who use more care.
const AGE_BANDS: readonly Weighted<readonly [number, number]>[] = [
  { value: [0, 4], weight: 6 },
  { value: [5, 17], weight: 15 },
  { value: [18, 39], weight: 24 },
  { value: [40, 64], weight: 30 },
  { value: [65, 74], weight: 12 },
  { value: [75, 84], weight: 9 },
  { value: [85, 101], weight: 4 },
];

const NO_NHS_NUMBER_SHARE = 0.03;
const LANGUAGES: Partial<Record<NameGroup, readonly (readonly [string, string])[]>> = {
  'south-asian-muslim': [['ur', 'Urdu'], ['bn', 'Bengali'], ['pa', 'Panjabi']],
  'south-asian-hindu-sikh': [['gu', 'Gujarati'], ['pa', 'Panjabi'], ['hi', 'Hindi']],
  'eastern-european': [['pl', 'Polish'], ['ro', 'Romanian'], ['lt', 'Lithuanian']],
  chinese: [['zh', 'Chinese']],
  'black-african': [['so', 'Somali'], ['yo', 'Yoruba']],
  other: [['tr', 'Turkish'], ['ar', 'Arabic'], ['pt', 'Portuguese']],
};

export interface PersonContext {
  readonly index: number;
  readonly directory: Directory;
  readonly asOfDay: number;
  readonly nhsNumbers: NhsNumberSequence;
  readonly heavy: boolean;
}

/** Draws a person's demographics. Heavy people are older, so a long, busy record is plausible. */
export function createPerson(random: Random, context: PersonContext): Person {
  const { asOfDay, directory } = context;
  const [minAge, maxAge] = context.heavy ? [70, 92] as const : random.weighted(AGE_BANDS);
  const birthDay = addYears(asOfDay, -maxAge - 1) + random.int(1, (maxAge - minAge + 1) * 365 - 1);
  const age = ageOn(birthDay, asOfDay);
  const deathDay = !context.heavy && age >= 75 && random.chance(0.04) ? asOfDay - random.int(1, 700) : undefined;
  const endDay = deathDay ?? asOfDay;

  const la = pickLocalAuthority(random);
  const area = directory.areas.find((a) => a.la === la) ?? directory.areas[0];
  const town = random.pick(la.towns);
  const sex: Sex = random.chance(age >= 80 ? 0.6 : 0.505) ? 'female' : 'male';
  const ethnicity = pickEthnicCategory(random, la.whiteBritishShare);
  const nameGroup = random.pick(ethnicity.nameGroups);
  const birthYear = Number(isoDate(birthDay).slice(0, 4));
  const name = pickName(random, sex, birthYear, nameGroup);
  const local = area.practices.filter((p) => p.town === town.name);
  const practice = random.pick(local.length > 0 && random.chance(0.7) ? local : area.practices);

  const hasNumber = !random.chance(NO_NHS_NUMBER_SHARE);
  const nhsNumber = hasNumber ? context.nhsNumbers.next() : undefined;
  const verificationStatus: VerificationStatus | undefined = hasNumber
    ? random.weighted<VerificationStatus>([{ value: '01', weight: 92 }, { value: '02', weight: 5 }, { value: '03', weight: 3 }])
    : undefined;

  return {
    index: context.index, area, practice, sex, birthDay, endDay, asOfDay, age: ageOn(birthDay, endDay), ethnicity, nameGroup, name,
    address: pickAddress(random, la, town), telecom: pickTelecom(random, area, age, name),
    ...(deathDay !== undefined ? { deathDay } : {}),
    ...(nhsNumber ? { nhsNumber, verificationStatus } : {}),
    mrn: `${area.trust.ods}${random.int(1_000_000, 9_999_999)}`, heavy: context.heavy,
  };
}

function pickTelecom(random: Random, area: Area, age: number, name: PersonName): ContactPoint[] {
  const telecom: ContactPoint[] = [];
  if (age >= 50 || random.chance(0.4)) telecom.push({ system: 'phone', value: pickLandline(random, area.la), use: 'home' });
  if (age >= 12 && random.chance(age >= 80 ? 0.4 : 0.9)) telecom.push({ system: 'phone', value: pickMobile(random), use: 'mobile' });
  if (age >= 16 && random.chance(0.5)) {
    const local = `${name.given[0]}.${name.family}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
    telecom.push({ system: 'email', value: `${local}${random.int(1, 99)}@example.com`, use: 'home' });
  }
  return telecom;
}

/** The UK Core Patient for a person; `identifiers` adds local ids such as a council person id. */
export function patientResource(random: Random, person: Person, identifiers: readonly Identifier[]): Patient {
  const adult = person.age >= 18;
  const language = LANGUAGES[person.nameGroup];
  const speaksOther = language !== undefined && random.chance(adult ? 0.25 : 0.05);
  return {
    resourceType: 'Patient',
    meta: sourceMeta(person.practice.source, UK_CORE_PATIENT_PROFILE),
    extension: [{
      url: ETHNIC_CATEGORY_EXTENSION,
      valueCodeableConcept: { coding: [{ system: ETHNIC_CATEGORY_SYSTEM, code: person.ethnicity.code, display: person.ethnicity.display }] },
    }],
    identifier: [...nhsIdentifier(person), { system: localIdentifierSystem(person.area.trust.source, 'mrn'), value: person.mrn }, ...identifiers],
    active: true,
    name: [{ use: 'usual', family: person.name.family, given: [...person.name.given], ...(adult ? { prefix: [titleFor(random, person)] } : {}) }],
    ...(person.telecom.length > 0 ? { telecom: [...person.telecom] } : {}),
    gender: person.sex,
    birthDate: isoDate(person.birthDay),
    ...(person.deathDay !== undefined ? { deceasedDateTime: isoDateTime(person.deathDay, random.int(0, 1439)) } : {}),
    address: [{ use: 'home', type: 'both', line: [...person.address.line], city: person.address.city, district: person.address.district,
      postalCode: person.address.postalCode }],
    ...(speaksOther ? { communication: [{ language: languageConcept(random.pick(language)), preferred: true }] } : {}),
    ...(!adult ? { contact: [parentContact(random, person)] } : {}),
    generalPractitioner: [{ reference: `Organization/${person.practice.id}`, display: person.practice.name }],
  };
}

function nhsIdentifier(person: Person): Identifier[] {
  if (!person.nhsNumber || !person.verificationStatus) return [];
  return [{
    system: NHS_NUMBER_SYSTEM,
    value: person.nhsNumber,
    extension: [{
      url: NHS_NUMBER_VERIFICATION_EXTENSION,
      valueCodeableConcept: {
        coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: person.verificationStatus, display: VERIFICATION_DISPLAY[person.verificationStatus] }],
      },
    }],
  }];
}

function titleFor(random: Random, person: Person): string {
  if (person.sex === 'male') return random.chance(0.02) ? 'Dr' : 'Mr';
  if (person.age < 30) return random.chance(0.6) ? 'Miss' : 'Ms';
  return random.weighted([{ value: 'Mrs', weight: 6 }, { value: 'Ms', weight: 3 }, { value: 'Miss', weight: 1 }]);
}

function languageConcept([code, display]: readonly [string, string]) {
  return { coding: [{ system: 'urn:ietf:bcp:47', code, display }], text: display };
}

function parentContact(random: Random, person: Person): PatientContact {
  const mother = random.chance(0.8);
  const birthYear = Number(isoDate(person.birthDay).slice(0, 4)) - random.int(20, 38);
  return {
    relationship: [{ coding: [{ system: V3_ROLE_CODE_SYSTEM, code: mother ? 'MTH' : 'FTH', display: mother ? 'mother' : 'father' }] }],
    name: { use: 'usual', family: person.name.family, given: [pickForename(random, mother ? 'female' : 'male', birthYear, person.nameGroup)] },
    telecom: [{ system: 'phone', value: pickMobile(random), use: 'mobile' }],
  };
}
