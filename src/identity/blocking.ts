// Blocking: which pairs are worth comparing. Each rule names records that share a key (same NHS number;
// same date of birth and surname sound; …); a pair is compared when any rule puts both in one block,
// so cost grows with the records, not their square. See: ../shared/reference/linkage.md §1.1, §2
// (NHS England's blocking rules, which these follow).
import type { MatchRecord } from './match-types.ts';
import { isPlaceholderName, postcodeParts } from './normalise.ts';
import { nameFamilies } from './nicknames.ts';
import { soundex } from './soundex.ts';

export interface BlockingRule {
  name: string;
  /** The record's key under this rule, or undefined when it lacks the fields. */
  key(record: MatchRecord): string | undefined;
}

/** Blocks bigger than this are skipped for that rule (a care home's postcode, a common name on a common date). */
export const MAX_BLOCK = 400;

function forename(r: MatchRecord): string | undefined {
  return r.given && !isPlaceholderName(r.given) ? r.given : undefined;
}

function surname(r: MatchRecord): string | undefined {
  return r.family && !isPlaceholderName(r.family) ? r.family : undefined;
}

/** A forename's nickname family when it has one (so BILL and WILLIAM share a key), else the name. */
function canonicalForename(r: MatchRecord): string | undefined {
  const given = forename(r);
  if (!given) return undefined;
  const families = nameFamilies(given);
  return families.length > 0 ? `~${families[0]}` : given;
}

function joined(...parts: (string | undefined)[]): string | undefined {
  return parts.every((p) => p !== undefined) ? parts.join('|') : undefined;
}

export const BLOCKING_RULES: readonly BlockingRule[] = [
  { name: 'nhs-number', key: (r) => r.nhsNumber },
  { name: 'birth-date+surname-sound', key: (r) => joined(r.birthDate, surname(r) && soundex(surname(r)!)) },
  { name: 'birth-date+forename', key: (r) => joined(r.birthDate, canonicalForename(r)) },
  { name: 'birth-date+district', key: (r) => joined(r.birthDate, r.postcode && postcodeParts(r.postcode).outcode) },
  {
    // Either order, so a forename and surname entered the wrong way round still meet.
    name: 'names+birth-year',
    key: (r) => {
      const [g, f] = [forename(r), surname(r)];
      return g && f ? joined(g < f ? `${g}|${f}` : `${f}|${g}`, r.birthDate?.slice(0, 4)) : undefined;
    },
  },
  {
    // Typos that keep a surname's sound, with the date of birth mistyped: same year, initial and surname sound.
    name: 'surname-sound+initial+birth-year',
    key: (r) => joined(surname(r) && soundex(surname(r)!), forename(r)?.[0], r.birthDate?.slice(0, 4)),
  },
  // Without a date of birth or a postcode to hand, the names alone (common ones make blocks too big to use).
  { name: 'surname+forename', key: (r) => joined(surname(r), canonicalForename(r)) },
  { name: 'names+district', key: (r) => joined(surname(r), canonicalForename(r), r.postcode && postcodeParts(r.postcode).outcode) },
  { name: 'postcode+forename', key: (r) => joined(r.postcode, canonicalForename(r)) },
  // A household's records: the date of birth missing or mistyped, the forename a nickname or typo.
  { name: 'postcode+surname-sound', key: (r) => joined(r.postcode, surname(r) && soundex(surname(r)!)) },
  { name: 'email', key: (r) => r.email },
  { name: 'phone', key: (r) => r.phone },
];

/** Every blocking key of a record, as `rule:key` strings (what the database index holds). */
export function blockingKeys(record: MatchRecord, rules: readonly BlockingRule[] = BLOCKING_RULES): string[] {
  const keys: string[] = [];
  for (const rule of rules) {
    const key = rule.key(record);
    if (key !== undefined) keys.push(`${rule.name}:${key}`);
  }
  return keys;
}

/** Per rule, each record's block number (-1: no key; -2: its block was too big to use). */
export function blockNumbers(records: readonly MatchRecord[], rules: readonly BlockingRule[]): Int32Array[] {
  return rules.map((rule) => {
    const ids = new Map<string, number>();
    const sizes: number[] = [];
    const out = new Int32Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const key = rule.key(records[i]);
      if (key === undefined) {
        out[i] = -1;
        continue;
      }
      let id = ids.get(key);
      if (id === undefined) {
        id = sizes.length;
        ids.set(key, id);
        sizes.push(0);
      }
      sizes[id]++;
      out[i] = id;
    }
    for (let i = 0; i < out.length; i++) if (out[i] >= 0 && sizes[out[i]] > MAX_BLOCK) out[i] = -2;
    return out;
  });
}

/**
 * Calls `visit(i, j)` (i < j) once for every pair that shares a block under any rule. A pair is
 * visited under the first rule that blocks it together, so no set of seen pairs is kept.
 */
export function forEachCandidatePair(blocks: readonly Int32Array[], visit: (i: number, j: number) => void): void {
  const n = blocks[0]?.length ?? 0;
  for (let k = 0; k < blocks.length; k++) {
    const members = groupByBlock(blocks[k], n);
    for (const group of members) {
      for (let x = 0; x < group.length; x++) {
        for (let y = x + 1; y < group.length; y++) {
          const i = group[x];
          const j = group[y];
          if (!sharedEarlier(blocks, k, i, j)) visit(i, j);
        }
      }
    }
  }
}

function sharedEarlier(blocks: readonly Int32Array[], k: number, i: number, j: number): boolean {
  for (let e = 0; e < k; e++) {
    const b = blocks[e][i];
    if (b >= 0 && b === blocks[e][j]) return true;
  }
  return false;
}

/** Records grouped by block number (blocks of two or more only), in record order within a block. */
function groupByBlock(block: Int32Array, n: number): Int32Array[] {
  let maxId = -1;
  for (let i = 0; i < n; i++) if (block[i] > maxId) maxId = block[i];
  const counts = new Int32Array(maxId + 2);
  for (let i = 0; i < n; i++) if (block[i] >= 0) counts[block[i] + 1]++;
  const starts = new Int32Array(maxId + 2);
  for (let id = 1; id <= maxId + 1; id++) starts[id] = starts[id - 1] + counts[id];
  const order = new Int32Array(starts[maxId + 1] ?? 0);
  const fill = starts.slice();
  for (let i = 0; i < n; i++) if (block[i] >= 0) order[fill[block[i]]++] = i;
  const groups: Int32Array[] = [];
  for (let id = 0; id <= maxId; id++) {
    const size = counts[id + 1];
    if (size >= 2) groups.push(order.subarray(starts[id], starts[id] + size));
  }
  return groups;
}
