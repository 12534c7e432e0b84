// `sharedcare generate`: writes a synthetic population as FHIR bundles, council CSV extracts and
// hospital ADT feeds, for demos, tests and benchmarks.
import { parseArgs } from 'node:util';
import { writePopulation } from './generate-population.ts';

export const GENERATE_HELP = `sharedcare generate --people N --seed S --out DIR [--heavy N]

  --people N   number of synthetic people (required)
  --seed S     whole number; the same seed always writes the same bytes (required)
  --out DIR    directory to write (required): DIR/bundles/0000-shared.json, 0001.json, … (FHIR
               transaction Bundles), DIR/csv/<council-system>/ (social-care extracts in the example
               supplier profiles, with manifest.json naming the bad rows put in on purpose) and
               DIR/hl7/<hospital-system>.hl7 (ADT feeds)
  --heavy N    how many of the people get a long record of ~300 resources (default 0)`;

function wholeNumber(name: string, value: string | undefined, required: boolean): number | string {
  if (value === undefined) return required ? `--${name} is required` : 0;
  if (!/^-?\d+$/.test(value.trim())) return `--${name} must be a whole number, got '${value}'`;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : `--${name} is too large: '${value}'`;
}

/** Runs the command; returns the process exit code (2 for bad flags). */
export async function runGenerateCommand(args: string[]): Promise<number> {
  let values: { people?: string; seed?: string; out?: string; heavy?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { people: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, heavy: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usageError((err as Error).message);
  }
  const people = wholeNumber('people', values.people, true);
  const seed = wholeNumber('seed', values.seed, true);
  const heavy = wholeNumber('heavy', values.heavy, false);
  for (const value of [people, seed, heavy]) if (typeof value === 'string') return usageError(value);
  if (!values.out) return usageError('--out is required');
  if ((people as number) < 0) return usageError('--people must not be negative');
  if ((heavy as number) < 0 || (heavy as number) > (people as number)) return usageError('--heavy must be between 0 and --people');

  const started = performance.now();
  const result = await writePopulation({ people: people as number, seed: seed as number, heavyPeople: heavy as number, outDir: values.out });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`Generated ${people} people (seed ${seed}) in ${values.out} (${seconds}s):\n` +
    `  bundles/  ${result.files} FHIR transaction Bundles, ${result.resources} resources\n` +
    `  csv/      ${result.csv.folders} council extracts, ${result.csv.files} files, ${result.csv.rows} rows (${result.csv.badRows} bad on purpose)\n` +
    `  hl7/      ${result.hl7.files} hospital ADT feeds, ${result.hl7.messages} messages\n`);
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`sharedcare generate: ${message}\n\n${GENERATE_HELP}\n`);
  return 2;
}
