// The data-in benchmark on one driver: council CSV extracts end to end (parse, map, lexicon,
// validate, write) in rows/s, and hospital ADT messages over real MLLP sockets with their ACK,
// in messages/s and ACK latency. Data comes from the synthetic generator, as the demo's does.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { adtMessagesFor, type AdtFeed } from '../src/cli/generate/adt-feed.ts';
import { csvExtracts, type CsvExtract } from '../src/cli/generate/csv-extract.ts';
import { generatePopulation } from '../src/cli/generate/generate-population.ts';
import { importCsv } from '../src/ingest/csv/import-csv.ts';
import { Hl7Ingestor } from '../src/ingest/hl7/hl7-ingestor.ts';
import { startMllpListener } from '../src/ingest/hl7/mllp-listener.ts';
import type { IngestContext } from '../src/ingest/ingest-context.ts';
import { openBenchDatabase, type DriverName } from './bench-database.ts';
import type { AdtFigures } from './adt-sender.ts';

export interface DataInOptions {
  driver: DriverName;
  databaseUrl?: string;
  /** People whose council extracts and hospital feeds are generated (per pass). */
  people: number;
  seed: number;
}

export interface CsvFigures {
  method: string;
  councils: number;
  files: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  quarantined: number;
  /** The same files again: every row unchanged. */
  reload: { seconds: number; rowsPerSecond: number; unchanged: number };
}


export interface DataInResult {
  driver: DriverName;
  people: number;
  seed: number;
  csv: CsvFigures;
  adt: { method: string; oneConnection: AdtFigures; fourConnections: AdtFigures };
}

function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

const perSecond = (n: number, seconds: number): number => Math.round(n / seconds);
const seconds = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e9;

async function importExtracts(ctx: IngestContext, extracts: readonly CsvExtract[]): Promise<{ rows: number; quarantined: number; unchanged: number; seconds: number }> {
  let rows = 0;
  let quarantined = 0;
  let unchanged = 0;
  const started = process.hrtime.bigint();
  for (const extract of extracts) {
    for (const file of extract.files) {
      const { report } = await importCsv(ctx, Readable.from([file.content]), {
        source: extract.source, profile: extract.profile, recordType: file.recordType, origin: file.name,
      });
      rows += report.counts.read;
      quarantined += report.counts.quarantined;
      unchanged += report.counts.unchanged;
    }
  }
  return { rows, quarantined, unchanged, seconds: seconds(started) };
}

/**
 * One extract per supplier profile, as a large council's would be: every council written in that
 * profile, file by file (record type by record type), under one source. The generator spreads people
 * over fourteen councils, so its files are a few hundred rows where a council's daily extract is
 * thousands; per-file work (profile, ConceptMaps, run record) would otherwise dominate.
 */
export function largeExtracts(extracts: readonly CsvExtract[]): CsvExtract[] {
  const byProfile = new Map<string, CsvExtract>();
  for (const extract of extracts) {
    const merged = byProfile.get(extract.profile) ?? { source: `bench-${extract.profile}`, profile: extract.profile, files: [], badRows: [] };
    byProfile.set(extract.profile, merged);
    for (const file of extract.files) {
      const same = merged.files.find((f) => f.recordType === file.recordType);
      if (!same) {
        merged.files.push({ ...file });
        continue;
      }
      // Header once: the later file's rows only.
      const body = file.content.replace(/^\uFEFF/, '').replace(/^[^\n]*\n/, '');
      same.content += body;
      same.rows += file.rows;
    }
  }
  return [...byProfile.values()];
}

/**
 * Sends each feed's messages in order on one of `connections` sockets, one at a time per socket, from
 * a separate process (bench/adt-sender.ts), so the sending system's work is not counted as the server's.
 */
async function sendFeeds(port: number, feeds: readonly AdtFeed[], connections: number): Promise<AdtFigures> {
  const lanes: string[][] = Array.from({ length: connections }, () => []);
  // A feed stays on one connection, so each hospital's messages arrive in their order.
  [...feeds].sort((a, b) => b.messages.length - a.messages.length)
    .forEach((feed) => lanes.reduce((min, lane) => (lane.length < min.length ? lane : min)).push(...feed.messages));
  const dir = mkdtempSync(join(tmpdir(), 'sharedcare-adt-'));
  const file = join(dir, 'lanes.json');
  writeFileSync(file, JSON.stringify(lanes));
  try {
    const sender = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./adt-sender.ts', import.meta.url)), String(port), file],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    sender.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => sender.on('exit', resolve));
    if (code !== 0) throw new Error(`The ADT sender failed (exit ${code})`);
    return JSON.parse(out) as AdtFigures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Untimed: the JIT and the MLLP path warmed on a throwaway database, so the timed passes start alike. */
async function warmUpAdt(driver: DriverName, databaseUrl: string | undefined, seed: number): Promise<void> {
  const db = await openBenchDatabase(driver, databaseUrl);
  const listener = await startMllpListener({ port: 0, host: '127.0.0.1' }, new Hl7Ingestor(db.platform.fhir.ingest, { origin: 'bench warm-up' }));
  try {
    await sendFeeds(listener.port, adtMessagesFor(generatePopulation({ people: 300, seed: seed + 100 })), 2);
  } finally {
    await listener.close();
    await db.drop();
  }
}

export async function runDataIn(options: DataInOptions): Promise<DataInResult> {
  const { driver, people, seed } = options;
  progress(`${driver}: generating council extracts and ADT feeds for ${people} people (seed ${seed})`);
  const extracts = largeExtracts(csvExtracts(generatePopulation({ people, seed })));
  // Half the hospitals' feeds for one connection, the other half for four: different patients,
  // visits and control ids, so no message of the second pass is a repeat of the first.
  const feeds = adtMessagesFor(generatePopulation({ people, seed })).sort((a, b) => b.messages.length - a.messages.length);
  const feedsOne = feeds.filter((_, i) => i % 2 === 0);
  const feedsFour = feeds.filter((_, i) => i % 2 === 1);
  await warmUpAdt(driver, options.databaseUrl, seed);
  const db = await openBenchDatabase(driver, options.databaseUrl);
  try {
    const ctx = db.platform.fhir.ingest;
    // Warm-up, untimed: profiles, ConceptMaps, the JIT and the pool, on a small council of its own.
    await importExtracts(ctx, csvExtracts(generatePopulation({ people: 60, seed: seed + 100 })));
    progress(`${driver}: CSV import`);
    const first = await importExtracts(ctx, extracts);
    progress(`${driver}: ${perSecond(first.rows, first.seconds)} rows/s; CSV reload`);
    const again = await importExtracts(ctx, extracts);
    const files = extracts.reduce((n, e) => n + e.files.length, 0);
    const csv: CsvFigures = {
      method: `Generated council extracts (csvExtracts, seed ${seed}, ${people} people; ~1.5% bad rows on purpose), the councils of each supplier profile ` +
        '(mosaic-example, liquidlogic-example, generic) joined into one large extract per profile (largeExtracts), each file imported in record-type order through importCsv (csv-parse stream → profile → lexicon → record rules → UK Core mapping → ' +
        'validation → SourceWriter.putMany), in this process on a fresh database after an untimed warm-up council. Rows/s = rows read / wall time, quarantined rows included.',
      councils: extracts.length,
      files,
      rows: first.rows,
      seconds: Math.round(first.seconds * 100) / 100,
      rowsPerSecond: perSecond(first.rows, first.seconds),
      quarantined: first.quarantined,
      reload: { seconds: Math.round(again.seconds * 100) / 100, rowsPerSecond: perSecond(again.rows, again.seconds), unchanged: again.unchanged },
    };
    const listener = await startMllpListener({ port: 0, host: '127.0.0.1' }, new Hl7Ingestor(ctx, { origin: 'bench' }));
    try {
      progress(`${driver}: ADT over MLLP, 1 connection`);
      const oneConnection = await sendFeeds(listener.port, feedsOne, 1);
      progress(`${driver}: ${oneConnection.messagesPerSecond} msg/s; ADT over MLLP, 4 connections`);
      const fourConnections = await sendFeeds(listener.port, feedsFour, 4);
      progress(`${driver}: ${fourConnections.messagesPerSecond} msg/s`);
      return {
        driver, people, seed, csv,
        adt: {
          method: `Generated ADT feeds (adtMessagesFor: A01/A02/A03/A04/A08/A11/A12/A13/A40, ~1% bad on purpose), sent by @medplum/hl7 Hl7Client over loopback TCP ` +
            'from a separate process (bench/adt-sender.ts) to the MLLP listener, each connection sending one message and waiting for its ACK (AA only after commit) before the next, as a PAS does; a hospital feed ' +
            `stays on one connection. The hospitals' feeds are split in two halves (alternately by size): one half on 1 connection, then the other on 4, ` +
            'into the database the CSV pass filled, after an untimed warm-up on a throwaway database. Latency = send to ACK received.',
          oneConnection,
          fourConnections,
        },
      };
    } finally {
      await listener.close();
    }
  } finally {
    await db.drop();
  }
}
