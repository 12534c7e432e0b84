// sharedcare's audit reports ($audit-report) as plain rows for the IG pages, and a privacy
// officer's review of one event ($audit-review). Report names, columns and paging are in
// docs/governance/audit.md#reports.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { fhir, parameters } from '../../lib/fhir.ts';

/** One audited access, as the access-log, break-glass, self-claim and consent-refusals reports give it. */
export interface AuditRow {
  seq: string;
  recorded: string;
  /** The token subject: a user id, a client id or a citizen login. */
  agent: string;
  name?: string;
  role?: string;
  organization?: string;
  /** user, system or citizen (access-log only). */
  kind?: string;
  purpose?: string;
  basis?: string;
  /** read, search-type, $everything… (access-log only). */
  interaction?: string;
  outcome: 'success' | 'denied' | 'failed';
  /** The person's patient ids the event concerned (`Patient/id`). */
  patients: string[];
  reason?: string;
  review?: 'pending' | 'appropriate' | 'inappropriate';
  reviewer?: string;
  reviewNote?: string;
  reviewedAt?: string;
}

/** Record views in one ISO week by one organisation, role and kind of caller. */
export interface WeeklyViewsRow {
  week: string;
  organization?: string;
  role?: string;
  kind: string;
  views: number;
  patients: number;
}

export interface ReportPage<T> {
  rows: T[];
  /** Pass back as `cursor` for the older rows. */
  next?: string;
}

type RowReport = 'access-log' | 'break-glass' | 'self-claim' | 'consent-refusals';

function partValue(part: ParametersParameter): string | number | undefined {
  return part.valueString ?? part.valueCode ?? part.valueInstant ?? part.valueInteger ?? part.valueReference?.reference;
}

function rowOf(parts: readonly ParametersParameter[]): Record<string, unknown> {
  const row: Record<string, unknown> = { patients: [] };
  for (const part of parts) {
    const value = partValue(part);
    if (value === undefined) continue;
    if (part.name === 'patient') (row.patients as string[]).push(String(value));
    else row[part.name] = value;
  }
  return row;
}

async function runReport(name: string, query: Array<[string, string]>): Promise<ReportPage<Record<string, unknown>>> {
  const search = new URLSearchParams([['report', name], ...query]);
  const answer = await fhir<Parameters>(`$audit-report?${search}`);
  const params = answer.parameter ?? [];
  const next = params.find((p) => p.name === 'next')?.valueString;
  return { rows: params.filter((p) => p.name === 'row').map((p) => rowOf(p.part ?? [])), ...(next ? { next } : {}) };
}

/** A page of a row report, newest first; `query` adds patient, review, _count, cursor… */
export async function auditRows(name: RowReport, query: Array<[string, string]>): Promise<ReportPage<AuditRow>> {
  const page = await runReport(name, query);
  return { ...page, rows: page.rows as unknown as AuditRow[] };
}

/** Weekly record views from `since` (a date) on. */
export async function weeklyViews(since: string): Promise<WeeklyViewsRow[]> {
  const page = await runReport('weekly-views', [['since', since]]);
  return page.rows as unknown as WeeklyViewsRow[];
}

/** Records a privacy officer's judgement of one audited access. */
export async function recordReview(seq: string, outcome: 'appropriate' | 'inappropriate', note: string): Promise<void> {
  await fhir('$audit-review', { method: 'POST', body: parameters({ seq, outcome, note }) });
}
