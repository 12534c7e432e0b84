// `npm run bench`: runs the benchmark on PGlite and, when DATABASE_URL or BENCH_DATABASE_URL is
// set, on PostgreSQL, each in a fresh Node process and a fresh database; writes bench/results/.
//   --people N                 people per ingest mode (default 1000; four modes, so 4N are loaded)
//   --driver pglite|postgres|both
//   --seed S                   generator seed (default 1)
//   --quick                    fewer iterations, for checking the benchmark itself
//   --suite all|foundation|data-in|governance|events|viewer   which measurements (default all): the store and API, data in
//                              (council CSV extracts, HL7 v2 ADT over MLLP), or the policy and audit cost
//   --governance-people N      people in the demo population the governance suite loads (default 1000)
//   --feed-people N            people whose extracts and feeds the data-in suite imports (default 10000)
//   --events-rate R --events-seconds S   the events suite's sustained A01 rate and duration (default 50/s for 600 s)
//   --viewer-people N          people in the demo population the viewer suite loads (default 200; needs a built viewer)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DriverName } from './bench-database.ts';
import { runDataIn, type DataInResult } from './data-in.ts';
import { DATA_IN_TARGETS, dataInHeadline, formatDataInTable } from './data-in-report.ts';
import { formatTable, headline, REFERENCE, RESULTS_DIR, TARGETS, writeResultFile, type DriverResult } from './report.ts';
import { runDriver } from './run-driver.ts';
import { formatGovernanceTable, runGovernance, type GovernanceResult } from './governance.ts';
import { formatEventsTable, runEvents, type EventsResult } from './events.ts';
import { formatViewerTable, runViewer, type ViewerResult } from './viewer.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000' },
    driver: { type: 'string' },
    seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    child: { type: 'string' },
    'child-suite': { type: 'string' },
    out: { type: 'string' },
    suite: { type: 'string', default: 'all' },
    'feed-people': { type: 'string', default: '10000' },
    'governance-people': { type: 'string', default: '1000' },
    'events-rate': { type: 'string', default: '50' },
    'events-seconds': { type: 'string', default: '600' },
    'viewer-people': { type: 'string', default: '200' },
  },
  strict: true,
});

const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || undefined;
const people = Number(values.people);
const seed = Number(values.seed);
if (!Number.isSafeInteger(people) || people < 4) throw new Error('--people must be a whole number ≥ 4');
if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');
const feedPeople = Number(values['feed-people']);
if (!Number.isSafeInteger(feedPeople) || feedPeople < 10) throw new Error('--feed-people must be a whole number ≥ 10');
const SUITES = ['foundation', 'data-in', 'governance', 'events', 'viewer'];
const suites = values.suite === 'all' ? SUITES : [values.suite!];
if (!suites.every((s) => SUITES.includes(s))) throw new Error(`--suite must be all or one of ${SUITES.join(', ')}`);
const governancePeople = Number(values['governance-people']);

async function child(driver: DriverName, out: string): Promise<void> {
  if (values['child-suite'] === 'viewer') {
    writeResultFile(out, await runViewer({ driver, people: Number(values['viewer-people']), iterations: values.quick ? 5 : 30, ...(databaseUrl ? { databaseUrl } : {}) }));
    return;
  }
  if (values['child-suite'] === 'events') {
    writeResultFile(out, await runEvents({ driver, people: 1000, rate: Number(values['events-rate']), seconds: Number(values['events-seconds']), ...(databaseUrl ? { databaseUrl } : {}) }));
    return;
  }
  if (values['child-suite'] === 'governance') {
    const iterations = values.quick ? 100 : 1000;
    writeResultFile(out, await runGovernance({ driver, people: governancePeople, seed, iterations, ...(databaseUrl ? { databaseUrl } : {}) }));
    return;
  }
  const result = values['child-suite'] === 'data-in'
    ? await runDataIn({ driver, people: feedPeople, seed, ...(databaseUrl ? { databaseUrl } : {}) })
    : await runDriver({ driver, people, seed, quick: values.quick!, ...(databaseUrl ? { databaseUrl } : {}) });
  writeResultFile(out, result);
}

function runChild(suite: string, driver: DriverName, out: string): void {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', driver, '--child-suite', suite, '--out', out,
    '--people', String(people), '--seed', String(seed), '--feed-people', String(feedPeople), '--governance-people', String(governancePeople),
    '--events-rate', values['events-rate']!, '--events-seconds', values['events-seconds']!, '--viewer-people', values['viewer-people']!];
  if (values.quick) args.push('--quick');
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`The ${suite} run on ${driver} failed (exit ${run.status ?? run.signal})`);
}

function driversToRun(): DriverName[] {
  const asked = values.driver ?? (databaseUrl ? 'both' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(asked)) throw new Error('--driver must be pglite, postgres or both');
  if (asked !== 'pglite' && !databaseUrl) throw new Error('PostgreSQL needs DATABASE_URL or BENCH_DATABASE_URL (./scripts/start-postgres.sh prints one)');
  return asked === 'both' ? ['pglite', 'postgres'] : [asked as DriverName];
}

/** Each driver and suite in its own process, so none inherits another's heap, JIT state or WASM memory. */
function parent(): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  const latestFile = join(RESULTS_DIR, 'latest.json');
  // A run of one suite keeps the other suite's last figures in latest.json.
  const latest = (existsSync(latestFile) ? JSON.parse(readFileSync(latestFile, 'utf8')) : {}) as Record<string, unknown>;
  const results: DriverResult[] = [];
  const dataIn: DataInResult[] = [];
  const governance: GovernanceResult[] = [];
  const events: EventsResult[] = [];
  const viewer: ViewerResult[] = [];
  const files: Record<string, string> = {};
  // The viewer suite measures the viewer as the code stands: build it when it is stale.
  if (suites.includes('viewer') && spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build-web.js', import.meta.url))], { stdio: 'inherit' }).status !== 0) {
    throw new Error('The viewer did not build');
  }
  for (const driver of driversToRun()) {
    if (suites.includes('foundation')) {
      const out = `${driver}-${date}.json`;
      runChild('foundation', driver, out);
      results.push(JSON.parse(readFileSync(join(RESULTS_DIR, out), 'utf8')) as DriverResult);
      files[driver] = `bench/results/${out}`;
    }
    if (suites.includes('data-in')) {
      const out = `data-in-${driver}-${date}.json`;
      runChild('data-in', driver, out);
      dataIn.push(JSON.parse(readFileSync(join(RESULTS_DIR, out), 'utf8')) as DataInResult);
      files[`data-in-${driver}`] = `bench/results/${out}`;
    }
    if (suites.includes('governance')) {
      const out = `governance-${driver}-${date}.json`;
      runChild('governance', driver, out);
      governance.push(JSON.parse(readFileSync(join(RESULTS_DIR, out), 'utf8')) as GovernanceResult);
      files[`governance-${driver}`] = `bench/results/${out}`;
    }
    if (suites.includes('events')) {
      const out = `events-${driver}-${date}.json`;
      runChild('events', driver, out);
      events.push(JSON.parse(readFileSync(join(RESULTS_DIR, out), 'utf8')) as EventsResult);
      files[`events-${driver}`] = `bench/results/${out}`;
    }
    if (suites.includes('viewer')) {
      const out = `viewer-${driver}-${date}.json`;
      runChild('viewer', driver, out);
      viewer.push(JSON.parse(readFileSync(join(RESULTS_DIR, out), 'utf8')) as ViewerResult);
      files[`viewer-${driver}`] = `bench/results/${out}`;
    }
  }
  writeResultFile('latest.json', {
    ...latest,
    benchmark: 'sharedcare',
    date,
    node: process.version,
    files: { ...(latest.files as Record<string, string> | undefined), ...files },
    ...(results.length > 0
      ? { people: { perIngestMode: people, loaded: results[0]?.data.peopleLoaded }, machine: results[0]?.machine, results: results.map(headline) }
      : {}),
    ...(dataIn.length > 0 ? { dataIn: dataIn.map(dataInHeadline) } : {}),
    ...(events.length > 0 ? { events: events.map((e) => ({ driver: e.driver, endToEndP50Ms: e.sustained.endToEnd.p50Ms, endToEndP99Ms: e.sustained.endToEnd.p99Ms,
      lost: e.sustained.lost, routedPerSecond: e.outbox.routedPerSecond, deliveredPerSecond: e.outbox.deliveredPerSecond })) } : {}),
    ...(viewer.length > 0 ? { viewer: viewer.map((v) => ({ driver: v.driver, resources: v.person.resources, firstLoadMs: v.firstLoadMs, readableP50Ms: v.readable.p50Ms,
      readableP95Ms: v.readable.p95Ms, jsGzipBytes: v.bundle.jsGzipBytes, cssGzipBytes: v.bundle.cssGzipBytes })) } : {}),
    ...(governance.length > 0 ? { governance: governance.map((g) => ({ driver: g.driver, cases: g.cases.map(({ name, ratioOperator, ratioSocialWorker }) => ({ name, ratioOperator, ratioSocialWorker })) })) } : {}),
    targets: { ...TARGETS, ...DATA_IN_TARGETS },
    reference: REFERENCE,
  });
  const tables = [results.length > 0 ? formatTable(results) : '', dataIn.length > 0 ? formatDataInTable(dataIn) : '',
    governance.length > 0 ? formatGovernanceTable(governance) : '', events.length > 0 ? formatEventsTable(events) : '',
    viewer.length > 0 ? formatViewerTable(viewer) : ''].filter(Boolean);
  process.stdout.write(`\n${tables.join('\n\n')}\n\nFull results: ${Object.values(files).join(', ')}; summary: bench/results/latest.json\n`);
}

if (values.child) await child(values.child as DriverName, values.out!);
else parent();
