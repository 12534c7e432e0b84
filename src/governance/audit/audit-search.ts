// Searches the audit trail's own table (not the resource table): by patient, agent, date,
// outcome, action, subtype, purpose and basis, newest first, with keyset paging on seq so pages
// stay stable while events are appended. A citizen's restriction is part of the SQL.
// See: https://hl7.org/fhir/R4/auditevent.html#search
import type { AuditEvent } from '@medplum/fhirtypes';
import { parseDateRange } from '../../fhir/date-range.ts';
import { invalid } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import { OUTCOME_CODES } from './balp.ts';
import { redactForPatients } from './redact.ts';

export type DatePrefix = 'eq' | 'ge' | 'le' | 'gt' | 'lt';

export interface DateBound {
  prefix: DatePrefix;
  /** Epoch milliseconds: the FHIR date's range [low, high). */
  low: number;
  high: number;
}

export interface AuditSearch {
  /** Each inner list is one parameter occurrence (any of, as `Patient/id`); occurrences all apply. */
  patient?: string[][];
  /** Subject identifier, client id or display name (case-insensitive). */
  agent?: string[][];
  date?: DateBound[];
  outcome?: string[][];
  action?: string[][];
  /** restful-interaction code or operation name. */
  subtype?: string[][];
  purpose?: string[][];
  basis?: string[][];
  count: number;
  /** Only events with a seq below this (the `next` of the page before). */
  cursor?: string;
  total?: boolean;
  /** Only events about at least one of these patients (`Patient/id`); an empty list matches nothing. */
  restrictToPatients?: readonly string[];
}

export interface AuditSearchResult {
  events: AuditEvent[];
  /** The cursor for the next page, if there may be one. */
  next?: string;
  total?: number;
}

export const DEFAULT_AUDIT_COUNT = 50;
export const MAX_AUDIT_COUNT = 1000;
const IGNORED = new Set(['_format', '_pretty']);
const OUTCOME_WORDS: Record<string, string> = OUTCOME_CODES;

const bad = (name: string, message: string) => invalid('AUDIT_SEARCH_PARAMETER', message, name);
/** `system|code` → code; a comma list → its values. */
const tokens = (value: string): string[] => value.split(',').map((v) => v.slice(v.indexOf('|') + 1).trim()).filter(Boolean);
/** `Patient/x`, `x` or an absolute URL ending in Patient/x → `Patient/x`. */
export const patientRef = (value: string): string => {
  const m = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
  return m ? `Patient/${m[1]}` : `Patient/${value}`;
};

function parseDate(value: string): DateBound {
  const m = /^(eq|ge|le|gt|lt)?(.+)$/.exec(value)!;
  const range = parseDateRange(m[2]!);
  if (!range) throw bad('date', `'${value}' is not a FHIR date (optionally prefixed eq, ge, le, gt or lt)`);
  return { prefix: (m[1] as DatePrefix | undefined) ?? 'eq', ...range };
}

function parseCount(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw bad('_count', '_count must be a non-negative integer');
  return Math.min(Number(value), MAX_AUDIT_COUNT);
}

/** The search as FHIR parameters (GET query or POST _search form); unknown parameters are refused. */
export function parseAuditSearch(params: ReadonlyArray<[string, string]>): AuditSearch {
  const search: AuditSearch = { count: DEFAULT_AUDIT_COUNT };
  const lists = (key: 'patient' | 'agent' | 'outcome' | 'action' | 'subtype' | 'purpose' | 'basis', values: string[]) => {
    (search[key] ??= []).push(values);
  };
  for (const [name, value] of params) {
    if (IGNORED.has(name)) continue;
    switch (name) {
      case 'patient': lists('patient', value.split(',').map((v) => patientRef(v.trim()))); break;
      case 'agent': lists('agent', value.split(',').map((v) => v.trim()).filter(Boolean)); break;
      case 'date': (search.date ??= []).push(parseDate(value)); break;
      case 'outcome': lists('outcome', tokens(value).map((v) => OUTCOME_WORDS[v] ?? v)); break;
      case 'action': lists('action', tokens(value)); break;
      case 'subtype': lists('subtype', tokens(value).map((v) => v.replace(/^\$/, ''))); break;
      case 'purpose': lists('purpose', tokens(value)); break;
      case 'basis': lists('basis', tokens(value)); break;
      case '_count': search.count = parseCount(value); break;
      case '_cursor':
        if (!/^\d{1,18}$/.test(value)) throw bad('_cursor', 'Malformed paging parameter');
        search.cursor = value;
        break;
      case '_total':
        if (!['none', 'estimate', 'accurate'].includes(value)) throw bad('_total', '_total must be none, estimate or accurate');
        search.total = value !== 'none';
        break;
      case '_sort':
        if (value !== '-date') throw bad('_sort', 'AuditEvents are returned newest first (_sort=-date) only');
        break;
      default:
        throw bad(name, `Unknown AuditEvent search parameter '${name}'`);
    }
  }
  return search;
}

interface Filter {
  clauses: string[];
  params: unknown[];
}

function dateClause(bound: DateBound, p: (v: unknown) => string): string {
  const at = (ms: number) => `${p(new Date(ms).toISOString())}::timestamptz`;
  switch (bound.prefix) {
    case 'ge': return `recorded >= ${at(bound.low)}`;
    case 'gt': return `recorded >= ${at(bound.high)}`;
    case 'le': return `recorded < ${at(bound.high)}`;
    case 'lt': return `recorded < ${at(bound.low)}`;
    default: return `recorded >= ${at(bound.low)} AND recorded < ${at(bound.high)}`;
  }
}

/** The WHERE clauses for a search (paging aside); every value is a parameter. */
export function auditFilter(search: Omit<AuditSearch, 'count'>): Filter {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const clauses: string[] = [];
  const restrict = search.restrictToPatients;
  if (restrict) clauses.push(`patients && ${p([...restrict])}::text[]`);
  // A restricted caller naming someone else's patient finds nothing, not which events also name them.
  for (const any of search.patient ?? []) clauses.push(`patients && ${p(restrict ? any.filter((r) => restrict.includes(r)) : any)}::text[]`);
  for (const any of search.agent ?? []) {
    const ids = p(any);
    clauses.push(`(agent_subject = ANY(${ids}::text[]) OR agent_client = ANY(${ids}::text[]) OR lower(agent_name) = ANY(${p(any.map((v) => v.toLowerCase()))}::text[]))`);
  }
  for (const bound of search.date ?? []) clauses.push(dateClause(bound, p));
  const columns = [['outcome', 'outcome'], ['action', 'action'], ['purpose', 'purpose'], ['basis', 'basis']] as const;
  for (const [key, column] of columns) {
    for (const any of search[key] ?? []) clauses.push(`${column} = ANY(${p(any)}::text[])`);
  }
  for (const any of search.subtype ?? []) {
    const codes = p(any);
    clauses.push(`(subtype = ANY(${codes}::text[]) OR operation = ANY(${codes}::text[]))`);
  }
  return { clauses, params };
}

const whereOf = (clauses: readonly string[]) => (clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '');

function toEvents(rows: ReadonlyArray<{ event: string }>, restrict: readonly string[] | undefined): AuditEvent[] {
  return rows.map((row) => {
    const event = JSON.parse(row.event) as AuditEvent;
    return restrict ? redactForPatients(event, restrict) : event;
  });
}

/** One page of AuditEvents, newest first. */
export async function searchAudit(q: Queryable, search: AuditSearch): Promise<AuditSearchResult> {
  const filter = auditFilter(search);
  let total: number | undefined;
  if (search.total) {
    const { rows } = await q.query<{ n: string }>(`SELECT count(*) AS n FROM audit_event ${whereOf(filter.clauses)}`, filter.params);
    total = Number(rows[0]!.n);
  }
  if (search.count === 0) return { events: [], ...(total !== undefined ? { total } : {}) };
  const params = [...filter.params];
  const clauses = [...filter.clauses];
  if (search.cursor) {
    params.push(search.cursor);
    clauses.push(`seq < $${params.length}::bigint`);
  }
  params.push(search.count + 1);
  const { rows } = await q.query<{ seq: string; event: string }>(
    `SELECT seq, event FROM audit_event ${whereOf(clauses)} ORDER BY seq DESC LIMIT $${params.length}`, params);
  const page = rows.slice(0, search.count);
  const next = rows.length > search.count ? String(page[page.length - 1]!.seq) : undefined;
  return { events: toEvents(page, search.restrictToPatients), ...(next ? { next } : {}), ...(total !== undefined ? { total } : {}) };
}

/** One AuditEvent by its seq; undefined if there is none the caller may see. */
export async function readAuditEvent(q: Queryable, seq: string, restrictToPatients?: readonly string[]): Promise<AuditEvent | undefined> {
  if (!/^\d{1,18}$/.test(seq)) return undefined;
  const filter = auditFilter(restrictToPatients ? { restrictToPatients } : {});
  filter.params.push(seq);
  filter.clauses.push(`seq = $${filter.params.length}::bigint`);
  const { rows } = await q.query<{ event: string }>(`SELECT event FROM audit_event ${whereOf(filter.clauses)}`, filter.params);
  return toEvents(rows, restrictToPatients)[0];
}
