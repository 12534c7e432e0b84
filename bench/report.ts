// Benchmark results: the machine and versions, targets and the Medplum reference, the JSON files
// under bench/results/, and the table printed at the end of a run.
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, platform as osPlatform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import type { CopyLimitFigures } from './copy-limit.ts';
import type { IngestResult } from './ingest.ts';
import type { LatencyStats } from './measure.ts';
import type { ReadFigures } from './reads.ts';
import type { CaseFigures, EverythingFigures } from './searches.ts';
import type { StorageFigures, UpdatePassResult } from './storage.ts';

export const RESULTS_DIR = new URL('./results/', import.meta.url).pathname;

/** From the issue: what sharedcare should reach. */
export const TARGETS = {
  ingestResourcesPerSecondPostgres: 2500,
  storageBytesPerResource: 2048,
  readP50Ms: 0.5,
  readP99Ms: 3,
  everythingP50Ms: 10,
} as const;

/** Medplum on this same 2-core machine (PostgreSQL + Redis, Synthea data), from the issue. */
export const REFERENCE = {
  system: 'Medplum, PostgreSQL + Redis, Synthea data, same 2-core machine',
  ingestResourcesPerSecond1Client: 183,
  ingestResourcesPerSecond4Clients: 300,
  httpReadPatientP50Ms: 2.3,
  everythingP50Ms: 66,
  storageBytesPerResource: 6.8 * 1024,
} as const;

export interface DriverResult {
  benchmark: 'sharedcare';
  driver: 'pglite' | 'postgres';
  startedAt: string;
  durationSeconds: number;
  /** loadAverage1m: other work on the machine competes for its two cores; a busy machine shows here. */
  machine: ReturnType<typeof machineInfo> & { loadAverage1m: { atStart: number; atEnd: number } };
  versions: { node: string; sharedcare: string; database: string; pglite?: string; pg?: string; git: ReturnType<typeof gitState> };
  /** Settings that change the figures. */
  config: { databasePoolSize: number; logLevel: string; workers: Record<string, number> };
  data: { seed: number; peoplePerIngestMode: number; warmupPeople: number; peopleLoaded: number; resourcesLoaded: number; resourcesStored: number; generateSeconds: number };
  ingest: { method: string; inProcess1: IngestResult; inProcess4: IngestResult; http1: IngestResult; http4: IngestResult };
  copyLimit: CopyLimitFigures & { ingestAsFractionOfCopy: Record<string, number> };
  storage: { afterIngest: StorageFigures; updatePass: UpdatePassResult; afterUpdates: StorageFigures };
  reads: ReadFigures;
  searches: { method: string; cases: CaseFigures[] };
  everything: EverythingFigures;
  targets: typeof TARGETS;
  reference: typeof REFERENCE;
}

export function machineInfo() {
  const list = cpus();
  return {
    os: `${osPlatform()} ${release()}`,
    cpuModel: list[0]?.model ?? 'unknown',
    cpuCount: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

export function packageVersion(name: string): string {
  const url = name === 'sharedcare' ? new URL('../package.json', import.meta.url) : new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** The commit measured, and the source files that differed from it (others work in the same tree). */
export function gitState(): { commit: string; uncommittedSourceFiles: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
  try {
    // Porcelain lines are "XY path"; the leading status column may be a space, so no trim before slicing.
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).map((l) => l.slice(3));
    return { commit: git('rev-parse', 'HEAD').trim(), uncommittedSourceFiles: changed };
  } catch {
    return { commit: 'unknown', uncommittedSourceFiles: [] };
  }
}

/** Writes through a .tmp.json and a rename, so a reader never sees half a file. */
export function writeResultFile(name: string, value: unknown): string {
  const path = join(RESULTS_DIR, name);
  writeFileSync(`${path}.tmp.json`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp.json`, path);
  return path;
}

/** The headline figures of one driver, for latest.json and the table. */
export function headline(r: DriverResult) {
  const lat = (s: LatencyStats) => ({ p50Ms: s.p50Ms, p99Ms: s.p99Ms });
  return {
    driver: r.driver,
    database: r.versions.database,
    resourcesStored: r.data.resourcesStored,
    ingestResourcesPerSecond: {
      inProcess1: r.ingest.inProcess1.resourcesPerSecond,
      inProcess4: r.ingest.inProcess4.resourcesPerSecond,
      http1: r.ingest.http1.resourcesPerSecond,
      http4: r.ingest.http4.resourcesPerSecond,
    },
    copyLimitResourcesPerSecond: r.copyLimit.resourcesPerSecond,
    ingestAsFractionOfCopy: r.copyLimit.ingestAsFractionOfCopy,
    storage: {
      bytesPerResource: r.storage.afterIngest.bytesPerResource,
      bytesPerResourceAfter10PercentUpdates: r.storage.afterUpdates.bytesPerResource,
      avgJsonBytes: r.storage.afterIngest.avgJsonBytes,
    },
    readPatient: { inProcess: lat(r.reads.inProcess), http: lat(r.reads.http) },
    searches: Object.fromEntries(r.searches.cases.map((c) => [c.name, { inProcess: lat(c.inProcess), http: lat(c.http), avgReturned: c.inProcess.avgReturned }])),
    everything: { inProcess: lat(r.everything.inProcess), http: lat(r.everything.http), avgReturned: r.everything.inProcess.avgReturned },
  };
}

type Row = [label: string, values: Array<string>, target: string, reference: string];

const ms = (s: LatencyStats) => `${fmt(s.p50Ms)} / ${fmt(s.p99Ms)}`;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const int = (n: number) => n.toLocaleString('en-GB');

function rows(results: DriverResult[]): Row[] {
  const each = (f: (r: DriverResult) => string) => results.map(f);
  const out: Row[] = [
    ['resources stored', each((r) => int(r.data.resourcesStored)), '', ''],
    ['ingest in-process, 1 client (res/s)', each((r) => int(r.ingest.inProcess1.resourcesPerSecond)), '', ''],
    ['ingest in-process, 4 clients (res/s)', each((r) => int(r.ingest.inProcess4.resourcesPerSecond)), '', ''],
    ['ingest HTTP, 1 client (res/s)', each((r) => int(r.ingest.http1.resourcesPerSecond)), '≥2,500 (pg)', String(REFERENCE.ingestResourcesPerSecond1Client)],
    ['ingest HTTP, 4 clients (res/s)', each((r) => int(r.ingest.http4.resourcesPerSecond)), '≥2,500 (pg)', String(REFERENCE.ingestResourcesPerSecond4Clients)],
    ['single COPY limit (res/s)', each((r) => int(r.copyLimit.resourcesPerSecond)), '', ''],
    ['best ingest / COPY', each((r) => `${Math.round(Math.max(...Object.values(r.copyLimit.ingestAsFractionOfCopy)) * 100)}%`), '', ''],
    ['storage per resource (bytes)', each((r) => int(r.storage.afterIngest.bytesPerResource)), '≤2,048', '6.8 KB'],
    ['  … after 10% updated (bytes)', each((r) => int(r.storage.afterUpdates.bytesPerResource)), '', ''],
    ['  avg JSON size (bytes)', each((r) => int(r.storage.afterIngest.avgJsonBytes)), '', ''],
    ['read Patient in-process p50/p99 (ms)', each((r) => ms(r.reads.inProcess)), '≤0.5 / 3', ''],
    ['read Patient HTTP p50/p99 (ms)', each((r) => ms(r.reads.http)), '', `${REFERENCE.httpReadPatientP50Ms} p50`],
  ];
  const names = results[0]?.searches.cases.map((c) => c.name) ?? [];
  names.forEach((name, i) => {
    out.push([`${name} in-proc (ms)`, each((r) => ms(r.searches.cases[i]!.inProcess)), '', '']);
    out.push([`${name} HTTP (ms)`, each((r) => ms(r.searches.cases[i]!.http)), '', '']);
  });
  out.push(['$everything in-process p50/p99 (ms)', each((r) => ms(r.everything.inProcess)), '≤10 p50', '']);
  out.push(['$everything HTTP p50/p99 (ms)', each((r) => ms(r.everything.http)), '≤10 p50', `${REFERENCE.everythingP50Ms} p50`]);
  return out;
}

export function formatTable(results: DriverResult[]): string {
  const header: Row = ['measure', results.map((r) => r.driver), 'target', 'Medplum ref'];
  const all = [header, ...rows(results)];
  const widths = [0, ...results.map(() => 0), 0, 0];
  const cells = all.map(([label, values, target, ref]) => [label, ...values, target, ref]);
  for (const row of cells) row.forEach((c, i) => (widths[i] = Math.max(widths[i]!, c.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
