// The synthetic population generator's public API: a deterministic stream of FHIR transaction Bundles
// (shared organisations and staff first, then one per person) and a writer that saves them as files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { addClinicalRecord, topUpHeavyRecord } from './clinical.ts';
import type { RecordContext } from './clinical-resources.ts';
import { DEFAULT_AS_OF, dayOf } from './dates.ts';
import { NhsNumberSequence } from './nhs-number-sequence.ts';
import { buildDirectory, type Directory } from './organisations.ts';
import { createPerson, patientResource } from './person.ts';
import { PersonBundle } from './person-bundle.ts';
import { Random } from './random.ts';
import { addSocialCareRecord, planSocialCare } from './social-care.ts';

export interface GenerateOptions {
  people: number;
  seed: number;
  /** People with ~300 resources each, spread evenly through the population; default 0. */
  heavyPeople?: number;
}

/** Checks options, throwing a RangeError that names the bad one. */
export function checkGenerateOptions(options: GenerateOptions): void {
  const { people, seed, heavyPeople = 0 } = options;
  if (!Number.isSafeInteger(people) || people < 0) throw new RangeError(`people must be a whole number ≥ 0, got ${people}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
  if (!Number.isSafeInteger(heavyPeople) || heavyPeople < 0 || heavyPeople > people) {
    throw new RangeError(`heavyPeople must be a whole number between 0 and people (${people}), got ${heavyPeople}`);
  }
}

/** First bundle: shared organisations/practitioners; then one transaction Bundle per person. */
export function* generatePopulation(options: GenerateOptions): Generator<Bundle> {
  checkGenerateOptions(options);
  const { people, seed, heavyPeople = 0 } = options;
  const directory = buildDirectory(seed);
  yield sharedBundle(directory.resources);
  const nhsNumbers = new NhsNumberSequence(seed);
  const asOfDay = dayOf(DEFAULT_AS_OF);
  for (let index = 0; index < people; index++) {
    // Exactly heavyPeople indexes, evenly spaced.
    const heavy = Math.floor(((index + 1) * heavyPeople) / people) > Math.floor((index * heavyPeople) / people);
    yield personBundle({ seed, index, directory, asOfDay, nhsNumbers, heavy });
  }
}

/** Shared resources are PUT to fixed ids (e.g. Organization/ods-C84001) so person bundles can reference them. */
function sharedBundle(resources: readonly Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } })),
  };
}

interface PersonSpec {
  readonly seed: number;
  readonly index: number;
  readonly directory: Directory;
  readonly asOfDay: number;
  readonly nhsNumbers: NhsNumberSequence;
  readonly heavy: boolean;
}

function personBundle(spec: PersonSpec): Bundle {
  // Separate streams per person (and for UUIDs) so one person's draws never shift another's.
  const random = new Random(spec.seed, 1, spec.index);
  const bundle = new PersonBundle(new Random(spec.seed, 2, spec.index));
  const person = createPerson(random, spec);
  const plan = planSocialCare(random, person);
  const patient = bundle.add(patientResource(random, person, plan ? [plan.identifier] : []),
    `${person.name.given[0]} ${person.name.family}`);
  const context: RecordContext = { random, person, bundle, patient };
  const conditions = addClinicalRecord(context);
  if (plan) addSocialCareRecord(context, plan, spec.nhsNumbers, conditions);
  if (person.heavy) topUpHeavyRecord(context, conditions);
  return bundle.toBundle();
}

/** File name of the n-th bundle: 0000-shared.json, then 0001.json, 0002.json… (wider when needed). */
export function bundleFileName(n: number, people: number): string {
  const width = Math.max(4, String(people).length);
  return n === 0 ? `${'0'.repeat(width)}-shared.json` : `${String(n).padStart(width, '0')}.json`;
}

/** Writes every bundle as JSON to `outDir/bundles/` and returns how many files and resources were written. */
export async function writePopulation(options: GenerateOptions & { outDir: string }): Promise<{ files: number; resources: number }> {
  checkGenerateOptions(options);
  const dir = join(options.outDir, 'bundles');
  await mkdir(dir, { recursive: true });
  let files = 0;
  let resources = 0;
  for (const bundle of generatePopulation(options)) {
    await writeFile(join(dir, bundleFileName(files, options.people)), JSON.stringify(bundle) + '\n');
    files++;
    resources += bundle.entry?.length ?? 0;
  }
  return { files, resources };
}
