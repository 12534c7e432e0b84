// Splits an NDJSON stream into numbered lines while reading it, so a 1 GB bulk-export file costs
// one line of memory at a time. See: https://github.com/ndjson/ndjson-spec
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Lines longer than this are reported, not held: a stream without newlines must not exhaust memory. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

export interface NdjsonLine {
  /** 1-based line number in the input. */
  line: number;
  /** The line without its line ending; undefined when it was longer than MAX_LINE_BYTES. */
  text: string | undefined;
}

/**
 * Yields each non-blank line. Pulling from the stream's async iterator gives back-pressure: nothing
 * more is read until the consumer asks for the next line.
 */
export async function* ndjsonLines(stream: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<NdjsonLine> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let line = 0;
  let skipping = false;
  const emit = (raw: string): NdjsonLine | undefined => {
    line++;
    if (skipping) {
      skipping = false;
      return { line, text: undefined };
    }
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    return text.trim() === '' ? undefined : { line, text };
  };
  for await (const chunk of stream) {
    const piece = typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    // Only the new piece is searched, so a long line is not rescanned chunk after chunk.
    let start = 0;
    for (let nl = piece.indexOf('\n'); nl >= 0; nl = piece.indexOf('\n', start)) {
      const out = emit(carry + piece.slice(start, nl));
      carry = '';
      if (out) yield out;
      start = nl + 1;
    }
    if (!skipping) carry += piece.slice(start);
    // String length counts UTF-16 units, never more than the UTF-8 bytes: a cheap lower bound.
    if (carry.length > maxLineBytes) {
      carry = '';
      skipping = true;
    }
  }
  const rest = carry + decoder.end();
  if (rest !== '' || skipping) {
    const out = emit(rest);
    if (out) yield out;
  }
}
