// One person's summary and its Bundle: the records (verified NHS number first, GP practice), the
// consolidated items with reported-by, conflict and count extensions, and the rest passed through.
import type { Bundle, Extension, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  CONSOLIDATED_COUNT_EXTENSION, CONSOLIDATION_CONFLICT_EXTENSION, DMD_SYSTEM, NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, REPORTED_BY_EXTENSION,
} from '../fhir/systems.ts';
import { summaryBundle } from './summary-bundle.ts';
import { summarisePerson } from './summary.ts';

const meta = (source: string, lastUpdated: string) => ({ source: `urn:sharedcare:source:${source}`, lastUpdated });
const nhs = (verified: boolean) => [{ system: NHS_NUMBER_SYSTEM, value: '9990000018', extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION,
  valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: verified ? '01' : '02' }] } }] }];
const amlodipine = { coding: [{ system: DMD_SYSTEM, code: '319283006', display: 'Amlodipine 5mg tablets' }] };

const resources = [
  { resourceType: 'Patient', id: 'council', meta: meta('mosaic-hackney', '2025-03-01T00:00:00Z'), identifier: nhs(false) },
  { resourceType: 'Patient', id: 'gp', meta: meta('emis-f84001', '2025-01-01T00:00:00Z'), identifier: nhs(true), generalPractitioner: [{ reference: 'Organization/f84001' }] },
  { resourceType: 'MedicationRequest', id: 'mr', meta: meta('emis-f84001', '2024-01-01T00:00:00Z'), status: 'active', intent: 'order', subject: { reference: 'Patient/gp' },
    medicationCodeableConcept: amlodipine, authoredOn: '2023-01-10', dosageInstruction: [{ text: '10 mg once daily' }] },
  { resourceType: 'MedicationStatement', id: 'ms', meta: meta('epr-rqx', '2024-05-02T00:00:00Z'), status: 'active', subject: { reference: 'Patient/gp' },
    medicationCodeableConcept: amlodipine, effectiveDateTime: '2024-05-02', dateAsserted: '2024-05-02T11:00:00Z', dosage: [{ text: '20 mg once daily' }],
    extension: [{ url: CONSOLIDATED_COUNT_EXTENSION, valueInteger: 99 }] },
  { resourceType: 'EpisodeOfCare', id: 'ep', meta: meta('mosaic-hackney', '2025-03-01T00:00:00Z'), status: 'active', patient: { reference: 'Patient/council' } },
  { resourceType: 'Flag', id: 'fl', meta: meta('mosaic-hackney', '2025-03-02T00:00:00Z'), status: 'active', code: { text: 'key safe' }, subject: { reference: 'Patient/council' } },
] as Resource[];
const shared = [
  { resourceType: 'Organization', id: 'f84001', name: 'Riverside Surgery' },
  { resourceType: 'Practitioner', id: 'dr', name: [{ family: 'Okafor' }] },
] as Resource[];

const sub = (ext: Extension, url: string) => (ext.extension ?? []).filter((e) => e.url === url);

describe('summarisePerson', () => {
  const summary = summarisePerson(resources, shared);

  it('lists the records with the verified NHS number first, and the GP practice each names', () => {
    expect(summary.patients.map((p) => [p.reportedBy.reference, p.nhsNumberVerified, p.gpPractice?.reference])).toEqual([
      ['Patient/gp', true, 'Organization/f84001'],
      ['Patient/council', false, undefined],
    ]);
    expect(summary.practices.map((o) => o.id)).toEqual(['f84001']);
  });

  it('consolidates the clinical items and passes the rest through', () => {
    expect(summary.items).toHaveLength(1);
    expect(summary.others.map((o) => o.reportedBy.reference)).toEqual(['EpisodeOfCare/ep', 'Flag/fl']);
  });
});

describe('summaryBundle', () => {
  const bundle: Bundle = summaryBundle(summarisePerson(resources, shared), 'http://sharedcare.test/fhir', new Date('2025-06-01T12:00:00Z'));
  const entries = bundle.entry ?? [];

  it('is a collection: records first, then items, the rest, and the GP practice', () => {
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection', timestamp: '2025-06-01T12:00:00.000Z' });
    expect(entries.map((e) => e.fullUrl)).toEqual([
      'http://sharedcare.test/fhir/Patient/gp', 'http://sharedcare.test/fhir/Patient/council', 'http://sharedcare.test/fhir/MedicationStatement/ms',
      'http://sharedcare.test/fhir/EpisodeOfCare/ep', 'http://sharedcare.test/fhir/Flag/fl', 'http://sharedcare.test/fhir/Organization/f84001',
    ]);
  });

  it('says who reported each item and when, how many resources it stands for, and where the sources disagree', () => {
    const med = entries[2]!.resource as Resource & { extension: Extension[] };
    const reportedBy = med.extension.filter((e) => e.url === REPORTED_BY_EXTENSION);
    expect(reportedBy.map((e) => sub(e, 'source')[0]!.valueString)).toEqual(['emis-f84001', 'epr-rqx']);
    expect(reportedBy[0]!.extension).toEqual([
      { url: 'source', valueString: 'emis-f84001' },
      { url: 'reference', valueReference: { reference: 'MedicationRequest/mr' } },
      { url: 'lastUpdated', valueInstant: '2024-01-01T00:00:00Z' },
      { url: 'recorded', valueDateTime: '2023-01-10' },
    ]);
    // The source's own copy of our extension is replaced, never trusted.
    expect(med.extension.filter((e) => e.url === CONSOLIDATED_COUNT_EXTENSION)).toEqual([{ url: CONSOLIDATED_COUNT_EXTENSION, valueInteger: 2 }]);
    const [conflict] = med.extension.filter((e) => e.url === CONSOLIDATION_CONFLICT_EXTENSION);
    expect(sub(conflict!, 'element')).toEqual([{ url: 'element', valueString: 'dosage' }]);
    const said = sub(conflict!, 'value').map((v) => [sub(v, 'text')[0]!.valueString, sub(v, 'source').map((s) => s.valueString), sub(v, 'reference').map((r) => r.valueReference?.reference)]);
    expect(said).toEqual([['10 mg once daily', ['emis-f84001'], ['MedicationRequest/mr']], ['20 mg once daily', ['epr-rqx'], ['MedicationStatement/ms']]]);
  });

  it('gives records and passed-through resources one reported-by each', () => {
    for (const e of entries.slice(0, 2).concat(entries.slice(3, 5))) {
      const ext = (e.resource as { extension?: Extension[] }).extension ?? [];
      expect(ext.filter((x) => x.url === REPORTED_BY_EXTENSION)).toHaveLength(1);
      expect(ext.filter((x) => x.url === CONSOLIDATED_COUNT_EXTENSION)).toHaveLength(0);
    }
  });
});
