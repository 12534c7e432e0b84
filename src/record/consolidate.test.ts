// Grouping into consolidated entries: the representative, every reporter oldest first, conflicts
// with who said what, and grouping that does not depend on the order resources arrive in.
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { DMD_SYSTEM, SNOMED_SYSTEM } from '../fhir/systems.ts';
import { toClinicalItem, type ClinicalItem } from './clinical-item.ts';
import { consolidate } from './consolidate.ts';

const GP = 'urn:sharedcare:source:emis-f84001';
const HOSPITAL = 'urn:sharedcare:source:epr-rqx';
const ADT = 'urn:sharedcare:source:pas-rqx';
const amlodipine = { coding: [{ system: DMD_SYSTEM, code: '319283006', display: 'Amlodipine 5mg tablets' }] };

function item(resource: Record<string, unknown>, source: string, lastUpdated: string, patient = 'Patient/p1'): ClinicalItem {
  const about = resource.resourceType === 'AllergyIntolerance' ? { patient: { reference: patient } } : { subject: { reference: patient } };
  return toClinicalItem({ ...resource, ...about, meta: { source, lastUpdated } } as unknown as Resource)!;
}

const gpRepeat = item({ resourceType: 'MedicationRequest', id: 'gp-aml', status: 'active', intent: 'order', medicationCodeableConcept: amlodipine,
  authoredOn: '2023-01-10', dosageInstruction: [{ text: 'Two tablets once a day' }] }, GP, '2023-01-10T09:00:00Z', 'Patient/gp');
const onAdmission = item({ resourceType: 'MedicationStatement', id: 'hosp-aml', status: 'active', medicationCodeableConcept: amlodipine,
  effectiveDateTime: '2024-05-02', dateAsserted: '2024-05-02', dosage: [{ text: 'One tablet once a day' }] }, HOSPITAL, '2024-05-02T11:00:00Z', 'Patient/gp');
const atDischarge = item({ resourceType: 'MedicationStatement', id: 'adt-aml', status: 'active', medicationCodeableConcept: amlodipine,
  effectiveDateTime: '2024-05-09', dosage: [{ text: 'one tablet once a day.' }] }, ADT, '2024-05-09T16:00:00Z', 'Patient/hospital');
const ramipril = item({ resourceType: 'MedicationRequest', id: 'gp-ram', status: 'active', intent: 'order',
  medicationCodeableConcept: { coding: [{ system: DMD_SYSTEM, code: '318906001' }] }, authoredOn: '2022-06-01' }, GP, '2022-06-01T09:00:00Z', 'Patient/gp');
const condition = (id: string, source: string, status: string, updated: string) => item({ resourceType: 'Condition', id,
  code: { coding: [{ system: SNOMED_SYSTEM, code: '38341003' }] }, clinicalStatus: { coding: [{ code: status }] }, onsetDateTime: '2018-04-01' }, source, updated);

describe('consolidate', () => {
  const entries = consolidate([ramipril, atDischarge, gpRepeat, onAdmission]);
  const amlodipineEntry = entries.find((e) => e.representative.codes.includes(`${DMD_SYSTEM}|319283006`))!;

  it('makes one entry per medicine, standing for every source that reported it', () => {
    expect(entries).toHaveLength(2);
    expect(amlodipineEntry.members.map((m) => m.reference)).toEqual(['MedicationRequest/gp-aml', 'MedicationStatement/hosp-aml', 'MedicationStatement/adt-aml']);
    expect(amlodipineEntry.members.map((m) => m.reportedBy.source)).toEqual(['emis-f84001', 'epr-rqx', 'pas-rqx']);
    expect(entries.find((e) => e !== amlodipineEntry)!.members.map((m) => m.reference)).toEqual(['MedicationRequest/gp-ram']);
  });

  it('shows the most recently updated member, keeping its own resource type', () => {
    expect(amlodipineEntry.representative.reference).toBe('MedicationStatement/adt-aml');
    expect(amlodipineEntry.representative.resource.resourceType).toBe('MedicationStatement');
  });

  it('keeps a dose disagreement as a conflict, each distinct value with who said it', () => {
    expect(amlodipineEntry.conflicts).toEqual([{
      element: 'dosage',
      values: [
        { text: 'Two tablets once a day', reportedBy: [gpRepeat.reportedBy] },
        { text: 'One tablet once a day', reportedBy: [onAdmission.reportedBy, atDischarge.reportedBy] },
      ],
    }]);
    expect(entries.find((e) => e !== amlodipineEntry)!.conflicts).toEqual([]);
  });

  it('groups the same whatever order the items arrive in', () => {
    const key = (list: typeof entries) => list.map((e) => e.members.map((m) => m.reference).join('+')).sort();
    expect(key(consolidate([onAdmission, gpRepeat, atDischarge, ramipril]))).toEqual(key(entries));
    expect(key(consolidate([gpRepeat, ramipril, onAdmission, atDischarge]))).toEqual(key(entries));
  });

  it('shows a clinical status disagreement on a condition', () => {
    const [entry] = consolidate([condition('c1', GP, 'active', '2024-01-01T00:00:00Z'), condition('c2', HOSPITAL, 'resolved', '2024-06-01T00:00:00Z')]);
    expect(entry!.representative.reference).toBe('Condition/c2');
    expect(entry!.conflicts).toEqual([{ element: 'clinicalStatus', values: [
      { text: 'active', reportedBy: [expect.objectContaining({ reference: 'Condition/c1' })] },
      { text: 'resolved', reportedBy: [expect.objectContaining({ reference: 'Condition/c2' })] },
    ] }]);
  });

  it('never puts two resources of one source record in one entry, even through a third', () => {
    const again = item({ resourceType: 'MedicationRequest', id: 'gp-aml-2', status: 'active', intent: 'order', medicationCodeableConcept: amlodipine,
      authoredOn: '2024-04-01' }, GP, '2024-04-01T09:00:00Z', 'Patient/gp');
    const groups = consolidate([gpRepeat, again, onAdmission]).map((e) => e.members.map((m) => m.reference));
    expect(groups).toHaveLength(2);
    for (const g of groups) expect(g.filter((r) => r.startsWith('MedicationRequest/'))).toHaveLength(1);
  });

  it('orders entries by kind (allergies, medications, conditions, immunisations, encounters), latest first', () => {
    const older = condition('old', GP, 'active', '2020-01-01T00:00:00Z');
    const newer = item({ resourceType: 'Condition', id: 'new', code: { coding: [{ system: SNOMED_SYSTEM, code: '44054006' }] }, onsetDateTime: '2024-01-01' }, GP, '2024-01-01T00:00:00Z');
    const allergy = item({ resourceType: 'AllergyIntolerance', id: 'a', code: { coding: [{ system: SNOMED_SYSTEM, code: '91936005' }] } }, GP, '2020-01-01T00:00:00Z');
    expect(consolidate([older, gpRepeat, newer, allergy]).map((e) => e.representative.reference))
      .toEqual(['AllergyIntolerance/a', 'MedicationRequest/gp-aml', 'Condition/new', 'Condition/old']);
  });
});
