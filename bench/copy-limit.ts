// The physical limit: the stored resources' JSON loaded with one COPY into a bare jsonb table (no
// indexes, no history, one transaction). Ingest is reported as a fraction of this rate.
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchDatabase } from './bench-database.ts';

export interface CopyLimitFigures {
  method: string;
  rows: number;
  megabytes: number;
  seconds: number;
  resourcesPerSecond: number;
}

const CHUNK_BYTES = 1 << 20;

/** COPY text format: one row per line, backslashes doubled (jsonb::text has no raw tabs or newlines). */
async function exportCopyText(db: BenchDatabase): Promise<{ chunks: Buffer[]; rows: number; bytes: number }> {
  const { rows } = await db.platform.driver.query<{ c: string }>('SELECT content::text AS c FROM resource WHERE NOT deleted ORDER BY rid');
  const chunks: Buffer[] = [];
  let pending: string[] = [];
  let pendingLength = 0;
  let bytes = 0;
  for (const { c } of rows) {
    const line = `${c.replaceAll('\\', '\\\\')}\n`;
    pending.push(line);
    pendingLength += line.length;
    if (pendingLength >= CHUNK_BYTES) {
      chunks.push(Buffer.from(pending.join('')));
      bytes += chunks[chunks.length - 1]!.length;
      pending = [];
      pendingLength = 0;
    }
  }
  if (pending.length > 0) {
    chunks.push(Buffer.from(pending.join('')));
    bytes += chunks[chunks.length - 1]!.length;
  }
  return { chunks, rows: rows.length, bytes };
}

async function copyIntoPostgres(server: { url: string; schema: string }, chunks: Buffer[]): Promise<number> {
  const client = new pg.Client({ connectionString: server.url, options: `-c search_path=${server.schema}` });
  await client.connect();
  try {
    await client.query('CREATE TABLE copy_limit (content jsonb)');
    const started = performance.now();
    await pipeline(Readable.from(chunks), client.query(copyFrom('COPY copy_limit (content) FROM STDIN')));
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE copy_limit');
    return seconds;
  } finally {
    await client.end();
  }
}

/** A second PGlite on disk beside the benchmark's (PgliteDriver keeps its instance private). */
async function copyIntoPglite(dir: string, chunks: Buffer[]): Promise<number> {
  const db = await PGlite.create(join(dir, 'copy-limit'));
  try {
    await db.exec('CREATE TABLE copy_limit (content jsonb)');
    const blob = new Blob(chunks.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength) as Uint8Array<ArrayBuffer>));
    const started = performance.now();
    await db.query("COPY copy_limit (content) FROM '/dev/blob'", [], { blob });
    return (performance.now() - started) / 1000;
  } finally {
    await db.close();
  }
}

export async function measureCopyLimit(db: BenchDatabase): Promise<CopyLimitFigures> {
  const { chunks, rows, bytes } = await exportCopyText(db);
  const seconds = db.server ? await copyIntoPostgres(db.server, chunks) : await copyIntoPglite(db.dir, chunks);
  const where = db.server
    ? 'COPY … FROM STDIN (pg-copy-streams) on one connection into a new table in the same schema'
    : "COPY … FROM '/dev/blob' (PGlite blob option) into a new on-disk PGlite database in the same process";
  return {
    method: `every stored resource's JSON (content::text, exported before timing) as one ${where}: CREATE TABLE copy_limit (content jsonb), no indexes; timed from the COPY start to its completion`,
    rows,
    megabytes: Math.round(bytes / 1e5) / 10,
    seconds: Math.round(seconds * 100) / 100,
    resourcesPerSecond: Math.round(rows / seconds),
  };
}
