// The benchmark's data: one synthetic population, generated before any timing, cut into a warm-up
// slice and one slice of people per ingest mode so no person is loaded twice.
import type { Bundle } from '@medplum/fhirtypes';
import { generatePopulation } from '../src/cli/generate/generate-population.ts';

export interface Dataset {
  shared: Bundle;
  warmup: Bundle[];
  /** One slice per ingest mode, `people` persons each. */
  slices: Bundle[][];
  people: number;
  resources: number;
  generateSeconds: number;
}

export const resourcesIn = (bundle: Bundle): number => bundle.entry?.length ?? 0;

/**
 * `people` persons per slice; each slice has one heavy person (~300 resources) for $everything.
 * The warm-up people come first so the timed slices are identical whatever the warm-up size.
 */
export function buildDataset(options: { people: number; slices: number; warmupPeople: number; seed: number }): Dataset {
  const started = performance.now();
  const { people, slices, warmupPeople, seed } = options;
  const total = warmupPeople + people * slices;
  const all = [...generatePopulation({ people: total, seed, heavyPeople: slices })];
  const [shared, ...persons] = all;
  const warmup = persons.slice(0, warmupPeople);
  const cut = Array.from({ length: slices }, (_, k) => persons.slice(warmupPeople + k * people, warmupPeople + (k + 1) * people));
  return {
    shared: shared!,
    warmup,
    slices: cut,
    people: total,
    resources: all.reduce((s, b) => s + resourcesIn(b), 0),
    generateSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
