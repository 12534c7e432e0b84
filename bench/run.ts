// `npm run bench`: runs the benchmark on PGlite and, when DATABASE_URL or BENCH_DATABASE_URL is
// set, on PostgreSQL, each in a fresh Node process and a fresh database; writes bench/results/.
//   --people N                 people per ingest mode (default 1000; four modes, so 4N are loaded)
//   --driver pglite|postgres|both
//   --seed S                   generator seed (default 1)
//   --quick                    fewer iterations, for checking the benchmark itself
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DriverName } from './bench-database.ts';
import { formatTable, headline, REFERENCE, RESULTS_DIR, TARGETS, writeResultFile, type DriverResult } from './report.ts';
import { runDriver } from './run-driver.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000' },
    driver: { type: 'string' },
    seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    child: { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});

const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
const people = Number(values.people);
const seed = Number(values.seed);
if (!Number.isSafeInteger(people) || people < 4) throw new Error('--people must be a whole number ≥ 4');
if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');

async function child(driver: DriverName, out: string): Promise<void> {
  const result = await runDriver({ driver, people, seed, quick: values.quick!, ...(databaseUrl ? { databaseUrl } : {}) });
  writeResultFile(out, result);
}

function driversToRun(): DriverName[] {
  const asked = values.driver ?? (databaseUrl ? 'both' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(asked)) throw new Error('--driver must be pglite, postgres or both');
  if (asked !== 'pglite' && !databaseUrl) throw new Error('PostgreSQL needs DATABASE_URL or BENCH_DATABASE_URL (./scripts/start-postgres.sh prints one)');
  return asked === 'both' ? ['pglite', 'postgres'] : [asked as DriverName];
}

/** Each driver in its own process, so neither inherits the other's heap, JIT state or WASM memory. */
function parent(): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const results: DriverResult[] = [];
  const files: Record<string, string> = {};
  for (const driver of driversToRun()) {
    const out = `${driver}-${date}.json`;
    const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', driver, '--out', out, '--people', String(people), '--seed', String(seed)];
    if (values.quick) args.push('--quick');
    const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`The ${driver} run failed (exit ${run.status ?? run.signal})`);
    results.push(JSON.parse(readFileSync(join(RESULTS_DIR, out), 'utf8')) as DriverResult);
    files[driver] = `bench/results/${out}`;
  }
  writeResultFile('latest.json', {
    benchmark: 'sharedcare',
    date,
    people: { perIngestMode: people, loaded: results[0]?.data.peopleLoaded },
    machine: results[0]?.machine,
    node: process.version,
    files,
    results: results.map(headline),
    targets: TARGETS,
    reference: REFERENCE,
  });
  process.stdout.write(`\n${formatTable(results)}\n\nFull results: ${Object.values(files).join(', ')}; summary: bench/results/latest.json\n`);
}

if (values.child) await child(values.child as DriverName, values.out!);
else parent();
