// 64-bit keys for index values, identical in JavaScript and SQL (`sc_hash` in the schema), so
// the database can compute the same key when it joins (chains, `_has`).
import * as crypto from 'node:crypto';

// One-shot hashing (Node ≥ 20.12) avoids a Hash object per key; the fallback keeps older Nodes working.
const md5: (value: string) => Buffer =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (value) => (crypto as unknown as { hash(alg: string, data: string, enc: 'buffer'): Buffer }).hash('md5', value, 'buffer')
    : (value) => crypto.createHash('md5').update(value).digest();

// Codes, systems and parameter names repeat across resources; a bounded memo skips most hashing.
const MEMO_LIMIT = 100_000;
const memo64 = new Map<string, string>();
const memo32 = new Map<string, number>();

function remember<T>(memo: Map<string, T>, key: string, value: T): T {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** First 64 bits of MD5 as a signed decimal string (matches `sc_hash(text)` in SQL). */
export function hash64(value: string): string {
  return memo64.get(value) ?? remember(memo64, value, md5(value).readBigInt64BE(0).toString());
}

/** First 32 bits of MD5 as a signed integer: the key of a search parameter. */
export function hash32(value: string): number {
  return memo32.get(value) ?? remember(memo32, value, md5(value).readInt32BE(0));
}

/** The person key of a Patient id: the future Citus distribution column. */
export function personKeyOf(patientId: string): string {
  return hash64(`Patient/${patientId}`);
}
