// Small hand-made spines for PDS tests: people shaped as PDS returns them, with test-range NHS numbers.
import type { Patient } from '@medplum/fhirtypes';
import { nhsNumberCheckDigit } from '../../src/fhir/nhs-number.ts';
import { NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION, NHS_NUMBER_VERIFICATION_SYSTEM, ODS_ORGANIZATION_SYSTEM } from '../../src/fhir/systems.ts';
import type { PdsHistory, PdsPatientRecord } from '../../src/identity/pds/pds-population.ts';
import { V3_CONFIDENTIALITY_SYSTEM } from '../../src/identity/pds/spine-codes.ts';

/** The n-th valid NHS number of the 999 test range (n from 1). */
export function testNhsNumber(n: number): string {
  let found = 0;
  for (let middle = 0; ; middle++) {
    const firstNine = `999${String(middle).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(firstNine);
    if (check !== undefined && ++found === n) return `${firstNine}${check}`;
  }
}

export interface PersonSpec {
  nhsNumber: string;
  family: string;
  given: string[];
  birthDate: string;
  gender: 'male' | 'female';
  postcode?: string;
  email?: string;
  phone?: string;
  gp?: string;
  restricted?: boolean;
  history?: PdsHistory;
}

export function pdsPerson(spec: PersonSpec): PdsPatientRecord {
  const patient: Patient = {
    resourceType: 'Patient',
    id: spec.nhsNumber,
    meta: { versionId: '2', security: [{ system: V3_CONFIDENTIALITY_SYSTEM, code: spec.restricted ? 'R' : 'U', display: spec.restricted ? 'restricted' : 'unrestricted' }] },
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: spec.nhsNumber, extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION,
      valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM, code: '01', display: 'Number present and verified' }] } }] }],
    name: [{ use: 'usual', family: spec.family, given: spec.given }],
    gender: spec.gender,
    birthDate: spec.birthDate,
    ...(spec.postcode ? { address: [{ use: 'home', line: ['1 Test Street'], city: 'Testtown', postalCode: spec.postcode }] } : {}),
    telecom: [
      ...(spec.phone ? [{ system: 'phone' as const, value: spec.phone, use: 'home' as const }] : []),
      ...(spec.email ? [{ system: 'email' as const, value: spec.email, use: 'home' as const }] : []),
    ],
    ...(spec.gp ? { generalPractitioner: [{ type: 'Organization', identifier: { system: ODS_ORGANIZATION_SYSTEM, value: spec.gp } }] } : {}),
    contact: [{ relationship: [{ text: 'mother' }], name: { family: spec.family, given: ['Mum'] } }],
  };
  return { kind: 'patient', patient, ...(spec.history ? { history: spec.history } : {}) };
}
