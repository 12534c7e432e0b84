import type { Patient, QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { sourceResourceId } from '../provenance.ts';
import { identifierKind, mapReferences, originalKey, referenceKey, stampedReference, stampFromSource, withoutForeignMeta } from './source-stamp.ts';

loadDefinitions();

describe('source stamping', () => {
  it('names identifier kinds after the type in kebab case', () => {
    expect(identifierKind('Patient')).toBe('patient');
    expect(identifierKind('AllergyIntolerance')).toBe('allergy-intolerance');
  });

  it('keys a resource by id, then entry urn:uuid, then first identifier, then content', () => {
    expect(originalKey({ resourceType: 'Patient', id: 'p1' })).toBe('Patient/p1');
    expect(originalKey({ resourceType: 'Patient' }, 'urn:uuid:AB5B1C2D-0000-4000-8000-000000000001')).toBe('Patient/urn:uuid:ab5b1c2d-0000-4000-8000-000000000001');
    expect(originalKey({ resourceType: 'Patient', identifier: [{ system: 's', value: 'v' }] })).toBe('Patient/identifier:s|v');
    const a = originalKey({ resourceType: 'Patient', gender: 'male' });
    expect(a).toMatch(/^Patient\/content:[0-9a-f]{64}$/);
    expect(originalKey({ resourceType: 'Patient', gender: 'male' })).toBe(a);
    expect(originalKey({ resourceType: 'Patient', gender: 'female' })).not.toBe(a);
  });

  it('reads Type/id keys from relative references only', () => {
    expect(referenceKey('Patient/p1')).toBe('Patient/p1');
    expect(referenceKey('Patient/p1/_history/3')).toBe('Patient/p1');
    expect(referenceKey('http://elsewhere/fhir/Patient/p1')).toBeUndefined();
    expect(referenceKey('Nonsense/p1')).toBeUndefined();
    expect(referenceKey('urn:uuid:ab5b1c2d-0000-4000-8000-000000000001')).toBeUndefined();
  });

  it('maps every reference with its FHIRPath, leaving other values alone', () => {
    const seen: string[] = [];
    const out = mapReferences(
      { resourceType: 'Observation', subject: { reference: 'Patient/1' }, performer: [{ reference: 'Practitioner/2' }, { display: 'x' }], note: [{ text: 'reference' }] },
      (ref, path) => {
        seen.push(path);
        return ref === 'Patient/1' ? 'Patient/new' : undefined;
      },
      'Observation',
    );
    expect(out.subject.reference).toBe('Patient/new');
    expect(out.performer[0]!.reference).toBe('Practitioner/2');
    expect(seen).toEqual(['Observation.subject.reference', 'Observation.performer[0].reference']);
  });

  it('stamps the stable id and meta.source and keeps the original id as an identifier', () => {
    const stamped = stampFromSource<Patient>({ resourceType: 'Patient', id: 'p1', identifier: [{ system: 'x', value: '1' }] }, 'gp-test', 'Patient/p1');
    expect(stamped.id).toBe(sourceResourceId('gp-test', 'Patient/p1', 'Patient'));
    expect(`Patient/${stamped.id}`).toBe(stampedReference('gp-test', 'Patient/p1'));
    expect(stamped.meta?.source).toBe('urn:sharedcare:source:gp-test');
    expect(stamped.identifier).toEqual([{ system: 'x', value: '1' }, { system: 'urn:sharedcare:id:gp-test:patient', value: 'p1' }]);
    // A resource that already carries its source identifier does not get it twice.
    const again = stampFromSource<Patient>({ resourceType: 'Patient', id: 'p1', identifier: stamped.identifier }, 'gp-test', 'Patient/p1');
    expect(again.identifier).toEqual(stamped.identifier);
  });

  it('respects types whose identifier is single or absent, and adds none without an original id', () => {
    expect(stampFromSource<QuestionnaireResponse>({ resourceType: 'QuestionnaireResponse', id: 'q', status: 'completed' }, 's', 'QuestionnaireResponse/q').identifier)
      .toEqual({ system: 'urn:sharedcare:id:s:questionnaire-response', value: 'q' });
    expect(stampFromSource<QuestionnaireResponse>({ resourceType: 'QuestionnaireResponse', id: 'q', status: 'completed', identifier: { value: 'own' } }, 's', 'k').identifier)
      .toEqual({ value: 'own' });
    expect('identifier' in stampFromSource({ resourceType: 'Binary', id: 'b', contentType: 'text/plain' }, 's', 'Binary/b')).toBe(false);
    expect(stampFromSource<Patient>({ resourceType: 'Patient' }, 's', 'Patient/content:x').identifier).toBeUndefined();
  });

  it("drops the exporting server's versionId and lastUpdated but keeps profiles and tags", () => {
    expect(withoutForeignMeta({ resourceType: 'Patient', meta: { versionId: '3', lastUpdated: '2020-01-01T00:00:00Z', profile: ['p'] } }))
      .toEqual({ resourceType: 'Patient', meta: { profile: ['p'] } });
    expect(withoutForeignMeta({ resourceType: 'Patient', meta: { versionId: '3' } })).toEqual({ resourceType: 'Patient' });
  });
});
