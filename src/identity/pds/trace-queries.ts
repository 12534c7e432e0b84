// Turns what a source record says about a person into PDS searches, in the order NHS England asks
// for: a non-fuzzy search first (family, given, date of birth, sex, with history), and a fuzzy one
// only if that finds nobody. A postcode is kept back to narrow a non-fuzzy search that finds several.
// See: ../../../../shared/reference/uk-standards.md §3
import type { MatchRecord } from '../match-types.ts';
import type { PdsGender, PdsSearchParams } from './pds-client.ts';

export type TraceSearchKind = 'non-fuzzy' | 'non-fuzzy-postcode' | 'fuzzy';

export interface TraceQuery {
  kind: TraceSearchKind;
  params: PdsSearchParams;
}

/** Enough to tell people apart, few enough that a common name still fits. */
const MAX_RESULTS = 10;

function genderOf(record: MatchRecord): PdsGender | undefined {
  return record.sex === 'M' ? 'male' : record.sex === 'F' ? 'female' : undefined;
}

/** The searches to try, in order; empty when the record has too little to search with. */
export function traceQueries(record: MatchRecord): TraceQuery[] {
  const gender = genderOf(record);
  const { family, given, birthDate, postcode } = record;
  const queries: TraceQuery[] = [];
  const common = { ...(gender ? { gender } : {}), maxResults: MAX_RESULTS };
  // PDS's minimum for a non-fuzzy search is family name and date of birth.
  if (family && birthDate) {
    queries.push({ kind: 'non-fuzzy', params: { family, ...(given ? { given } : {}), birthDate, ...common, history: true } });
  }
  // The fuzzy combinations PDS accepts, most specific first.
  if (given && family && birthDate) {
    queries.push({ kind: 'fuzzy', params: { family, given, birthDate, ...common, fuzzy: true } });
  } else if (family && birthDate && gender && postcode) {
    queries.push({ kind: 'fuzzy', params: { family, birthDate, postcode, ...common, fuzzy: true } });
  } else if (given && birthDate && gender && postcode) {
    queries.push({ kind: 'fuzzy', params: { given, birthDate, postcode, ...common, fuzzy: true } });
  }
  return queries;
}

/** The non-fuzzy search narrowed by postcode, when one was several people and the record has a postcode. */
export function narrowedQuery(query: TraceQuery, record: MatchRecord): TraceQuery | undefined {
  if (query.kind !== 'non-fuzzy' || !record.postcode) return undefined;
  return { kind: 'non-fuzzy-postcode', params: { ...query.params, postcode: record.postcode } };
}
