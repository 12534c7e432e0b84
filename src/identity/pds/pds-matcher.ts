// Decides whether a person on the stand-in spine matches a search, and how well: 1.0 when every
// criterion matches their current details exactly, less for wildcards, history, homophones and
// transposed names. PDS does not publish its scoring; these factors are the stand-in's own.
import type { HumanName, Patient } from '@medplum/fhirtypes';
import { ODS_ORGANIZATION_SYSTEM } from '../../fhir/systems.ts';
import type { PdsPatientRecord } from './pds-population.ts';
import type { DateBound, PdsCriteria } from './pds-search-query.ts';
import { hasWildcard, normaliseName, normalisePhone, normalisePostcode, wildcardMatches } from './pds-text.ts';
import { soundex } from '../soundex.ts';

/** Score factors: the product of those that apply is the match score. Documented in docs/identity/pds.md. */
export const SCORE_FACTORS = {
  wildcard: 0.9,
  history: 0.96,
  soundexFamily: 0.88,
  soundexGiven: 0.93,
  transposed: 0.85,
  missingGiven: 0.95,
  /** Death date or GP differ in a fuzzy search: they only lower the score there. */
  fuzzyMismatch: 0.9,
} as const;

/** Name uses a search looks at; history and fuzzy searches look at every name. */
const SEARCH_NAME_USES = new Set(['usual', 'nickname', 'temporary', undefined]);

/** The match score of a person for the criteria, or undefined when they do not match. */
export function scoreRecord(record: PdsPatientRecord, c: PdsCriteria): number | undefined {
  const { patient } = record;
  const withHistory = c.history || c.fuzzy;
  if (c.gender !== undefined && patient.gender !== c.gender) return undefined;
  if (!c.birthdate.every((b) => satisfies(patient.birthDate, b))) return undefined;
  const factors: number[] = [];
  const names = nameFactor(record, c, withHistory);
  if (names === undefined) return undefined;
  factors.push(names);
  for (const factor of [
    postcodeFactor(record, c.postcode, withHistory),
    telecomFactor(record, 'email', c.email, c.history),
    telecomFactor(record, 'phone', c.phone, c.history),
    softFactor(c.deathDate.length === 0 || c.deathDate.every((b) => satisfies(patient.deceasedDateTime?.slice(0, 10), b)), c.fuzzy),
    softFactor(c.generalPractitioner === undefined || gpOf(patient) === c.generalPractitioner, c.fuzzy),
  ]) {
    if (factor === undefined) return undefined;
    factors.push(factor);
  }
  return Math.round(factors.reduce((a, b) => a * b, 1) * 10_000) / 10_000;
}

function satisfies(value: string | undefined, bound: DateBound): boolean {
  if (!value) return false;
  const date = value.slice(0, 10);
  return bound.prefix === 'eq' ? date === bound.date : bound.prefix === 'ge' ? date >= bound.date : date <= bound.date;
}

/** A non-fuzzy search filters on death date and GP; a fuzzy one only scores them. */
function softFactor(matches: boolean, fuzzy: boolean): number | undefined {
  if (matches) return 1;
  return fuzzy ? SCORE_FACTORS.fuzzyMismatch : undefined;
}

function gpOf(patient: Patient): string | undefined {
  const gp = patient.generalPractitioner?.find((g) => g.identifier?.system === ODS_ORGANIZATION_SYSTEM);
  return gp?.identifier?.value?.toUpperCase();
}

interface NameWords {
  family: string;
  given: string[];
}

function words(name: HumanName): NameWords {
  return { family: normaliseName(name.family ?? ''), given: (name.given ?? []).flatMap((g) => g.split(/\s+/)).map(normaliseName).filter(Boolean) };
}

/** Best factor over the person's names (family and given must match within one name). */
function nameFactor(record: PdsPatientRecord, c: PdsCriteria, withHistory: boolean): number | undefined {
  // Names of other uses (old, maiden) count as history.
  const current = (record.patient.name ?? []).filter((n) => withHistory || SEARCH_NAME_USES.has(n.use));
  const candidates = current.map((n): [HumanName, number] => [n, SEARCH_NAME_USES.has(n.use) ? 1 : SCORE_FACTORS.history]);
  if (withHistory) candidates.push(...(record.history?.names ?? []).map((n): [HumanName, number] => [n, SCORE_FACTORS.history]));
  let best: number | undefined;
  for (const [name, base] of candidates) {
    const factor = oneNameFactor(words(name), c);
    if (factor !== undefined) best = Math.max(best ?? 0, factor * base);
  }
  return best;
}

function oneNameFactor(name: NameWords, c: PdsCriteria): number | undefined {
  const straight = product(c.family === undefined ? 1 : wordFactor(c.family, name.family, c.fuzzy, SCORE_FACTORS.soundexFamily),
    givenFactor(c.given, name.given, c.fuzzy));
  if (straight !== undefined || !c.fuzzy || c.family === undefined || c.given.length === 0) return straight;
  // Fuzzy searches also find "Thomas Adam" for "Adam Thomas".
  const swapped = product(wordFactor(c.family, name.given[0] ?? '', true, SCORE_FACTORS.soundexGiven),
    wordFactor(c.given[0]!, name.family, true, SCORE_FACTORS.soundexFamily));
  return swapped === undefined ? undefined : swapped * SCORE_FACTORS.transposed;
}

function wordFactor(pattern: string, value: string, fuzzy: boolean, soundexFactor: number): number | undefined {
  if (!value) return undefined;
  if (pattern === value) return 1;
  if (!fuzzy) return hasWildcard(pattern) && wildcardMatches(pattern, value) ? SCORE_FACTORS.wildcard : undefined;
  return soundex(pattern) === soundex(value) ? soundexFactor : undefined;
}

/** The first searched given name against the first held; further ones against the remaining held. */
function givenFactor(search: readonly string[], held: readonly string[], fuzzy: boolean): number | undefined {
  if (search.length === 0) return 1;
  let factor = wordFactor(search[0]!, held[0] ?? '', fuzzy, SCORE_FACTORS.soundexGiven);
  for (const word of search.slice(1)) {
    const found = Math.max(0, ...held.slice(1).map((h) => wordFactor(word, h, fuzzy, SCORE_FACTORS.soundexGiven) ?? 0));
    factor = product(factor, found > 0 ? found : fuzzy ? SCORE_FACTORS.missingGiven : undefined);
  }
  return factor;
}

function postcodeFactor(record: PdsPatientRecord, postcode: string | undefined, withHistory: boolean): number | undefined {
  if (postcode === undefined) return 1;
  const home = (record.patient.address ?? []).filter((a) => a.use === undefined || a.use === 'home');
  const matches = (a: { postalCode?: string }) => !!a.postalCode && wildcardMatches(postcode, normalisePostcode(a.postalCode));
  const wildcard = hasWildcard(postcode) ? SCORE_FACTORS.wildcard : 1;
  if (home.some(matches)) return wildcard;
  if (withHistory && (record.history?.addresses ?? []).some(matches)) return wildcard * SCORE_FACTORS.history;
  return undefined;
}

/** Email and phone match exactly, on current details (and history when asked). */
function telecomFactor(record: PdsPatientRecord, system: 'email' | 'phone', value: string | undefined, history: boolean): number | undefined {
  if (value === undefined) return 1;
  const norm = (v: string) => (system === 'email' ? v.trim().toLowerCase() : normalisePhone(v));
  const matches = (t: { system?: string; value?: string }) => t.system === system && !!t.value && norm(t.value) === value;
  if ((record.patient.telecom ?? []).some(matches)) return 1;
  if (history && (record.history?.telecom ?? []).some(matches)) return SCORE_FACTORS.history;
  return undefined;
}

function product(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a * b;
}
