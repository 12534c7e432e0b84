// The synthetic population generator's public API: a deterministic stream of FHIR transaction Bundles
// (shared organisations and staff first, then one per person) and a writer that saves them as files,
// council CSV extracts and hospital ADT feeds.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { writeAdtFeeds } from './adt-feed.ts';
import { addClinicalRecord, topUpHeavyRecord } from './clinical.ts';
import { writeCsvExtracts } from './csv-extract.ts';
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
  const context: RecordContext = { random, person, bundle, patient, variation: new Random(spec.seed, 3, spec.index) };
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

export interface WrittenPopulation {
  /** FHIR transaction Bundles under bundles/. */
  files: number;
  resources: number;
  /** Council extracts under csv/<source>/, in the example supplier profiles, with a few bad rows. */
  csv: { folders: number; files: number; rows: number; badRows: number };
  /** Hospital ADT feeds under hl7/<source>.hl7, with a few bad messages. */
  hl7: { files: number; messages: number };
}

/**
 * Writes the population three ways — FHIR Bundles (`outDir/bundles/`), council CSV extracts
 * (`outDir/csv/`) and hospital HL7 v2 ADT feeds (`outDir/hl7/`) — so demos, tests and benchmarks
 * exercise every way data comes in. The generator is deterministic, so each writer regenerates
 * the stream rather than holding the population in memory.
 */
export async function writePopulation(options: GenerateOptions & { outDir: string }): Promise<WrittenPopulation> {
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
  const csv = await writeCsvExtracts(generatePopulation(options), options.outDir);
  const hl7 = await writeAdtFeeds(generatePopulation(options), options.outDir);
  return { files, resources, csv, hl7 };
}
