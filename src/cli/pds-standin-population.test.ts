// The stand-in's spine holds exactly the generator's people under the generator's NHS numbers,
// is the same for the same seed, and has its restricted, superseded and invalidated records.
import type { Patient, RelatedPerson } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber } from '../fhir/nhs-number.ts';
import { NHS_NUMBER_SYSTEM } from '../fhir/systems.ts';
import { isRestricted } from '../identity/pds/spine-codes.ts';
import { generatePopulation } from './generate/generate-population.ts';
import { buildStandinPopulation } from './pds-standin-population.ts';

const options = { people: 150, seed: 11 };
const built = buildStandinPopulation(options);

function generatedPeople(): Array<Patient | RelatedPerson> {
  return [...generatePopulation(options)].slice(1).flatMap((b) => (b.entry ?? []).map((e) => e.resource!))
    .filter((r): r is Patient | RelatedPerson => r.resourceType === 'Patient' || r.resourceType === 'RelatedPerson');
}
const nhsOf = (r: Patient | RelatedPerson) => r.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;

describe('buildStandinPopulation', () => {
  it('puts every generated person with an NHS number on the spine under that number', () => {
    const people = generatedPeople().filter((r) => nhsOf(r));
    expect(people.length).toBeGreaterThan(options.people * 0.9);
    for (const person of people) {
      const found = built.population.lookup(nhsOf(person)!);
      expect(found.kind).toBe('found');
      if (found.kind !== 'found') continue;
      expect(found.record.patient.birthDate).toBe(person.birthDate);
      expect(found.record.patient.name?.[0]?.family).toBe(person.name?.[0]?.family);
    }
  });

  it('gives the people sources hold no number for a fresh, valid number nobody else has', () => {
    const taken = new Set(generatedPeople().map(nhsOf).filter(Boolean));
    const unnumbered = generatedPeople().filter((r) => r.resourceType === 'Patient' && !nhsOf(r)).length;
    expect(built.unnumbered).toHaveLength(unnumbered);
    for (const { nhsNumber } of built.unnumbered) {
      expect(isValidNhsNumber(nhsNumber)).toBe(true);
      expect(taken.has(nhsNumber)).toBe(false);
    }
  });

  it('has restricted, superseded and invalidated records that behave as such', () => {
    expect(built.restricted.length).toBeGreaterThan(0);
    for (const nhs of built.restricted) {
      const found = built.population.lookup(nhs);
      expect(found.kind === 'found' && isRestricted(found.record.patient)).toBe(true);
    }
    expect(built.superseded.length).toBeGreaterThan(0);
    for (const { old, current } of built.superseded) {
      const found = built.population.lookup(old);
      expect(found.kind === 'found' && found.record.patient.id).toBe(current);
      expect(built.population.patients.some((p) => p.patient.id === old)).toBe(false);
    }
    for (const nhs of built.invalidated) expect(built.population.lookup(nhs).kind).toBe('invalidated');
    const restrictedAndSuperseded = built.superseded.filter((s) => built.restricted.includes(s.current));
    expect(restrictedAndSuperseded).toEqual([]);
  });

  it('is the same for the same seed and different for another', () => {
    const again = buildStandinPopulation(options);
    expect(again.population.patients.map((p) => p.patient)).toEqual(built.population.patients.map((p) => p.patient));
    expect([again.restricted, again.superseded, again.invalidated]).toEqual([built.restricted, built.superseded, built.invalidated]);
    const other = buildStandinPopulation({ ...options, seed: 12 });
    expect(other.population.patients.map((p) => p.patient.id)).not.toEqual(built.population.patients.map((p) => p.patient.id));
  });
});
