// The data-in benchmark on one driver: council CSV extracts end to end (parse, map, lexicon,
// validate, write) in rows/s, and hospital ADT messages over real MLLP sockets with their ACK,
// in messages/s and ACK latency. Data comes from the synthetic generator, as the demo's does.
import { Readable } from 'node:stream';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { adtMessagesFor, type AdtFeed } from '../src/cli/generate/adt-feed.ts';
import { csvExtracts, type CsvExtract } from '../src/cli/generate/csv-extract.ts';
import { generatePopulation } from '../src/cli/generate/generate-population.ts';
import { importCsv } from '../src/ingest/csv/import-csv.ts';
import { Hl7Ingestor } from '../src/ingest/hl7/hl7-ingestor.ts';
import { startMllpListener } from '../src/ingest/hl7/mllp-listener.ts';
import type { IngestContext } from '../src/ingest/ingest-context.ts';
import { openBenchDatabase, type DriverName } from './bench-database.ts';
import { summarize, type LatencyStats } from './measure.ts';

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

export interface AdtFigures {
  connections: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** From sending a message to its ACK arriving, as the sending system saw it. */
  ackLatency: Omit<LatencyStats, 'warmup'>;
  acks: Record<string, number>;
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

/** Sends each feed's messages in order on one of `connections` sockets, one at a time per socket, as a PAS does. */
async function sendFeeds(port: number, feeds: readonly AdtFeed[], connections: number): Promise<AdtFigures> {
  const lanes: string[][] = Array.from({ length: connections }, () => []);
  // A feed stays on one connection, so each hospital's messages arrive in their order.
  [...feeds].sort((a, b) => b.messages.length - a.messages.length)
    .forEach((feed) => lanes.reduce((min, lane) => (lane.length < min.length ? lane : min)).push(...feed.messages));
  const latencies: number[] = [];
  const acks: Record<string, number> = {};
  const started = process.hrtime.bigint();
  await Promise.all(lanes.map(async (messages) => {
    const client = new Hl7Client({ host: '127.0.0.1', port });
    try {
      for (const text of messages) {
        const sent = process.hrtime.bigint();
        const ack = await client.sendAndWait(Hl7Message.parse(text), { timeoutMs: 30_000 });
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        const code = ack.getSegment('MSA')?.getField(1)?.toString() ?? '?';
        acks[code] = (acks[code] ?? 0) + 1;
      }
    } finally {
      await client.close();
    }
  }));
  const took = seconds(started);
  const { warmup: _warmup, ...ackLatency } = summarize(latencies, 0);
  return { connections, messages: latencies.length, seconds: Math.round(took * 100) / 100, messagesPerSecond: perSecond(latencies.length, took), ackLatency, acks };
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
            'to the MLLP listener, each connection sending one message and waiting for its ACK (AA only after commit) before the next, as a PAS does; a hospital feed ' +
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
