// The rules that turn PDS's answers into a trace outcome: traced only for one match at or above the
// threshold; a verified NHS number is never replaced by a different one (a conflict for review);
// a restricted person is traced but nothing about where they live is kept.
// See: docs/identity/pds.md
import type { Patient } from '@medplum/fhirtypes';
import type { MatchRecord } from '../match-types.ts';
import type { PdsSearchEntry, PdsSearchResult } from './pds-client.ts';
import type { PdsError } from './pds-error.ts';
import { isRestricted } from './spine-codes.ts';
import type { TraceSearchKind } from './trace-queries.ts';

/** A match must score at least this to trace a record (PDS scores 1.0 for exact). */
export const TRACE_THRESHOLD = 0.9;

export const TRACE_OUTCOMES = ['traced', 'restricted', 'multiple', 'no-match', 'conflict', 'error'] as const;
export type TraceOutcome = (typeof TRACE_OUTCOMES)[number];

/** NHS NUMBER STATUS INDICATOR CODE: 01 verified, 04 no or multiple match, 05 conflict to resolve. */
export type TraceStatusCode = '01' | '04' | '05';

export interface TraceResult {
  outcome: TraceOutcome;
  /** The number PDS gave (traced, restricted, conflict); only traced and restricted verify it. */
  nhsNumber?: string;
  statusCode?: TraceStatusCode;
  score?: number;
  detail: Record<string, unknown>;
}

/** What a read of the record's own number showed, when PDS traced it to a different one. */
export type HeldNumberStatus = 'superseded' | 'invalidated' | 'not-found' | 'another-person' | 'unknown';

export type SearchVerdict =
  | { kind: 'unique'; entry: PdsSearchEntry }
  | { kind: 'multiple'; candidates: PdsSearchEntry[]; tooManyMatches: boolean }
  | { kind: 'none'; best?: PdsSearchEntry };

/** Reads one search: one strong match, several (or TOO_MANY_MATCHES), or none strong enough. */
export function judgeSearch(result: PdsSearchResult, threshold = TRACE_THRESHOLD): SearchVerdict {
  if (result.tooManyMatches) return { kind: 'multiple', candidates: [], tooManyMatches: true };
  const strong = distinct(result.entries.filter((e) => e.score >= threshold));
  if (strong.length === 1) return { kind: 'unique', entry: strong[0]! };
  if (strong.length > 1) return { kind: 'multiple', candidates: strong, tooManyMatches: false };
  return result.entries[0] ? { kind: 'none', best: result.entries[0] } : { kind: 'none' };
}

function distinct(entries: PdsSearchEntry[]): PdsSearchEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => !seen.has(e.patient.id ?? '') && !!seen.add(e.patient.id ?? ''));
}

/** The outcome for one strong match. */
export function decideMatch(record: MatchRecord, entry: PdsSearchEntry, search: TraceSearchKind, held?: HeldNumberStatus): TraceResult {
  const nhsNumber = entry.patient.id!;
  const base = { search, score: entry.score, ...(entry.patient.meta?.versionId ? { versionId: entry.patient.meta.versionId } : {}) };
  const heldDiffers = record.nhsNumber !== undefined && record.nhsNumber !== nhsNumber;
  const heldDetail = heldDiffers ? { heldNumber: record.nhsNumber, ...(held ? { heldNumberStatus: held } : {}) } : {};
  if (heldDiffers && record.nhsVerified) {
    // Never overwrite a verified number with a different one: a person decides.
    return { outcome: 'conflict', nhsNumber, statusCode: '05', score: entry.score, detail: { ...base, ...heldDetail } };
  }
  if (isRestricted(entry.patient)) {
    return { outcome: 'restricted', nhsNumber, statusCode: '01', score: entry.score, detail: { ...base, ...heldDetail, pds: identityOnly(entry.patient) } };
  }
  return { outcome: 'traced', nhsNumber, statusCode: '01', score: entry.score, detail: { ...base, ...heldDetail, pds: demographics(entry.patient) } };
}

export function multipleResult(verdict: Extract<SearchVerdict, { kind: 'multiple' }>, search: TraceSearchKind): TraceResult {
  const candidates = verdict.candidates.slice(0, 5).map((e) => ({ nhsNumber: e.patient.id, score: e.score }));
  return { outcome: 'multiple', statusCode: '04', detail: { search, ...(verdict.tooManyMatches ? { tooManyMatches: true } : { candidates }) } };
}

export type NoMatchReason = 'no-candidates' | 'below-threshold' | 'insufficient-demographics' | 'placeholder';

export function noMatchResult(reason: NoMatchReason, searches: TraceSearchKind[], best?: PdsSearchEntry): TraceResult {
  return {
    outcome: 'no-match',
    statusCode: '04',
    ...(best ? { score: best.score } : {}),
    detail: { reason, searches, ...(best ? { bestScore: best.score } : {}) },
  };
}

export function errorResult(err: PdsError): TraceResult {
  return { outcome: 'error', detail: { status: err.status, code: err.code, requestId: err.requestId } };
}

/** Who PDS says this is, without any location or contact detail (restricted patients). */
function identityOnly(patient: Patient) {
  const name = patient.name?.find((n) => n.use === 'usual') ?? patient.name?.[0];
  return {
    ...(name?.family ? { family: name.family } : {}),
    ...(name?.given ? { given: name.given } : {}),
    ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
    ...(patient.gender ? { gender: patient.gender } : {}),
  };
}

/** PDS's demographics as a reviewer needs them: name, birth, sex, home postcode, GP, death. */
function demographics(patient: Patient) {
  const postcode = patient.address?.find((a) => a.use === 'home' || a.use === undefined)?.postalCode;
  const gp = patient.generalPractitioner?.[0]?.identifier?.value;
  return {
    ...identityOnly(patient),
    ...(postcode ? { postcode } : {}),
    ...(gp ? { gp } : {}),
    ...(patient.deceasedDateTime ? { deceased: patient.deceasedDateTime } : {}),
  };
}
