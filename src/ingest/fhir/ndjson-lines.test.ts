import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ndjsonLines } from './ndjson-lines.ts';

async function lines(chunks: Array<string | Buffer>, max?: number) {
  const out: Array<[number, string | undefined]> = [];
  for await (const l of ndjsonLines(Readable.from(chunks, { objectMode: true }), max)) out.push([l.line, l.text]);
  return out;
}

describe('ndjsonLines', () => {
  it('numbers lines across chunk boundaries, skipping blank ones and CRLF endings', async () => {
    expect(await lines([Buffer.from('{"a":1}\r\n\n{"b"'), Buffer.from(':2}\n   \n{"c":3}')])).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
  });

  it('decodes a multi-byte character split between chunks', async () => {
    const bytes = Buffer.from('{"name":"Zoë"}\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(await lines([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([[1, '{"name":"Zoë"}']]);
  });

  it('reports an over-long line without its text and carries on with the next', async () => {
    const long = 'x'.repeat(50);
    expect(await lines([Buffer.from(`{"ok":1}\n${long.slice(0, 30)}`), Buffer.from(`${long.slice(30)}\n{"ok":2}\n`)], 20)).toEqual([
      [1, '{"ok":1}'],
      [2, undefined],
      [3, '{"ok":2}'],
    ]);
    expect(await lines([Buffer.from(long)], 20)).toEqual([[1, undefined]]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await lines([])).toEqual([]);
  });
});
