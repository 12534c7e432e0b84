// The comparison levels for UK person data, Fellegi–Sunter style: for each field, an ordered list of
// ways two records can agree, from strongest to weakest; a pair lands in the first level that holds.
// See: ../shared/reference/linkage.md §1.1 (Splink's name, date of birth and postcode comparisons).
import type { EncodedRecords } from './encoded-records.ts';
import type { MatchField } from './match-types.ts';
import { areNicknames } from './nicknames.ts';
import { jaroWinkler, withinOneEdit } from './similarity.ts';

export const FIELDS = [
  { field: 'nhsNumber', levels: ['same', 'different'] },
  {
    field: 'name',
    levels: [
      'exact', 'swapped', 'nickname-or-middle', 'surname-exact-forename-similar', 'forename-exact-surname-similar',
      'both-similar', 'surname-only', 'forename-only', 'different',
    ],
  },
  { field: 'birthDate', levels: ['exact', 'day-month-swapped', 'one-digit', 'within-a-year', 'within-ten-years', 'different'] },
  { field: 'sex', levels: ['same', 'different'] },
  { field: 'postcode', levels: ['full', 'sector', 'district', 'area', 'different'] },
  { field: 'town', levels: ['exact', 'similar', 'different'] },
  { field: 'email', levels: ['exact', 'different'] },
  { field: 'phone', levels: ['exact', 'different'] },
] as const satisfies readonly { field: MatchField; levels: readonly string[] }[];

export const FIELD_COUNT = FIELDS.length;
export const F = { nhsNumber: 0, name: 1, birthDate: 2, sex: 3, postcode: 4, town: 5, email: 6, phone: 7 } as const;
/** The level recorded when either side lacks the field: no evidence. */
export const NULL_LEVEL = -1;

const NAME = { exact: 0, swapped: 1, nickname: 2, surnameExact: 3, forenameExact: 4, bothSimilar: 5, surnameOnly: 6, forenameOnly: 7, different: 8 };
/** Similarity at or above which two names count as the same name mistyped. */
export const SIMILAR = 0.88;
const CACHE_LIMIT = 4_000_000;

/** Jaro–Winkler between dictionary strings, remembered: common name pairs recur millions of times. */
export class SimilarityCache {
  private readonly cache = new Map<number, number>();
  private readonly values: readonly string[];

  constructor(values: readonly string[]) {
    this.values = values;
  }

  get(a: number, b: number): number {
    const key = a < b ? a * 4194304 + b : b * 4194304 + a;
    let value = this.cache.get(key);
    if (value === undefined) {
      value = jaroWinkler(this.values[a], this.values[b]);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, value);
    }
    return value;
  }
}

/** One name is the other with a part dropped (SMITHJONES / JONES): double-barrelled surnames used in part. */
function isPartOf(a: string, b: string): boolean {
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.length > short.length && (long.startsWith(short) || long.endsWith(short));
}

/** Compares records i and j field by field, writing each field's level (or NULL_LEVEL) into `out`. */
export class Comparator {
  private readonly names: SimilarityCache;
  private readonly places: SimilarityCache;
  private readonly r: EncodedRecords;

  constructor(r: EncodedRecords) {
    this.r = r;
    this.names = new SimilarityCache(r.names.values);
    this.places = new SimilarityCache(r.places.values);
  }

  compare(i: number, j: number, out: Int8Array): void {
    const r = this.r;
    const n1 = r.nhsNumber[i];
    const n2 = r.nhsNumber[j];
    out[F.nhsNumber] = n1 === 0 || n2 === 0 ? NULL_LEVEL : n1 === n2 ? 0 : 1;
    out[F.name] = this.name(i, j);
    out[F.birthDate] = birthDateLevel(r.birthDate[i], r.birthDate[j]);
    const s1 = r.sex[i];
    const s2 = r.sex[j];
    out[F.sex] = s1 === 0 || s2 === 0 ? NULL_LEVEL : s1 === s2 ? 0 : 1;
    out[F.postcode] = this.postcode(i, j);
    // The town says little once postcodes are compared, and counting both would count one move twice.
    out[F.town] = out[F.postcode] === NULL_LEVEL ? this.similar(r.town[i], r.town[j], this.places) : NULL_LEVEL;
    // Emails are made from names (john.smith12@…), so only an exact one is evidence of its own.
    const e1 = r.email[i];
    const e2 = r.email[j];
    out[F.email] = e1 < 0 || e2 < 0 ? NULL_LEVEL : e1 === e2 ? 0 : 1;
    const p1 = r.phone[i];
    const p2 = r.phone[j];
    out[F.phone] = p1 < 0 || p2 < 0 ? NULL_LEVEL : p1 === p2 ? 0 : 1;
  }

  private postcode(i: number, j: number): number {
    const r = this.r;
    if (r.postcode[i] < 0 || r.postcode[j] < 0) return NULL_LEVEL;
    if (r.postcode[i] === r.postcode[j]) return 0;
    if (r.sector[i] === r.sector[j]) return 1;
    if (r.outcode[i] === r.outcode[j]) return 2;
    return r.area[i] === r.area[j] ? 3 : 4;
  }

  private similar(a: number, b: number, cache: SimilarityCache): number {
    if (a < 0 || b < 0) return NULL_LEVEL;
    if (a === b) return 0;
    return cache.get(a, b) >= SIMILAR ? 1 : 2;
  }

  private isSimilarForename(a: number, b: number, middleA: number, middleB: number): boolean {
    if (a === middleB || b === middleA) return true;
    const values = this.r.names.values;
    return areNicknames(values[a], values[b]) || this.isMistyped(a, b) || isShortFormOf(values[a], values[b]);
  }

  /** Jaro–Winkler at or above SIMILAR, or one slip of the keyboard (which Jaro–Winkler scores low when it hits the first letter). */
  private isMistyped(a: number, b: number): boolean {
    const values = this.r.names.values;
    return this.names.get(a, b) >= SIMILAR || (values[a].length >= 3 && values[b].length >= 3 && withinOneEdit(values[a], values[b]));
  }

  private isSimilarSurname(a: number, b: number): boolean {
    const values = this.r.names.values;
    return this.isMistyped(a, b) || isPartOf(values[a], values[b]);
  }

  private name(i: number, j: number): number {
    const r = this.r;
    const g1 = r.given[i];
    const g2 = r.given[j];
    const f1 = r.family[i];
    const f2 = r.family[j];
    if (g1 < 0 || g2 < 0 || f1 < 0 || f2 < 0) {
      // With half a name on either side only an exact agreement says anything.
      if (f1 >= 0 && f1 === f2) return NAME.surnameOnly;
      if (g1 >= 0 && g1 === g2) return NAME.forenameOnly;
      return NULL_LEVEL;
    }
    if (f1 === f2) {
      if (g1 === g2) return NAME.exact;
      const values = r.names.values;
      if (g1 === r.middle[j] || g2 === r.middle[i] || areNicknames(values[g1], values[g2])) return NAME.nickname;
      if (this.isMistyped(g1, g2) || isShortFormOf(values[g1], values[g2]) || isInitialOf(values[g1], values[g2])) return NAME.surnameExact;
      return NAME.surnameOnly;
    }
    if (g1 === f2 && f1 === g2) return NAME.swapped;
    const surnameSimilar = this.isSimilarSurname(f1, f2);
    if (g1 === g2) return surnameSimilar ? NAME.forenameExact : NAME.forenameOnly;
    const forenameRelated = this.isSimilarForename(g1, g2, r.middle[i], r.middle[j]);
    if (surnameSimilar && forenameRelated) return NAME.bothSimilar;
    // A changed surname with the forename given another way (a middle name, a short form).
    return forenameRelated ? NAME.forenameOnly : NAME.different;
  }
}

/** RAY / RAYMOND, CHRIS / CHRISTOPHER: the shorter forename (three letters or more) begins the longer. */
function isShortFormOf(a: string, b: string): boolean {
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 3 && long.startsWith(short);
}

function isInitialOf(a: string, b: string): boolean {
  return (a.length === 1 && b[0] === a) || (b.length === 1 && a[0] === b);
}

/**
 * Levels: exact, day and month swapped, one digit wrong or two adjacent digits swapped, within a
 * year, within ten years, further apart (a father and son of one name at one address).
 */
export function birthDateLevel(a: number, b: number): number {
  if (a === 0 || b === 0) return NULL_LEVEL;
  if (a === b) return 0;
  const yearA = Math.floor(a / 10000);
  const yearB = Math.floor(b / 10000);
  const mdA = a % 10000;
  const mdB = b % 10000;
  if (yearA === yearB && Math.floor(mdA / 100) === mdB % 100 && mdA % 100 === Math.floor(mdB / 100)) return 1;
  if (isOneDigitApart(a, b)) return 2;
  const months = Math.abs((yearA * 12 + Math.floor(mdA / 100)) - (yearB * 12 + Math.floor(mdB / 100)));
  return months <= 12 ? 3 : months <= 120 ? 4 : 5;
}

function isOneDigitApart(a: number, b: number): boolean {
  let differing = 0;
  let firstDiff = -1;
  const da: number[] = [];
  const db: number[] = [];
  for (let k = 0; k < 8; k++) {
    da.push(a % 10);
    db.push(b % 10);
    a = Math.floor(a / 10);
    b = Math.floor(b / 10);
  }
  for (let k = 0; k < 8; k++) {
    if (da[k] !== db[k]) {
      differing++;
      if (firstDiff < 0) firstDiff = k;
    }
  }
  if (differing === 1) return true;
  return differing === 2 && firstDiff < 7 && da[firstDiff] === db[firstDiff + 1] && da[firstDiff + 1] === db[firstDiff];
}

/** The display name of a level. */
export function levelName(field: number, level: number): string {
  return level === NULL_LEVEL ? 'missing' : FIELDS[field].levels[level];
}
