// PID/PD1 → Patient: which identifier is the hospital number, the NHS number rules, and the demographics.
import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { hospitalNumber, mapPatient } from './adt-patient.ts';
import { segment } from './hl7-writer.ts';

function pid(fields: Record<number, string>, pd1?: Record<number, string>) {
  const text = [segment('MSH', { 9: 'ADT^A01' }), segment('PID', fields), ...(pd1 ? [segment('PD1', pd1)] : [])].join('\r');
  const message = Hl7Message.parse(text);
  return { pid: message.getSegment('PID'), pd1: message.getSegment('PD1') };
}

const map = (fields: Record<number, string>, pd1?: Record<number, string>) => {
  const s = pid(fields, pd1);
  return mapPatient(s.pid, s.pd1, 'epr-rk5', 'RK5');
};

describe('hospital number', () => {
  it("prefers the sending facility's own number, then MR, then PI, then any local id; never the NHS number", () => {
    expect(hospitalNumber(pid({ 3: '9990000018^^^NHS^NH~X1^^^OTHER^PI~R1^^^RK5^MR' }).pid, 3, 'RK5')).toBe('R1');
    expect(hospitalNumber(pid({ 3: 'P1^^^OTHER^PI~M1^^^OTHER^MR' }).pid, 3, 'RK5')).toBe('M1');
    expect(hospitalNumber(pid({ 3: 'L1^^^OTHER~P1^^^OTHER^PI' }).pid, 3, 'RK5')).toBe('P1');
    expect(hospitalNumber(pid({ 3: '9990000018^^^NHS^NH~L1^^^OTHER' }).pid, 3, 'RK5')).toBe('L1');
  });

  it('refuses a PID-3 with only an NHS number, or none at all', () => {
    for (const fields of [{ 3: '9990000018^^^NHS^NH' }, { 1: '1' }] as Array<Record<number, string>>) {
      expect(() => map(fields)).toThrow(expect.objectContaining({ code: 'INGEST_HL7_REQUIRED', issues: [expect.objectContaining({ expression: ['PID-3'] })] }));
    }
  });
});

describe('NHS number', () => {
  const nhs = (fields: Record<number, string>) => map({ 3: 'R1^^^RK5^MR', ...fields }).patient.identifier?.find((i) => i.system === 'https://fhir.nhs.uk/Id/nhs-number');

  it('is recognised by type NH, authority NHS or the NHS number OID, in PID-3 or PID-2', () => {
    expect(nhs({ 3: 'R1^^^RK5^MR~9990000018^^^NHS^NH' })?.value).toBe('9990000018');
    expect(nhs({ 3: 'R1^^^RK5^MR~9990000018^^^NHS' })?.value).toBe('9990000018');
    expect(nhs({ 3: 'R1^^^RK5^MR~9990000018^^^&2.16.840.1.113883.2.1.4.1&ISO' })?.value).toBe('9990000018');
    expect(nhs({ 2: '9990000026^^^NHS^NH' })?.value).toBe('9990000026');
  });

  it('carries the verification status from PID-32 (NSTS01…08), else 02 "present but not traced"', () => {
    const status = (fields: Record<number, string>) => nhs({ 3: 'R1^^^RK5^MR~9990000018^^^NHS^NH', ...fields })?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code;
    expect(status({ 32: 'NSTS01' })).toBe('01');
    expect(status({ 32: 'AL~NSTS04' })).toBe('04');
    expect(status({ 32: '03' })).toBe('03');
    expect(status({})).toBe('02');
    expect(status({ 32: 'NSTS09' })).toBe('02');
  });

  it('refuses a number that fails Modulus 11, naming the repetition', () => {
    expect(() => map({ 3: 'R1^^^RK5^MR~9990000019^^^NHS^NH' }))
      .toThrow(expect.objectContaining({ code: 'INGEST_HL7_NHS_NUMBER', issues: [expect.objectContaining({ expression: ['PID-3[2]'] })] }));
  });

  it('takes ten repeated digits as "no NHS number", not an error', () => {
    expect(nhs({ 3: 'R1^^^RK5^MR~9999999999^^^NHS^NH' })).toBeUndefined();
  });
});

describe('demographics', () => {
  it('maps names, sex, birth date, addresses, phones, email, ethnic category and GP practice', () => {
    const { patient, mrn } = map({
      3: 'R1^^^RK5^MR', 5: 'SMITH^Jo^Ann Marie^Jr^Ms^^L~JONES^Jo^^^^^M', 7: '19800229', 8: 'F',
      11: '1 High St^Flat 2^Leeds^West Yorkshire^LS1 1AA^GBR^H~PO Box 5^^Leeds^^LS2 2BB^^M',
      13: '0113 496 0000^PRN^PH~07700 900000^PRN^CP~^NET^Internet^jo@example.com', 14: '0113 496 0001^WPN^PH', 22: 'R',
    }, { 3: 'Leeds Surgery^^^^^^^^^B86001' });
    expect(mrn).toBe('R1');
    expect(patient).toMatchObject({
      name: [{ use: 'official', family: 'SMITH', given: ['Jo', 'Ann', 'Marie'], prefix: ['Ms'], suffix: ['Jr'] }, { use: 'maiden', family: 'JONES', given: ['Jo'] }],
      gender: 'female', birthDate: '1980-02-29',
      address: [{ use: 'home', line: ['1 High St', 'Flat 2'], city: 'Leeds', district: 'West Yorkshire', postalCode: 'LS1 1AA', country: 'GBR' },
        { type: 'postal', line: ['PO Box 5'], city: 'Leeds', postalCode: 'LS2 2BB' }],
      telecom: [{ system: 'phone', value: '0113 496 0000', use: 'home' }, { system: 'phone', value: '07700 900000', use: 'mobile' },
        { system: 'email', value: 'jo@example.com', use: 'home' }, { system: 'phone', value: '0113 496 0001', use: 'work' }],
      extension: [{ valueCodeableConcept: { coding: [{ code: 'R', display: 'Other Ethnic Groups - Chinese' }] } }],
      generalPractitioner: [{ type: 'Organization', identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'B86001' }, display: 'Leeds Surgery' }],
    });
  });

  it('maps death by date (PID-29) or indicator (PID-30)', () => {
    expect(map({ 3: 'R1', 29: '202401021530' }).patient.deceasedDateTime).toBe('2024-01-02T15:30:00+00:00');
    expect(map({ 3: 'R1', 30: 'Y' }).patient.deceasedBoolean).toBe(true);
    expect(map({ 3: 'R1', 30: 'N' }).patient).not.toHaveProperty('deceasedBoolean');
  });

  it('leaves out codes that are not England ethnic categories, and reads unknown sex codes as unknown', () => {
    const { patient } = map({ 3: 'R1', 8: 'X', 22: '2106-3' });
    expect(patient.extension).toBeUndefined();
    expect(patient.gender).toBe('unknown');
  });

  it('refuses a malformed date of birth', () => {
    expect(() => map({ 3: 'R1', 7: '1980-02-30' })).toThrow(expect.objectContaining({ code: 'INGEST_HL7_DATE' }));
  });

  it('refuses a message without PID', () => {
    expect(() => mapPatient(undefined, undefined, 'epr-rk5', 'RK5')).toThrow(expect.objectContaining({ code: 'INGEST_HL7_SEGMENT' }));
  });
});
