// PDS tracing of identity records: searches PDS with each record's demographics, decides an outcome
// (traced, restricted, multiple, no-match, conflict, error), keeps the latest per source Patient in
// identity_trace, and reports whose NHS number changed so the caller can re-link them.
// See: docs/identity/pds.md
import type { Queryable } from '../../store/driver.ts';
import type { MatchRecord } from '../match-types.ts';
import type { PdsClient } from './pds-client.ts';
import { PdsError } from './pds-error.ts';
import {
  decideMatch,
  errorResult,
  type HeldNumberStatus,
  judgeSearch,
  multipleResult,
  noMatchResult,
  TRACE_OUTCOMES,
  TRACE_THRESHOLD,
  type TraceOutcome,
  type TraceResult,
} from './trace-decision.ts';
import { narrowedQuery, type TraceQuery, type TraceSearchKind, traceQueries } from './trace-queries.ts';
import { type LatestTrace, readLatestTraces, readTraceCandidates, saveTrace } from './trace-store.ts';

export interface TraceOptions {
  /** Also re-check records whose NHS number is already verified. */
  all?: boolean;
  /** Trace at most this many records. */
  limit?: number;
  /** Lowest score that traces (default 0.9). */
  threshold?: number;
  /** Stop after this many errors in a row, e.g. PDS unreachable (default 10). */
  maxConsecutiveErrors?: number;
  /** Sent as X-Correlation-ID on every call of the run. */
  correlationId?: string;
  /** Called after each record, e.g. for progress. */
  onTraced?: (patientId: string, result: TraceResult) => void;
}

export interface TraceSummary {
  total: number;
  counts: Record<TraceOutcome, number>;
  /** Source Patients whose NHS number (as traced, or as the record holds it) changed: re-link these. */
  changed: string[];
  /** Why the run stopped early, when it did. */
  aborted?: string;
}

const PAGE = 200;
const VERIFYING: ReadonlySet<TraceOutcome> = new Set(['traced', 'restricted']);

/** Traces every identity record lacking a verified NHS number (all of them with `all`). */
export async function traceRecords(db: Queryable, client: PdsClient, options: TraceOptions = {}): Promise<TraceSummary> {
  const counts = Object.fromEntries(TRACE_OUTCOMES.map((o) => [o, 0])) as Record<TraceOutcome, number>;
  const summary: TraceSummary = { total: 0, counts, changed: [] };
  const limit = options.limit ?? Infinity;
  const maxErrors = options.maxConsecutiveErrors ?? 10;
  let errorsInRow = 0;
  let after: string | undefined;
  while (summary.total < limit) {
    const page = await readTraceCandidates(db, { ...(after ? { after } : {}), all: options.all ?? false, limit: Math.min(PAGE, limit - summary.total) });
    if (page.length === 0) break;
    const latest = await readLatestTraces(db, page.map((c) => c.patientId));
    for (const { patientId, record } of page) {
      const result = await traceRecord(client, record, options);
      await saveTrace(db, patientId, result);
      summary.total++;
      counts[result.outcome]++;
      if (numberChanged(record, latest.get(patientId), result)) summary.changed.push(patientId);
      options.onTraced?.(patientId, result);
      errorsInRow = result.outcome === 'error' ? errorsInRow + 1 : 0;
      if (errorsInRow >= maxErrors) {
        summary.aborted = `PDS failed ${errorsInRow} times in a row (last: ${String(result.detail.code)}); stopped`;
        return summary;
      }
    }
    after = page[page.length - 1]!.patientId;
  }
  // The caller re-links summary.changed (traced numbers count as verified in matching).
  return summary;
}

/** Traces one record; PDS refusals become an `error` result, never an exception. */
export async function traceRecord(client: PdsClient, record: MatchRecord, options: Pick<TraceOptions, 'threshold' | 'correlationId'> = {}): Promise<TraceResult> {
  if (record.placeholder) return noMatchResult('placeholder', []);
  const queries = traceQueries(record);
  if (queries.length === 0) return noMatchResult('insufficient-demographics', []);
  const threshold = options.threshold ?? TRACE_THRESHOLD;
  const call = { ...(options.correlationId ? { correlationId: options.correlationId } : {}) };
  const tried: TraceSearchKind[] = [];
  let best: Extract<ReturnType<typeof judgeSearch>, { kind: 'none' }>['best'];
  try {
    for (const query of queries) {
      tried.push(query.kind);
      let verdict = judgeSearch(await client.search(query.params, call), threshold);
      let kind = query.kind;
      const narrowed: TraceQuery | undefined = verdict.kind === 'multiple' ? narrowedQuery(query, record) : undefined;
      if (narrowed) {
        tried.push(narrowed.kind);
        const second = judgeSearch(await client.search(narrowed.params, call), threshold);
        if (second.kind === 'unique') [verdict, kind] = [second, narrowed.kind];
      }
      if (verdict.kind === 'unique') {
        const held = await heldNumberStatus(client, record, verdict.entry.patient.id!, call);
        return decideMatch(record, verdict.entry, kind, held);
      }
      if (verdict.kind === 'multiple') return multipleResult(verdict, kind);
      if (verdict.best && (!best || verdict.best.score > best.score)) best = verdict.best;
    }
    return noMatchResult(best ? 'below-threshold' : 'no-candidates', tried, best);
  } catch (err) {
    if (err instanceof PdsError) return errorResult(err);
    throw err;
  }
}

/** When PDS traced a different number from the one held, a read of the held one says why. */
async function heldNumberStatus(client: PdsClient, record: MatchRecord, traced: string, call: { correlationId?: string }): Promise<HeldNumberStatus | undefined> {
  if (!record.nhsNumber || record.nhsNumber === traced) return undefined;
  try {
    const read = await client.read(record.nhsNumber, call);
    return read.nhsNumber === traced ? 'superseded' : 'another-person';
  } catch (err) {
    if (!(err instanceof PdsError)) throw err;
    if (err.code === 'INVALIDATED_RESOURCE') return 'invalidated';
    return err.code === 'RESOURCE_NOT_FOUND' ? 'not-found' : 'unknown';
  }
}

/** The number matching should use for the patient, before and after this trace. */
function numberChanged(record: MatchRecord, previous: LatestTrace | undefined, result: TraceResult): boolean {
  const before = previous && VERIFYING.has(previous.outcome) ? previous.nhsNumber : record.nhsNumber;
  if (result.outcome === 'error') return false;
  const after = VERIFYING.has(result.outcome) ? result.nhsNumber : record.nhsNumber;
  return before !== after;
}
