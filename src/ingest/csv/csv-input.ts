// Opens an extract as a stream of CSV records without holding it in memory: a file path or a
// Readable (an HTTP body), decoded from the profile's encoding, counted in bytes for progress,
// parsed by csv-parse with malformed records kept aside for the quarantine.
import { createReadStream, statSync } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import { invalid } from '../../fhir/errors.ts';
import type { Encoding } from './profile.ts';

export interface OpenedCsv {
  parser: Parser;
  /** Size in bytes, when the input is a file. */
  size?: number;
  /** Text csv-parse could not split into values (a quote never closed), with the line it starts on; drained by the reader. */
  malformed: Array<{ line: number; text: string }>;
}

/** Re-encodes windows-1252 text as UTF-8 for the parser, and counts the bytes read. */
class DecodeAndCount extends Transform {
  private readonly decoder?: TextDecoder;
  private readonly onBytes: (total: number) => void;
  private total = 0;

  constructor(encoding: Encoding, onBytes: (total: number) => void) {
    super();
    this.decoder = encoding === 'utf-8' ? undefined : new TextDecoder(encoding);
    this.onBytes = onBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    this.onBytes(this.total);
    done(null, this.decoder ? Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8') : chunk);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.decoder ? Buffer.from(this.decoder.decode(), 'utf8') : undefined);
  }
}

export function openCsv(input: string | Readable, options: { encoding: Encoding; delimiter: string; onBytes?: (total: number) => void }): OpenedCsv {
  let size: number | undefined;
  let stream: Readable;
  if (typeof input === 'string') {
    try {
      size = statSync(input).size;
    } catch {
      throw invalid('INGEST_CSV_FILE', `Cannot read the file ${input}`, 'file');
    }
    stream = createReadStream(input);
  } else {
    stream = input;
  }
  const malformed: OpenedCsv['malformed'] = [];
  const parser = parse({
    delimiter: options.delimiter,
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    // A quote inside an unquoted value (a nickname: Robert "Bob" Smith) is part of the value.
    relax_quotes: true,
    skip_empty_lines: true,
    raw: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (err, raw) => {
      malformed.push({ line: startLine(typeof err?.lines === 'number' ? err.lines : 0, raw ?? ''), text: raw ?? '' });
      return undefined;
    },
  });
  const decode = new DecodeAndCount(options.encoding, options.onBytes ?? (() => {}));
  stream.on('error', (err) => parser.destroy(err));
  decode.on('error', (err) => parser.destroy(err));
  stream.pipe(decode).pipe(parser);
  return { parser, ...(size !== undefined ? { size } : {}), malformed };
}

export interface CsvRecord {
  record: string[];
  raw: string;
  info: { lines: number };
}

/** The line a record starts on, from the line csv-parse had reached at its end and the record's raw text. */
export function startLine(endLine: number, raw: string): number {
  const newlines = raw.split('\n').length - 1;
  return endLine - newlines + (raw.endsWith('\n') ? 1 : 0);
}

