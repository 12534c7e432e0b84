// Every row of the de-duplication rules, with its near misses: same code but dates apart, different
// codes, no code, one source record, entered-in-error.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { DMD_SYSTEM, SNOMED_SYSTEM } from '../fhir/systems.ts';
import { toClinicalItem, type ClinicalItem } from './clinical-item.ts';
import { DEDUPE_RULES, sameItem, spansOverlap } from './dedupe-rules.ts';

const GP = 'urn:sharedcare:source:emis-f84001';
const HOSPITAL = 'urn:sharedcare:source:epr-rqx';
const dmd = (code: string, display: string) => ({ coding: [{ system: DMD_SYSTEM, code, display }], text: display });
const sct = (code: string, display = code) => ({ coding: [{ system: SNOMED_SYSTEM, code, display }] });
const AMLODIPINE = dmd('319283006', 'Amlodipine 5mg tablets');
const RAMIPRIL = dmd('318906001', 'Ramipril 5mg capsules');

let n = 0;
function item(resource: Record<string, unknown>, source = GP, patient = 'Patient/p1'): ClinicalItem {
  const r = { id: `r${++n}`, meta: { source, lastUpdated: '2025-01-01T00:00:00Z' }, ...resource } as Record<string, unknown>;
  if (r.resourceType === 'AllergyIntolerance' || r.resourceType === 'Immunization') r.patient = { reference: patient };
  else r.subject = { reference: patient };
  return toClinicalItem(r as unknown as Resource)!;
}

const prescription = (concept: object, authoredOn: string, status = 'active', dose = 'One tablet once a day') =>
  ({ resourceType: 'MedicationRequest', status, intent: 'order', medicationCodeableConcept: concept, authoredOn, dosageInstruction: [{ text: dose }] });
const statement = (concept: object, effectiveDateTime: string, dose = 'One tablet once a day') =>
  ({ resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: concept, effectiveDateTime, dosage: [{ text: dose }] });
const condition = (code: string, onset?: string, abatement?: string, clinicalStatus = abatement ? 'resolved' : 'active') => ({
  resourceType: 'Condition', code: sct(code), clinicalStatus: { coding: [{ code: clinicalStatus }] },
  ...(onset ? { onsetDateTime: onset } : {}), ...(abatement ? { abatementDateTime: abatement } : {}),
});
const allergy = (code: string | undefined, recordedDate: string) =>
  ({ resourceType: 'AllergyIntolerance', ...(code ? { code: sct(code) } : { code: { text: 'penicillin' } }), recordedDate });
const vaccination = (code: string, occurrenceDateTime?: string) =>
  ({ resourceType: 'Immunization', status: 'completed', vaccineCode: sct(code), ...(occurrenceDateTime ? { occurrenceDateTime } : {}) });
const stay = (classCode: string, start: string, end?: string, status = end ? 'finished' : 'in-progress', type?: string) => ({
  resourceType: 'Encounter', status, class: { code: classCode }, period: { start, ...(end ? { end } : {}) }, ...(type ? { type: [sct(type)] } : {}),
});

/** [row, first resource, second resource, one item?]: the second always from another source unless the row says so. */
const ROWS: Array<[string, object, object, boolean]> = [
  ['medication: GP repeat + hospital medicines on admission, same dm+d code', prescription(AMLODIPINE, '2023-01-10'), statement(AMLODIPINE, '2024-05-02'), true],
  ['medication: a different dose is still one item', prescription(AMLODIPINE, '2023-01-10'), statement(AMLODIPINE, '2024-05-02', 'Two tablets once a day'), true],
  ['medication: same name, no shared code', prescription({ text: 'Amlodipine 5mg Tablets' }, '2023-01-10'), statement({ text: 'amlodipine 5mg tablets.' }, '2024-05-02'), true],
  ['medication: within 28 days of a finished course', prescription(AMLODIPINE, '2024-03-01', 'completed'), statement(AMLODIPINE, '2024-03-20'), true],
  ['medication (near miss): same code, course finished long before', prescription(AMLODIPINE, '2022-01-01', 'completed'), statement(AMLODIPINE, '2024-05-02'), false],
  ['medication (near miss): started after the hospital saw it, beyond 28 days', prescription(AMLODIPINE, '2024-08-01'), statement(AMLODIPINE, '2024-05-02'), false],
  ['medication (near miss): different codes and names', prescription(AMLODIPINE, '2023-01-10'), statement(RAMIPRIL, '2024-05-02'), false],
  ['medication (near miss): no code and no name', prescription({}, '2023-01-10'), statement({}, '2024-05-02'), false],
  ['allergy: same substance code, years apart', allergy('764146007', '2015-01-01'), allergy('764146007', '2024-01-01'), true],
  ['allergy (near miss): different substance', allergy('764146007', '2015-01-01'), allergy('91936005', '2015-01-01'), false],
  ['allergy (near miss): no code is never merged', allergy(undefined, '2015-01-01'), allergy(undefined, '2015-01-01'), false],
  ['condition: open problem overlaps a hospital diagnosis', condition('38341003', '2018-04-01'), condition('38341003', '2024-05-02', '2024-05-20'), true],
  ['condition: unknown onset is open', condition('38341003'), condition('38341003', '2024-05-02'), true],
  ['condition (near miss): same code, episodes years apart', condition('195967001', '2019-01-01', '2019-01-20'), condition('195967001', '2024-05-02', '2024-05-20'), false],
  ['condition (near miss): different codes', condition('38341003', '2018-04-01'), condition('44054006', '2018-04-01'), false],
  ['immunisation: same vaccine the next day', vaccination('1324681000000101', '2021-01-15'), vaccination('1324681000000101', '2021-01-16T09:30:00Z'), true],
  ['immunisation (near miss): same vaccine two days apart', vaccination('1324681000000101', '2021-01-15'), vaccination('1324681000000101', '2021-01-17'), false],
  ['immunisation (near miss): undated', vaccination('1324681000000101'), vaccination('1324681000000101', '2021-01-15'), false],
  ['immunisation (near miss): different vaccines the same day', vaccination('1324681000000101', '2021-01-15'), vaccination('1037311000000106', '2021-01-15'), false],
  ['encounter: ADT stay and the same stay in a bundle', stay('IMP', '2024-05-02T10:00:00Z', '2024-05-09T12:00:00Z', 'finished', '183452005'), stay('IMP', '2024-05-02T10:00:00Z'), true],
  ['encounter (near miss): same class, later the same day', stay('EMER', '2024-05-02T10:00:00Z', '2024-05-02T12:00:00Z'), stay('EMER', '2024-05-02T20:00:00Z', '2024-05-02T23:00:00Z'), false],
  ['encounter (near miss): different class', stay('EMER', '2024-05-02T10:00:00Z', '2024-05-02T12:00:00Z'), stay('IMP', '2024-05-02T10:00:00Z', '2024-05-09T12:00:00Z'), false],
  ['encounter (near miss): types that share no code', stay('AMB', '2024-05-02T10:00:00Z', '2024-05-02T10:20:00Z', 'finished', '11429006'), stay('AMB', '2024-05-02T10:00:00Z', '2024-05-02T10:20:00Z', 'finished', '390906007'), false],
];

describe('sameItem', () => {
  it.each(ROWS)('%s', (_row, a, b, one) => {
    const [x, y] = [item(a as Record<string, unknown>, GP, 'Patient/gp'), item(b as Record<string, unknown>, HOSPITAL, 'Patient/hospital')];
    expect(sameItem(x, y)).toBe(one);
    expect(sameItem(y, x)).toBe(one);
  });

  it('never merges two resources of one source record, however alike', () => {
    const [x, y] = [item(prescription(AMLODIPINE, '2023-01-10')), item(prescription(AMLODIPINE, '2023-01-10'))];
    expect(sameItem(x, y)).toBe(false);
    // The same source system's other record of the person (an ADT feed beside a FHIR bundle) may be merged.
    const z = item(prescription(AMLODIPINE, '2023-01-10'), GP, 'Patient/other-record');
    expect(sameItem(x, z)).toBe(true);
  });

  it('never merges a resource marked entered-in-error', () => {
    const wrong = item({ ...condition('38341003', '2018-04-01'), verificationStatus: { coding: [{ code: 'entered-in-error' }] } }, HOSPITAL);
    expect(sameItem(item(condition('38341003', '2018-04-01')), wrong)).toBe(false);
  });

  it('keeps different kinds apart', () => {
    expect(sameItem(item(condition('38341003', '2018-04-01')), item(allergy('38341003', '2018-04-01'), HOSPITAL))).toBe(false);
  });

  it('has a rule, described in words, for every kind', () => {
    for (const [kind, rule] of Object.entries(DEDUPE_RULES)) {
      expect(rule.kind).toBe(kind);
      expect(rule.description.length).toBeGreaterThan(20);
    }
  });
});

describe('spansOverlap', () => {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`);
  it('treats ends as exclusive and a missing end as open', () => {
    expect(spansOverlap({ start: day('2024-01-01'), end: day('2024-01-02') }, { start: day('2024-01-02'), end: day('2024-01-03') }, 0, true)).toBe(false);
    expect(spansOverlap({ start: day('2024-01-01'), end: day('2024-01-02') }, { start: day('2024-01-02'), end: day('2024-01-03') }, 1, true)).toBe(true);
    expect(spansOverlap({ start: day('2020-01-01') }, { start: day('2024-01-02'), end: day('2024-01-03') }, 0, true)).toBe(true);
    expect(spansOverlap({}, { start: day('2024-01-02') }, 0, false)).toBe(true);
  });
});
