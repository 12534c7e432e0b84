// 64-bit keys for index values, identical in JavaScript and SQL (`sc_hash` in the schema), so
// the database can compute the same key when it joins (chains, `_has`).
import { createHash } from 'node:crypto';

/** First 64 bits of MD5 as a signed decimal string (matches `sc_hash(text)` in SQL). */
export function hash64(value: string): string {
  return createHash('md5').update(value).digest().readBigInt64BE(0).toString();
}

/** First 32 bits of MD5 as a signed integer: the key of a search parameter. */
export function hash32(value: string): number {
  return createHash('md5').update(value).digest().readInt32BE(0);
}

/** The person key of a Patient id: the future Citus distribution column. */
export function personKeyOf(patientId: string): string {
  return hash64(`Patient/${patientId}`);
}
