// One benchmark run on one driver, in its own process: load the population four ways, then
// measure storage, the COPY limit, reads, searches and $everything, then update 10% and re-measure.
import { loadavg } from 'node:os';
import { loadBundles, postBundle } from '../src/cli/demo-population.ts';
import { openBenchDatabase, type DriverName } from './bench-database.ts';
import { startBenchServer } from './bench-server.ts';
import { measureCopyLimit } from './copy-limit.ts';
import { buildDataset, resourcesIn } from './dataset.ts';
import { ingestHttp, ingestInProcess, postOverHttp, prepareBodies } from './ingest.ts';
import { gitState, machineInfo, packageVersion, REFERENCE, TARGETS, type DriverResult } from './report.ts';
import { measureReads } from './reads.ts';
import { buildSearchCases, measureCase, measureEverything } from './searches.ts';
import { measureStorage, updatePass } from './storage.ts';

export interface RunOptions {
  driver: DriverName;
  people: number;
  seed: number;
  databaseUrl?: string;
  quick: boolean;
}

const WARMUP_PEOPLE = 20;

function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export async function runDriver(options: RunOptions): Promise<DriverResult> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const iterations = options.quick
    ? { reads: { iterations: 200, warmup: 50 }, searches: { iterations: 50, warmup: 10 }, everything: { iterations: 20, warmup: 5 } }
    : {
        reads: { iterations: 3000, warmup: 500 },
        searches: { iterations: 300, warmup: 30, maxSeconds: 4, minIterations: 100 },
        everything: { iterations: 200, warmup: 20, maxSeconds: 6, minIterations: 100 },
      };
  progress(`${options.driver}: generating ${WARMUP_PEOPLE} + 4 × ${options.people} people (seed ${options.seed})`);
  const data = buildDataset({ people: options.people, slices: 4, warmupPeople: WARMUP_PEOPLE, seed: options.seed });
  const httpBodies = [prepareBodies(data.slices[2]!), prepareBodies(data.slices[3]!)];
  progress(`${options.driver}: ${data.resources} resources generated in ${data.generateSeconds}s; opening the database`);
  const db = await openBenchDatabase(options.driver, options.databaseUrl);
  const server = await startBenchServer(db.platform);
  try {
    const ctx = db.platform.fhir;
    await loadBundles(ctx, [data.shared]);
    // Warm-up, untimed: the JIT, the connection pool and keep-alive sockets.
    for (const [i, bundle] of data.warmup.entries()) {
      if (i % 2 === 0) await postBundle(ctx, bundle);
      else await postOverHttp(server, JSON.stringify(bundle));
    }
    progress(`${options.driver}: ingest in-process, 1 client`);
    const inProcess1 = await ingestInProcess(ctx, data.slices[0]!, 1);
    progress(`${options.driver}: ${inProcess1.resourcesPerSecond} res/s; ingest in-process, 4 clients`);
    const inProcess4 = await ingestInProcess(ctx, data.slices[1]!, 4);
    progress(`${options.driver}: ${inProcess4.resourcesPerSecond} res/s; ingest HTTP, 1 client`);
    const http1 = await ingestHttp(server, httpBodies[0]!, 1);
    progress(`${options.driver}: ${http1.resourcesPerSecond} res/s; ingest HTTP, 4 clients`);
    const http4 = await ingestHttp(server, httpBodies[1]!, 4);
    progress(`${options.driver}: ${http4.resourcesPerSecond} res/s; storage`);
    const afterIngest = await measureStorage(db.platform.driver, 'after ingest');
    progress(`${options.driver}: ${afterIngest.bytesPerResource} bytes/resource; COPY limit`);
    const copy = await measureCopyLimit(db);
    progress(`${options.driver}: COPY ${copy.resourcesPerSecond} res/s; reads`);
    const reads = await measureReads(db.platform, server, iterations.reads);
    progress(`${options.driver}: read p50 ${reads.inProcess.p50Ms} ms; searches`);
    const cases = [];
    for (const c of await buildSearchCases(db.platform)) cases.push(await measureCase(db.platform, server, c, iterations.searches));
    progress(`${options.driver}: $everything`);
    const everything = await measureEverything(db.platform, server, iterations.everything);
    progress(`${options.driver}: everything p50 ${everything.inProcess.p50Ms} ms; update pass on 10%`);
    const updates = await updatePass(db.platform, 0.1, 4);
    const afterUpdates = await measureStorage(db.platform.driver, 'after the update pass');
    const ratio = (r: number) => Math.round((r / copy.resourcesPerSecond) * 1000) / 1000;
    return {
      benchmark: 'sharedcare',
      driver: options.driver,
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      machine: { ...machineInfo(), loadAverage1m: { atStart: round2(loadAtStart), atEnd: round2(loadavg()[0]!) } },
      versions: {
        node: process.version,
        sharedcare: packageVersion('sharedcare'),
        database: db.version,
        git: gitState(),
        ...(options.driver === 'pglite' ? { pglite: packageVersion('@electric-sql/pglite') } : { pg: packageVersion('pg') }),
      },
      config: {
        databasePoolSize: db.platform.config.databasePoolSize,
        logLevel: db.platform.config.logLevel,
        // Worker-thread settings by whatever name config.ts gives them.
        workers: Object.fromEntries(Object.entries(db.platform.config).filter(([k, v]) => /workers$/i.test(k) && typeof v === 'number')) as Record<string, number>,
      },
      data: {
        seed: options.seed,
        peoplePerIngestMode: options.people,
        warmupPeople: WARMUP_PEOPLE,
        peopleLoaded: data.people,
        resourcesLoaded: data.resources,
        resourcesStored: afterIngest.currentResources,
        generateSeconds: data.generateSeconds,
      },
      ingest: {
        method:
          `Synthetic population (generatePopulation, seed ${options.seed}): shared organisations/practitioners loaded first (untimed), ${WARMUP_PEOPLE} warm-up people (untimed), ` +
          `then four disjoint slices of ${options.people} people, one per mode, in this order: in-process 1, in-process 4, HTTP 1, HTTP 4 (the database grows as it goes). ` +
          `Bundles: ${data.slices.flat().length} transactions, ${data.slices.flat().reduce((s, b) => s + resourcesIn(b), 0)} resources.`,
        inProcess1,
        inProcess4,
        http1,
        http4,
      },
      copyLimit: {
        ...copy,
        ingestAsFractionOfCopy: {
          inProcess1: ratio(inProcess1.resourcesPerSecond),
          inProcess4: ratio(inProcess4.resourcesPerSecond),
          http1: ratio(http1.resourcesPerSecond),
          http4: ratio(http4.resourcesPerSecond),
        },
      },
      storage: { afterIngest, updatePass: updates, afterUpdates },
      reads,
      searches: {
        method: `each case: ${iterations.searches.warmup} warm-up + up to ${iterations.searches.iterations} timed sequential calls (fewer, but at least 100, when a case passes ${iterations.searches.maxSeconds ?? '∞'} s; see iterations) cycling through values sampled from the stored data; in-process = repo.search(repo.parseSearch(...)) (default _count 20, total counted), HTTP = GET /fhir/Type?… body read and parsed`,
        cases,
      },
      everything,
      targets: TARGETS,
      reference: REFERENCE,
    };
  } finally {
    await server.close();
    await db.drop();
  }
}
