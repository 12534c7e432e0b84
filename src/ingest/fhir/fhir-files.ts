// Finds the FHIR files to import (a file, or every .json/.ndjson file under a folder) and opens them
// as streams, gzip included, as Bulk Data exports often are.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { invalid } from '../../fhir/errors.ts';

export type FhirFormat = 'bundle' | 'ndjson';

export interface FhirFile {
  path: string;
  /** How origins name it: the file name, or the upload's name. */
  name: string;
  format: FhirFormat;
  gzip: boolean;
}

const PATTERNS: Array<[RegExp, FhirFormat]> = [
  [/\.(ndjson|jsonl)(\.gz)?$/i, 'ndjson'],
  [/\.json(\.gz)?$/i, 'bundle'],
];

function describe(path: string, format?: FhirFormat): FhirFile | undefined {
  const known = PATTERNS.find(([pattern]) => pattern.test(path));
  const chosen = known?.[1] ?? format;
  return chosen ? { path, name: basename(path), format: chosen, gzip: /\.gz$/i.test(path) } : undefined;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries
    .filter((e) => !e.name.startsWith('.'))
    .map(async (e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

/**
 * The files named, with folders expanded (recursively, in name order) to their .json, .ndjson and
 * .jsonl files, gzipped or not. A file named explicitly without a known extension needs `format`.
 */
export async function listFhirFiles(paths: readonly string[], format?: FhirFormat): Promise<FhirFile[]> {
  const files: FhirFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw invalid('INGEST_FHIR_PATH', `No such file or folder: ${path}`, 'path');
    if (info.isDirectory()) {
      const found = (await walk(path)).sort().map((p) => describe(p)).filter((f): f is FhirFile => f !== undefined);
      files.push(...found);
    } else {
      const file = describe(path, format);
      if (!file) throw invalid('INGEST_FHIR_FORMAT', `Cannot tell the format of ${basename(path)}: name it .json or .ndjson, or give the format`, 'format');
      files.push(file);
    }
  }
  return files;
}

export function openFhirFile(file: FhirFile): Readable {
  const stream = createReadStream(file.path);
  return file.gzip ? stream.pipe(createGunzip()) : stream;
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Copies a stream to a temporary file, for imports that must read their input twice. */
export async function spool(stream: Readable): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'sharedcare-import-'));
  const path = join(dir, 'upload');
  await pipeline(stream, createWriteStream(path));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
