// The normalised view of a source resource: codes (SNOMED CT and dm+d first), text, span, facts
// and provenance, for each consolidated kind.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { DMD_SYSTEM, SNOMED_SYSTEM } from '../fhir/systems.ts';
import { codesOf, normaliseText, toClinicalItem } from './clinical-item.ts';
import { periodOf } from './item-period.ts';
import { reportedByOf, sourceIdOf } from './reported-by.ts';

const ms = (value: string) => Date.parse(value);

describe('toClinicalItem', () => {
  it('reads a GP prescription: dm+d code first, dose, open while active, source and recorded date', () => {
    const item = toClinicalItem({
      resourceType: 'MedicationRequest', id: 'mr1', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' },
      meta: { source: 'urn:sharedcare:source:emis-f84001', lastUpdated: '2025-02-01T10:00:00Z' },
      medicationCodeableConcept: { coding: [{ system: 'urn:local', code: 'AML5' }, { system: DMD_SYSTEM, code: '319283006', display: 'Amlodipine 5mg tablets' }] },
      authoredOn: '2023-01-10', dosageInstruction: [{ text: 'One tablet once a day' }],
    })!;
    expect(item).toMatchObject({
      kind: 'medication', reference: 'MedicationRequest/mr1', codes: [`${DMD_SYSTEM}|319283006`, 'urn:local|AML5'], text: 'Amlodipine 5mg tablets',
      period: { start: ms('2023-01-10T00:00:00Z') }, facts: { dosage: 'One tablet once a day' },
      reportedBy: { source: 'emis-f84001', reference: 'MedicationRequest/mr1', lastUpdated: '2025-02-01T10:00:00Z', recorded: '2023-01-10' },
      sourceRecord: 'urn:sharedcare:source:emis-f84001 Patient/p1', enteredInError: false,
    });
    expect(item.period.end).toBeUndefined();
  });

  it('reads a contained Medication and a statement dated by one day', () => {
    const item = toClinicalItem({
      resourceType: 'MedicationStatement', id: 'ms1', status: 'active', subject: { reference: 'Patient/p1' },
      contained: [{ resourceType: 'Medication', id: 'm', code: { coding: [{ system: DMD_SYSTEM, code: '319283006' }], text: 'Amlodipine' } }],
      medicationReference: { reference: '#m' }, effectiveDateTime: '2024-05-02', dosage: [{ text: 'Two tablets' }, { patientInstruction: 'with food' }],
    } as Resource)!;
    expect(item).toMatchObject({ codes: [`${DMD_SYSTEM}|319283006`], text: 'Amlodipine', facts: { dosage: 'Two tablets; with food' },
      period: { start: ms('2024-05-02T00:00:00Z'), end: ms('2024-05-03T00:00:00Z') } });
  });

  it('reads conditions, allergies, immunisations and encounters with the facts sources may disagree on', () => {
    const condition = toClinicalItem({ resourceType: 'Condition', id: 'c', subject: { reference: 'Patient/p' }, code: { coding: [{ system: SNOMED_SYSTEM, code: '38341003', display: 'Hypertension' }] },
      clinicalStatus: { coding: [{ code: 'active' }] }, onsetDateTime: '2018-04' })!;
    expect(condition).toMatchObject({ kind: 'condition', text: 'Hypertension', facts: { clinicalStatus: 'active' }, period: { start: ms('2018-04-01T00:00:00Z') } });
    const allergy = toClinicalItem({ resourceType: 'AllergyIntolerance', id: 'a', patient: { reference: 'Patient/p' }, code: { text: 'Penicillin' }, criticality: 'high',
      clinicalStatus: { coding: [{ code: 'active' }] } } as Resource)!;
    expect(allergy).toMatchObject({ kind: 'allergy', codes: [], text: 'Penicillin', facts: { clinicalStatus: 'active', criticality: 'high' }, sourceRecord: ' Patient/p' });
    const immunisation = toClinicalItem({ resourceType: 'Immunization', id: 'i', status: 'completed', patient: { reference: 'Patient/p' },
      vaccineCode: { coding: [{ system: SNOMED_SYSTEM, code: '1324681000000101' }] }, occurrenceString: 'as a child' })!;
    expect(immunisation).toMatchObject({ kind: 'immunisation', facts: { status: 'completed' }, period: {} });
    const encounter = toClinicalItem({ resourceType: 'Encounter', id: 'e', status: 'in-progress', class: { code: 'IMP', display: 'inpatient encounter' },
      subject: { reference: 'Patient/p' }, period: { start: '2024-05-02T10:00:00Z' } })!;
    expect(encounter).toMatchObject({ kind: 'encounter', classCode: 'IMP', text: 'inpatient encounter', codes: [], period: { start: ms('2024-05-02T10:00:00Z') } });
    expect(encounter.period.end).toBeUndefined();
  });

  it('marks entered-in-error by status or verification status, and leaves other types alone', () => {
    expect(toClinicalItem({ resourceType: 'Immunization', status: 'entered-in-error', vaccineCode: {}, patient: {} } as Resource)!.enteredInError).toBe(true);
    expect(toClinicalItem({ resourceType: 'Condition', subject: {}, verificationStatus: { coding: [{ code: 'entered-in-error' }] } } as Resource)!.enteredInError).toBe(true);
    expect(toClinicalItem({ resourceType: 'Observation', status: 'final', code: {} } as Resource)).toBeUndefined();
  });
});

describe('periodOf', () => {
  it('closes a stopped prescription at its start, and uses bounds or validity periods when given', () => {
    expect(periodOf({ resourceType: 'MedicationRequest', status: 'stopped', intent: 'order', subject: {}, authoredOn: '2023-01-10' } as Resource))
      .toEqual({ start: ms('2023-01-10T00:00:00Z'), end: ms('2023-01-11T00:00:00Z') });
    expect(periodOf({ resourceType: 'MedicationRequest', status: 'completed', intent: 'order', subject: {}, authoredOn: '2023-01-10',
      dispenseRequest: { validityPeriod: { start: '2023-01-10', end: '2023-03-10' } } } as Resource))
      .toEqual({ start: ms('2023-01-10T00:00:00Z'), end: ms('2023-03-11T00:00:00Z') });
    expect(periodOf({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: {}, authoredOn: '2023-01-10',
      dosageInstruction: [{ timing: { repeat: { boundsPeriod: { start: '2023-02-01' } } } }] } as Resource)).toEqual({ start: ms('2023-02-01T00:00:00Z') });
  });

  it('takes abatement as a condition\'s end, open without one', () => {
    expect(periodOf({ resourceType: 'Condition', subject: {}, onsetPeriod: { start: '2019-01-01' }, abatementDateTime: '2019-01-20' } as Resource))
      .toEqual({ start: ms('2019-01-01T00:00:00Z'), end: ms('2019-01-21T00:00:00Z') });
    expect(periodOf({ resourceType: 'Condition', subject: {}, abatementString: 'a while ago' } as Resource)).toEqual({});
  });
});

describe('helpers', () => {
  it('codesOf drops codings without a system or a code, and repeats', () => {
    expect(codesOf([{ coding: [{ code: 'x' }, { system: 's' }, { system: 's', code: 'c' }] }, { coding: [{ system: 's', code: 'c' }] }, undefined])).toEqual(['s|c']);
  });

  it('normaliseText ignores case, punctuation and spacing', () => {
    expect(normaliseText('  Co-careldopa 25mg/100mg  TABLETS. ')).toBe('co careldopa 25mg 100mg tablets');
    expect(normaliseText(undefined)).toBe('');
  });

  it('sourceIdOf names the source system, and keeps other URIs whole', () => {
    expect(sourceIdOf('urn:sharedcare:source:epr-rqx')).toBe('epr-rqx');
    expect(sourceIdOf('urn:sharedcare:derived:identity')).toBe('urn:sharedcare:derived:identity');
    expect(sourceIdOf(undefined)).toBeUndefined();
    expect(reportedByOf({ resourceType: 'Flag', id: 'f', status: 'active', code: {}, subject: {} })).toEqual({ reference: 'Flag/f' });
  });
});
