// Reports over the audit trail for information-governance staff and for the person: who viewed
// a record, every break-glass and self-claimed access with its review, consent-to-view refusals,
// and record views per week, organisation and role. Rows are plain values; the server and the
// CLI render them (FHIR Parameters, a table, JSON).
import { invalid } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import { toInstant } from '../../store/stored-row.ts';
import type { AccessBasis } from './access-record.ts';

export const REPORT_NAMES = ['access-log', 'break-glass', 'self-claim', 'consent-refusals', 'weekly-views'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** The consent-to-view operation's AccessRecord convention (see docs/governance/audit.md). */
export const CONSENT_TO_VIEW_OPERATION = 'consent-to-view';
export const CONSENT_REFUSED_PREFIX = 'refused';

export type ColumnType = 'instant' | 'string' | 'code' | 'integer' | 'reference';
export interface ReportColumn {
  name: string;
  type: ColumnType;
}
export type ReportValue = string | number | string[];
export type ReportRow = Record<string, ReportValue | undefined>;

export interface AuditReport {
  name: ReportName;
  columns: readonly ReportColumn[];
  rows: ReportRow[];
  /** For row reports: pass as `cursor` for the next (older) rows. */
  next?: string;
}

export interface ReportOptions {
  /** access-log: the person's patient ids (`Patient/id`); required there. */
  patients?: readonly string[];
  /** ISO instants or FHIR dates: recorded ≥ since, recorded < until. */
  since?: string;
  until?: string;
  /** break-glass, self-claim: only events not yet reviewed, or only reviewed ones. */
  review?: 'pending' | 'reviewed';
  limit?: number;
  cursor?: string;
  /** Only events about these patients (a citizen's own); an empty list matches nothing. */
  restrictToPatients?: readonly string[];
}

export const DEFAULT_REPORT_LIMIT = 1000;
export const MAX_REPORT_LIMIT = 10_000;
const OUTCOME_NAMES: Record<string, string> = { '0': 'success', '4': 'denied', '8': 'failed' };

const col = (name: string, type: ColumnType): ReportColumn => ({ name, type });
const WHO = [col('agent', 'string'), col('name', 'string'), col('role', 'code'), col('organization', 'string')];
const COLUMNS: Record<ReportName, readonly ReportColumn[]> = {
  'access-log': [col('seq', 'string'), col('recorded', 'instant'), ...WHO, col('kind', 'code'), col('purpose', 'code'), col('basis', 'code'),
    col('interaction', 'code'), col('outcome', 'code'), col('patient', 'reference')],
  'break-glass': [col('seq', 'string'), col('recorded', 'instant'), ...WHO, col('patient', 'reference'), col('reason', 'string'), col('interaction', 'code'), col('outcome', 'code'),
    col('review', 'code'), col('reviewer', 'string'), col('reviewNote', 'string'), col('reviewedAt', 'instant')],
  'self-claim': [],
  'consent-refusals': [col('seq', 'string'), col('recorded', 'instant'), ...WHO, col('patient', 'reference'), col('reason', 'string'), col('outcome', 'code')],
  'weekly-views': [col('week', 'string'), col('organization', 'string'), col('role', 'code'), col('kind', 'code'), col('views', 'integer'), col('patients', 'integer')],
};
COLUMNS['self-claim'] = COLUMNS['break-glass'];

interface EventRow {
  seq: string;
  recorded: string;
  agent_subject: string;
  agent_name: string | null;
  agent_kind: string;
  agent_role: string | null;
  agent_org: string | null;
  purpose: string;
  basis: string | null;
  reason: string | null;
  subtype: string;
  operation: string | null;
  outcome: string;
  patients: string[];
  review_outcome?: string | null;
  reviewer?: string | null;
  reviewer_name?: string | null;
  review_note?: string | null;
  reviewed_at?: string | null;
}

/** Collects parameterised WHERE clauses. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  p(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
  add(clause: string): void {
    this.clauses.push(clause);
  }
  toString(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function instant(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid('AUDIT_REPORT_PARAMETER', `'${name}' must be a date or instant`, name);
  return new Date(ms).toISOString();
}

function commonFilter(options: ReportOptions, alias = ''): Where {
  const where = new Where();
  const since = instant(options.since, 'since');
  const until = instant(options.until, 'until');
  if (options.restrictToPatients) where.add(`${alias}patients && ${where.p([...options.restrictToPatients])}::text[]`);
  if (since) where.add(`${alias}recorded >= ${where.p(since)}::timestamptz`);
  if (until) where.add(`${alias}recorded < ${where.p(until)}::timestamptz`);
  return where;
}

const limitOf = (options: ReportOptions) => Math.min(Math.max(options.limit ?? DEFAULT_REPORT_LIMIT, 1), MAX_REPORT_LIMIT);

/** Newest-first rows of audit_event (aliased `e`) and the cursor to the next page. */
async function eventRows(q: Queryable, where: Where, options: ReportOptions, withReview = false): Promise<{ rows: EventRow[]; next?: string }> {
  if (options.cursor !== undefined) {
    if (!/^\d{1,18}$/.test(options.cursor)) throw invalid('AUDIT_REPORT_PARAMETER', "'cursor' must be an event seq", 'cursor');
    where.add(`e.seq < ${where.p(options.cursor)}::bigint`);
  }
  const limit = limitOf(options);
  const review = withReview
    ? `LEFT JOIN LATERAL (SELECT outcome AS review_outcome, reviewer, reviewer_name, note AS review_note, reviewed_at::text AS reviewed_at
         FROM audit_review r WHERE r.seq = e.seq ORDER BY r.id DESC LIMIT 1) r ON true`
    : '';
  const { rows } = await q.query<EventRow>(
    `SELECT e.seq, e.recorded::text AS recorded, e.agent_subject, e.agent_name, e.agent_kind, e.agent_role, e.agent_org, e.purpose, e.basis,
            e.reason, e.subtype, e.operation, e.outcome, e.patients${withReview ? ', r.*' : ''}
       FROM audit_event e ${review} ${where} ORDER BY e.seq DESC LIMIT ${where.p(limit + 1)}`,
    where.params,
  );
  const page = rows.slice(0, limit);
  return { rows: page, ...(rows.length > limit ? { next: String(page[page.length - 1]!.seq) } : {}) };
}

function who(row: EventRow): ReportRow {
  return {
    agent: row.agent_subject,
    ...(row.agent_name ? { name: row.agent_name } : {}),
    ...(row.agent_role ? { role: row.agent_role } : {}),
    ...(row.agent_org ? { organization: row.agent_org } : {}),
  };
}

/** What was done: an operation as `$name`, otherwise the REST interaction (read, search-type…). */
const interactionOf = (row: EventRow): string => (row.operation ? `$${row.operation}` : row.subtype);

const base = (row: EventRow): ReportRow => ({ seq: String(row.seq), recorded: toInstant(row.recorded), ...who(row) });

async function accessLog(q: Queryable, options: ReportOptions): Promise<AuditReport> {
  const patients = options.patients ?? [];
  if (patients.length === 0) throw invalid('AUDIT_REPORT_PARAMETER', 'The access log needs the patient ids of the person (patient)', 'patient');
  const where = commonFilter(options, 'e.');
  where.add(`e.patients && ${where.p([...patients])}::text[]`);
  const { rows, next } = await eventRows(q, where, options);
  const asked = new Set(patients);
  return {
    name: 'access-log',
    columns: COLUMNS['access-log'],
    rows: rows.map((row) => ({
      ...base(row),
      kind: row.agent_kind,
      purpose: row.purpose,
      ...(row.basis ? { basis: row.basis } : {}),
      interaction: interactionOf(row),
      outcome: OUTCOME_NAMES[row.outcome] ?? row.outcome,
      // Only the person's own records: the same search may have returned other people.
      patient: row.patients.filter((p) => asked.has(p)),
    })),
    ...(next ? { next } : {}),
  };
}

async function claims(q: Queryable, name: 'break-glass' | 'self-claim', options: ReportOptions): Promise<AuditReport> {
  const basis: AccessBasis = name === 'break-glass' ? 'break-glass' : 'self-claimed';
  const where = commonFilter(options, 'e.');
  where.add(`e.basis = ${where.p(basis)}`);
  if (options.review === 'pending') where.add('r.review_outcome IS NULL');
  if (options.review === 'reviewed') where.add('r.review_outcome IS NOT NULL');
  const { rows, next } = await eventRows(q, where, options, true);
  return {
    name,
    columns: COLUMNS[name],
    rows: rows.map((row) => ({
      ...base(row),
      patient: row.patients,
      ...(row.reason ? { reason: row.reason } : {}),
      // The claim itself ($claim-access) and each access made under it are rows of their own.
      interaction: interactionOf(row),
      outcome: OUTCOME_NAMES[row.outcome] ?? row.outcome,
      review: row.review_outcome ?? 'pending',
      ...(row.reviewer ? { reviewer: row.reviewer_name ? `${row.reviewer_name} (${row.reviewer})` : row.reviewer } : {}),
      ...(row.review_note ? { reviewNote: row.review_note } : {}),
      ...(row.reviewed_at ? { reviewedAt: toInstant(row.reviewed_at) } : {}),
    })),
    ...(next ? { next } : {}),
  };
}

async function consentRefusals(q: Queryable, options: ReportOptions): Promise<AuditReport> {
  const where = commonFilter(options, 'e.');
  where.add(`e.operation = ${where.p(CONSENT_TO_VIEW_OPERATION)}`);
  where.add(`lower(e.reason) LIKE ${where.p(`${CONSENT_REFUSED_PREFIX}%`)}`);
  const { rows, next } = await eventRows(q, where, options);
  return {
    name: 'consent-refusals',
    columns: COLUMNS['consent-refusals'],
    rows: rows.map((row) => ({ ...base(row), patient: row.patients, ...(row.reason ? { reason: row.reason } : {}), outcome: OUTCOME_NAMES[row.outcome] ?? row.outcome })),
    ...(next ? { next } : {}),
  };
}

/** Views: successful reads, searches and operations that returned at least one patient. */
async function weeklyViews(q: Queryable, options: ReportOptions): Promise<AuditReport> {
  const where = commonFilter(options, 'e.');
  where.add("e.outcome = '0'");
  where.add("e.action IN ('R', 'E')");
  where.add("e.subtype NOT IN ('create', 'update', 'patch', 'delete')");
  const { rows } = await q.query<{ week: string; organization: string; role: string; kind: string; views: string; patients: string }>(
    `SELECT to_char(e.recorded AT TIME ZONE 'UTC', 'IYYY-"W"IW') AS week, coalesce(e.agent_org, '') AS organization,
            coalesce(e.agent_role, '') AS role, e.agent_kind AS kind, count(DISTINCT e.seq) AS views, count(DISTINCT p.patient) AS patients
       FROM audit_event e CROSS JOIN LATERAL unnest(e.patients) AS p(patient)
       ${where}
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    where.params,
  );
  return {
    name: 'weekly-views',
    columns: COLUMNS['weekly-views'],
    rows: rows.map((row) => ({
      week: row.week,
      ...(row.organization ? { organization: row.organization } : {}),
      ...(row.role ? { role: row.role } : {}),
      kind: row.kind,
      views: Number(row.views),
      patients: Number(row.patients),
    })),
  };
}

export function isReportName(name: string): name is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(name);
}

/** Runs one named report. */
export async function runAuditReport(q: Queryable, name: ReportName, options: ReportOptions = {}): Promise<AuditReport> {
  switch (name) {
    case 'access-log': return accessLog(q, options);
    case 'break-glass':
    case 'self-claim': return claims(q, name, options);
    case 'consent-refusals': return consentRefusals(q, options);
    case 'weekly-views': return weeklyViews(q, options);
  }
}
