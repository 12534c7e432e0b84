// The compiled fast path must give exactly what the FHIRPath interpreter gives, for every
// search parameter, on a realistic population.
import { evalFhirPath } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { generatePopulation } from '../../src/cli/generate/generate-population.ts';
import { loadDefinitions } from '../../src/fhir/definitions.ts';
import { createSearchParamRegistry } from '../../src/fhir/search-parameters.ts';
import { rootOf, splitUnion } from '../../src/fhir/search-expression.ts';

const definitions = loadDefinitions();
const registry = createSearchParamRegistry(definitions);

const corpus: Resource[] = [];
for (const bundle of generatePopulation({ people: 40, seed: 3 })) for (const e of bundle.entry ?? []) corpus.push(e.resource!);
corpus.push(
  { resourceType: 'Observation', status: 'final', code: { text: 'bp' }, valueQuantity: { value: 1 }, component: [{ code: { text: 'x' }, valueCodeableConcept: { text: 'y' } }] } as Resource,
  { resourceType: 'Patient', telecom: [{ system: 'phone', value: '0113' }, { system: 'email', value: 'a@b.uk' }], deceasedBoolean: true } as Resource,
  { resourceType: 'Condition', subject: { reference: 'Patient/1' }, onsetPeriod: { start: '2020' }, abatementString: 'gone' } as Resource,
);

describe('compiled search expressions', () => {
  it('compile for nearly every R4 search parameter', () => {
    const all = definitions.resourceTypes.flatMap((t) => registry.list(t));
    expect(all.filter((p) => p.compiled).length / all.length).toBeGreaterThan(0.95);
  });

  it('give the same values as the FHIRPath interpreter on every resource of a population', () => {
    let compared = 0;
    for (const resource of corpus) {
      for (const def of registry.list(resource.resourceType)) {
        if (!def.compiled) continue;
        const expression = splitUnion(
          (definitions.searchParameters(resource.resourceType).find((sp) => sp.code === def.code)!.expression ?? ''),
        )
          .filter((p) => [resource.resourceType, 'Resource', 'DomainResource'].includes(rootOf(p)))
          // The interpreter does not treat `Resource.` as "any resource"; name the type instead.
          .map((p) => p.replace(/^(\(?)(?:Resource|DomainResource)\./, `$1${resource.resourceType}.`))
          // Its `.as(Age)` also passes dateTimes through; `ofType` is the strict form of the same cast.
          .map((p) => p.replace(/\.as\(/g, '.ofType('))
          .join(' | ');
        const expected = evalFhirPath(expression, resource);
        expect(def.values(resource as unknown as Record<string, unknown>), `${resource.resourceType}.${def.code}`).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});
