// Reads a PDS search query the way PDS does: known parameters only, valid values, and one of the
// parameter combinations PDS accepts for a non-fuzzy or a fuzzy search. Anything else is refused
// with the Spine code PDS would give.
// See: ../../../../shared/reference/uk-standards.md §3
import type { SpineCode } from './spine-codes.ts';
import { hasWildcard, normaliseName, normalisePhone, normalisePostcode } from './pds-text.ts';

export interface DateBound {
  prefix: 'eq' | 'ge' | 'le';
  date: string;
}

/** A validated search; names and postcode are normalised (see pds-text.ts). */
export interface PdsCriteria {
  family?: string;
  /** Given-name words in order; a compound `given=John Paul` gives two. */
  given: string[];
  gender?: string;
  birthdate: DateBound[];
  deathDate: DateBound[];
  postcode?: string;
  generalPractitioner?: string;
  email?: string;
  phone?: string;
  fuzzy: boolean;
  exact: boolean;
  history: boolean;
  maxResults: number;
}

/** A request PDS would refuse: the HTTP status, Spine code and diagnostics to answer with. */
export class PdsRefusal extends Error {
  readonly status: number;
  readonly code: SpineCode;

  constructor(status: number, code: SpineCode, diagnostics: string) {
    super(diagnostics);
    this.name = 'PdsRefusal';
    this.status = status;
    this.code = code;
  }
}

const SINGLE = ['family', 'gender', 'death-date', 'address-postalcode', 'general-practitioner', 'email', 'phone',
  '_fuzzy-match', '_exact-match', '_history', '_max-results'] as const;
const KNOWN = new Set<string>([...SINGLE, 'given', 'birthdate']);
const GENDERS = new Set(['male', 'female', 'other', 'unknown']);
const MAX_NAME_LENGTH = 35;
const DEFAULT_MAX_RESULTS = 50;

const invalidValue = (field: string, value: string) => new PdsRefusal(400, 'INVALID_VALUE', `Invalid value - '${value}' in field '${field}'`);
const invalidSearch = (why: string) => new PdsRefusal(400, 'INVALID_SEARCH_DATA', why);

/** Parses and checks a search query; throws PdsRefusal when PDS would answer 400. */
export function parseSearchQuery(query: readonly (readonly [string, string])[]): PdsCriteria {
  if (query.length === 0) throw new PdsRefusal(400, 'UNSUPPORTED_SERVICE', 'No search parameters provided');
  const values = new Map<string, string[]>();
  for (const [key, value] of query) {
    // address-postcode was renamed; PDS refuses the old spelling rather than ignoring it.
    if (key === 'address-postcode') throw invalidSearch("Invalid search data provided - 'address-postcode' is deprecated, use 'address-postalcode'");
    if (!KNOWN.has(key)) throw new PdsRefusal(400, 'ADDITIONAL_PROPERTIES', `Invalid search parameter - '${key}' is not supported`);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  const one = (key: (typeof SINGLE)[number]): string | undefined => {
    const all = values.get(key);
    if (all && all.length > 1) throw invalidSearch(`Invalid search data provided - '${key}' may be given once`);
    return all?.[0];
  };
  const criteria: PdsCriteria = {
    given: (values.get('given') ?? []).flatMap((g) => nameWords('given', g)),
    birthdate: dateBounds('birthdate', values.get('birthdate') ?? []),
    deathDate: dateBounds('death-date', values.get('death-date') ?? []),
    fuzzy: flag('_fuzzy-match', one('_fuzzy-match')),
    exact: flag('_exact-match', one('_exact-match')),
    history: flag('_history', one('_history')),
    maxResults: maxResults(one('_max-results')),
  };
  const family = one('family');
  if (family !== undefined) criteria.family = nameWords('family', family).join('');
  const gender = one('gender');
  if (gender !== undefined) {
    if (!GENDERS.has(gender)) throw invalidValue('gender', gender);
    criteria.gender = gender;
  }
  const postcode = one('address-postalcode');
  if (postcode !== undefined) criteria.postcode = checkWildcard('address-postalcode', normalisePostcode(postcode));
  const gp = one('general-practitioner');
  if (gp !== undefined) criteria.generalPractitioner = gp.toUpperCase();
  const email = one('email');
  if (email !== undefined) criteria.email = noWildcard('email', email.trim().toLowerCase());
  const phone = one('phone');
  if (phone !== undefined) criteria.phone = normalisePhone(noWildcard('phone', phone));
  checkCombination(criteria);
  return criteria;
}

function nameWords(field: string, raw: string): string[] {
  if (raw.length > MAX_NAME_LENGTH) throw invalidValue(field, raw);
  const words = raw.split(/\s+/).map(normaliseName).filter(Boolean);
  if (words.length === 0) throw invalidValue(field, raw);
  return words.map((w) => checkWildcard(field, w));
}

/** A wildcard may not be one of the first two characters (PDS would match half the country). */
function checkWildcard(field: string, value: string): string {
  const at = value.indexOf('*');
  if (at !== -1 && at < 2) throw invalidSearch(`Invalid search data provided - wildcard in the first two characters of '${field}'`);
  return value;
}

function noWildcard(field: string, value: string): string {
  if (hasWildcard(value)) throw invalidSearch(`Invalid search data provided - '${field}' must match exactly`);
  return value;
}

function dateBounds(field: string, raw: readonly string[]): DateBound[] {
  const bounds = raw.map((value) => {
    const match = /^(eq|ge|le)?(\d{4}-\d{2}-\d{2})$/.exec(value);
    if (!match || !isRealDate(match[2]!)) throw invalidValue(field, value);
    return { prefix: (match[1] ?? 'eq') as DateBound['prefix'], date: match[2]! };
  });
  // Two values make a range: one ge and one le.
  if (bounds.length > 2 || (bounds.length === 2 && !(bounds.some((b) => b.prefix === 'ge') && bounds.some((b) => b.prefix === 'le')))) {
    throw invalidSearch(`Invalid search data provided - '${field}' takes one date or a ge/le range`);
  }
  return bounds;
}

function isRealDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

function flag(field: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false') throw invalidValue(field, value);
  return value === 'true';
}

function maxResults(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_RESULTS;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 50) throw invalidValue('_max-results', value);
  return Number(value);
}

/** Minimum non-fuzzy: family + birthdate. Fuzzy: given+family+birthdate, family+birthdate+gender+postcode or given+birthdate+gender+postcode. */
function checkCombination(c: PdsCriteria): void {
  const has = { family: c.family !== undefined, given: c.given.length > 0, birthdate: c.birthdate.length > 0, gender: c.gender !== undefined, postcode: c.postcode !== undefined };
  if (!c.fuzzy) {
    if (!has.family || !has.birthdate) throw invalidSearch('Not enough search parameters were provided to be able to make a search: family and birthdate are the minimum');
    return;
  }
  const wildcards = [c.family ?? '', ...c.given, c.postcode ?? ''].some(hasWildcard);
  if (wildcards) throw invalidSearch('Invalid search data provided - a fuzzy search does not allow wildcards');
  const combinations = [
    has.given && has.family && has.birthdate,
    has.family && has.birthdate && has.gender && has.postcode,
    has.given && has.birthdate && has.gender && has.postcode,
  ];
  if (!combinations.some(Boolean)) {
    throw invalidSearch('Not enough search parameters were provided for a fuzzy search: given, family and birthdate; or family (or given), birthdate, gender and postcode');
  }
}
