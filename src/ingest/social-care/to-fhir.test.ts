// The mapping contract: record → FHIR → record is the identity for every field of every record type,
// every resource produced is valid R4 + UK Core, and ids, identifiers and references follow provenance.
import type { Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordArb } from '../../../test/support/social-care-records.ts';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { FhirError } from '../../fhir/errors.ts';
import { assertValidResource } from '../../fhir/validate.ts';
import { sourceReference, sourceResourceId, sourceUri } from '../provenance.ts';
import { identifierKindOf, recordKey, ResourceIndex } from './fhir-parts.ts';
import { recordFromFhir } from './from-fhir.ts';
import { referencedRecords } from './record-rules.ts';
import { RECORD_TYPES, type RecordType, type SharedRecordType, type SocialCareRecord } from './records.ts';
import { recordToFhir } from './to-fhir.ts';

const SOURCE = 'mosaic-testshire';
const STUB_TYPES = ['Patient', 'RelatedPerson', 'EpisodeOfCare', 'Condition', 'ServiceRequest', 'CareTeam', 'Organization', 'Practitioner', 'PractitionerRole'];

/** Stand-ins for the other records a record refers to, carrying the identifiers to-fhir would give them. */
function referencedStubs(record: SocialCareRecord): Resource[] {
  const refs: Array<[RecordType | SharedRecordType, string]> = referencedRecords(record).map((r) => [r.type, r.id]);
  return refs.flatMap(([type, id]) => STUB_TYPES.map((resourceType) => ({
    resourceType, id: sourceResourceId(SOURCE, recordKey(type, id), resourceType),
    identifier: [{ system: `urn:sharedcare:id:${SOURCE}:${identifierKindOf(type)}`, value: id }],
  }) as Resource));
}

function roundTrip(record: SocialCareRecord): { back: SocialCareRecord; resources: Resource[] } {
  const mapped = recordToFhir(record, SOURCE);
  const resources = mapped.flatMap((m) => m.resources);
  const index = new ResourceIndex([...referencedStubs(record), ...resources]);
  return { back: recordFromFhir(record.recordType, mapped[0]!.resources, SOURCE, index), resources };
}

describe('social-care record ↔ FHIR', () => {
  beforeAll(() => {
    loadDefinitions();
  });

  for (const type of RECORD_TYPES) {
    it(`${type}: record → FHIR → record is the identity, and the FHIR is valid`, () => {
      fc.assert(fc.property(recordArb(type), (record) => {
        const { back, resources } = roundTrip(record);
        expect(back).toEqual(record);
        for (const resource of resources) {
          try {
            assertValidResource(resource);
          } catch (err) {
            throw new Error(`${resource.resourceType} invalid: ${JSON.stringify((err as FhirError).issues)}\n${JSON.stringify(resource)}`);
          }
        }
      }), { numRuns: 150 });
    });
  }

  it('gives every resource a stable id from its record, meta.source and the source identifier', () => {
    fc.assert(fc.property(recordArb('allocation'), (record) => {
      const mapped = recordToFhir(record, SOURCE);
      expect(mapped.map((m) => m.recordType).slice(0, 2)).toEqual(['allocation', 'team']);
      for (const m of mapped) {
        for (const resource of m.resources) {
          expect(resource.meta?.source).toBe(sourceUri(SOURCE));
          expect(resource.id).toBe(sourceResourceId(SOURCE, recordKey(m.recordType as RecordType, m.localId), resource.resourceType));
          const identifiers = (resource as { identifier?: Array<{ system?: string; value?: string }> }).identifier ?? [];
          expect(identifiers).toContainEqual({ system: `urn:sharedcare:id:${SOURCE}:${identifierKindOf(m.recordType as RecordType)}`, value: m.localId });
        }
      }
      // The same record always maps to the same resources.
      expect(recordToFhir(record, SOURCE)).toEqual(mapped);
    }), { numRuns: 30 });
  });

  it('refers to other records of the source by their stable ids, and to councils and GP practices by national code', () => {
    const [episode, condition] = recordToFhir({
      recordType: 'episode', caseNumber: 'C1', personId: 'P1', episodeType: 'adult-social-care', status: 'open', startDate: '2024-01-02',
      laCode: 'E10000024', allocationId: 'A1', careManagerId: 'W1', supportReason: 'MHS', supportReasonRecordedBy: 'W1',
    }, SOURCE)[0]!.resources as [Resource & Record<string, any>, Resource & Record<string, any>];
    expect(episode.patient).toEqual({ reference: sourceReference(SOURCE, 'person/P1', 'Patient') });
    expect(episode.team).toEqual([{ reference: sourceReference(SOURCE, 'allocation/A1', 'CareTeam') }]);
    expect(episode.careManager).toEqual({ reference: sourceReference(SOURCE, 'worker/W1', 'Practitioner') });
    expect(episode.managingOrganization).toEqual({ type: 'Organization', identifier: { system: 'http://statistics.data.gov.uk/id/statistical-geography', value: 'E10000024' } });
    expect(episode.diagnosis).toEqual([{ condition: { reference: `Condition/${condition.id}` }, rank: 1 }]);
    expect(condition.asserter).toEqual({ reference: sourceReference(SOURCE, 'worker/W1', 'PractitionerRole') });
  });

  it('an inverse without the record\'s own id fails loudly rather than inventing one', () => {
    const [patient] = recordToFhir({ recordType: 'person', clientId: 'P9', givenName1: 'Ann', familyName: 'Lee', gender: 'female', birthDate: '1950-01-01' },
      SOURCE)[0]!.resources;
    expect(() => recordFromFhir('person', [patient!], 'another-source', new ResourceIndex())).toThrow(/client id/);
  });
});
