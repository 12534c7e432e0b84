// Compiles parsed search criteria into SQL predicates over the resource table and the index.
// Values are always bound parameters; nothing from the request is spliced into SQL text.
import { invalid } from '../../fhir/errors.ts';
import { parseDateRange } from '../../fhir/date-range.ts';
import type { SearchParamDef } from '../../fhir/search-parameters.ts';
import { hash64 } from '../hash.ts';
import { normalizeString, paramKey, paramKeyOf, referenceTarget, tokenKey, toTimestamp } from '../index-rows.ts';
import { compactRules, type AccessFilter } from '../repository.ts';
import { PREFIXES, type Criterion, type Prefix } from './search-request.ts';

/** Collects bound parameters and hands out their placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => '\\' + c);

function splitPrefix(value: string, allowPrefix: boolean): { prefix: Prefix; rest: string } {
  const p = value.slice(0, 2);
  if (allowPrefix && (PREFIXES as readonly string[]).includes(p) && /^[a-z]{2}[-+\d.]/.test(value)) return { prefix: p as Prefix, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}

/**
 * The predicate for a range against indexed [low, high) columns; bounds are bound only when used.
 * See: https://hl7.org/fhir/R4/search.html#prefix
 */
function rangeCondition(prefix: Prefix, low: () => string, high: () => string, lowCol: string, highCol: string): string {
  switch (prefix) {
    case 'eq': case 'ap': return `${lowCol} >= ${low()} AND ${highCol} <= ${high()}`;
    case 'ne': return `NOT (${lowCol} >= ${low()} AND ${highCol} <= ${high()})`;
    case 'gt': return `${highCol} > ${high()}`;
    case 'lt': return `${lowCol} < ${low()}`;
    case 'ge': return `${highCol} > ${low()}`;
    case 'le': return `${lowCol} < ${high()}`;
    case 'sa': return `${lowCol} >= ${high()}`;
    case 'eb': return `${highCol} <= ${low()}`;
  }
}

function dateBounds(value: string, code: string): { prefix: Prefix; low: number; high: number } {
  const { prefix, rest } = splitPrefix(value, true);
  const range = parseDateRange(rest);
  if (!range) throw invalid('SEARCH_DATE', `'${value}' is not a valid date for '${code}'`, code);
  return { prefix, ...range };
}

function dateCondition(value: string, code: string, params: SqlParams, lowCol: string, highCol: string): string {
  const { prefix, low, high } = dateBounds(value, code);
  const ts = (ms: number): string => params.add(toTimestamp(ms)) + '::timestamptz';
  if (prefix === 'ap') {
    // ±10% of the distance from now, at least a day; any overlap counts. See: https://hl7.org/fhir/R4/search.html#prefix
    const margin = Math.max(86_400_000, Math.abs(Date.now() - low) * 0.1);
    return `${lowCol} < ${ts(high + margin)} AND ${highCol} > ${ts(low - margin)}`;
  }
  return rangeCondition(prefix, () => ts(low), () => ts(high), lowCol, highCol);
}

/** Implicit precision: "100" is [99.5, 100.5); "100.0" is [99.95, 100.05). */
function numberBounds(text: string, code: string): { value: number; low: number; high: number } {
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw invalid('SEARCH_NUMBER', `'${text}' is not a number for '${code}'`, code);
  const value = Number(text);
  const [mantissa, exp] = text.toLowerCase().split('e');
  const decimals = mantissa!.includes('.') ? mantissa!.split('.')[1]!.length : 0;
  const half = 0.5 * 10 ** (-decimals + Number(exp ?? 0));
  return { value, low: value - half, high: value + half };
}

function numberCondition(text: string, code: string, params: SqlParams): string {
  const { prefix, rest } = splitPrefix(text, true);
  const { value, low, high } = numberBounds(rest, code);
  const n = (x: number): string => `${params.add(x)}::float8`;
  switch (prefix) {
    case 'eq': return `low >= ${n(low)} AND high < ${n(high)}`;
    case 'ne': return `NOT (low >= ${n(low)} AND high < ${n(high)})`;
    case 'gt': case 'sa': return `high > ${n(value)}`;
    case 'lt': case 'eb': return `low < ${n(value)}`;
    case 'ge': return `high >= ${n(value)}`;
    case 'le': return `low <= ${n(value)}`;
    case 'ap': return `low <= ${n(value + Math.abs(value) * 0.1)} AND high >= ${n(value - Math.abs(value) * 0.1)}`;
  }
}

function tokenKeys(def: SearchParamDef, value: string, code = def.code): string[] {
  const bar = value.indexOf('|');
  if (bar < 0) return [tokenKey.code(code, value)];
  const system = value.slice(0, bar);
  const c = value.slice(bar + 1);
  if (c === '') return [tokenKey.system(code, system)];
  return [tokenKey.systemCode(code, system, c)];
}

const bigintArray = (params: SqlParams, keys: string[]): string => `${params.add(keys)}::bigint[]`;

function sideTable(table: string, alias: string, param: number, params: SqlParams, condition: string): string {
  return `${alias}.rid IN (SELECT rid FROM ${table} WHERE param = ${params.add(param)} AND (${condition}))`;
}

function referenceTargets(def: SearchParamDef, value: string): string[] {
  if (/^[a-z]+:/.test(value) && !referenceTarget(value)) return [hash64(value)];
  const target = referenceTarget(value);
  if (target) return [hash64(target)];
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(value)) throw invalid('SEARCH_REFERENCE', `'${value}' is not a valid reference for '${def.code}'`, def.code);
  const types = def.targets.length > 0 ? def.targets : ['Patient'];
  return types.map((t) => hash64(`${t}/${value}`));
}

const SIDE_TABLES: Record<string, string> = {
  string: 'search_string',
  date: 'search_date',
  number: 'search_quantity',
  quantity: 'search_quantity',
  reference: 'search_reference',
};

function paramPredicate(alias: string, c: Extract<Criterion, { kind: 'param' }>, params: SqlParams): string {
  const { def, modifier, values } = c;
  if (def.members) {
    // A union parameter matches when any member does; it lacks a code or a value only when all do.
    const members = def.members.map((member) => paramPredicate(alias, { ...c, def: member }, params));
    const all = modifier === 'not' || (modifier === 'missing' && values[0] === 'true');
    return `(${members.join(all ? ' AND ' : ' OR ')})`;
  }
  const param = paramKeyOf(def);
  if (modifier === 'missing') {
    const present = def.type !== 'token' && def.type !== 'uri'
      ? `EXISTS (SELECT 1 FROM ${SIDE_TABLES[def.type]} WHERE rid = ${alias}.rid AND param = ${params.add(param)})`
      : def.presencePaths
        ? `(${def.presencePaths.map((path) => `jsonb_path_exists(${alias}.content, ${params.add(path)}::jsonpath)`).join(' OR ')})`
        : `${alias}.tokens @> ${bigintArray(params, [tokenKey.present(def.code)])}`;
    return values[0] === 'true' ? `NOT (${present})` : present;
  }
  switch (def.type) {
    case 'token': {
      if (modifier === 'text') return textPredicate(alias, def, values, params);
      const keys = values.flatMap((v) => tokenKeys(def, v));
      const match = `${alias}.tokens && ${bigintArray(params, keys)}`;
      return modifier === 'not' ? `NOT (${match})` : match;
    }
    case 'string': {
      if (modifier === 'exact') return `${alias}.tokens && ${bigintArray(params, values.map((v) => tokenKey.exact(def.code, v)))}`;
      const pattern = (v: string): string => (modifier === 'contains' ? '%' : '') + likeEscape(normalizeString(v)) + '%';
      return sideTable('search_string', alias, param, params, values.map((v) => `value LIKE ${params.add(pattern(v))}`).join(' OR '));
    }
    case 'uri':
      return `${alias}.tokens && ${bigintArray(params, values.map((v) => tokenKey.uri(def.code, v)))}`;
    case 'date':
      return sideTable('search_date', alias, param, params, values.map((v) => dateCondition(v, def.code, params, 'low', 'high')).join(' OR '));
    case 'number':
      return sideTable('search_quantity', alias, param, params, values.map((v) => numberCondition(v, def.code, params)).join(' OR '));
    case 'quantity':
      return sideTable('search_quantity', alias, param, params, values.map((v) => quantityCondition(v, def.code, params)).join(' OR '));
    case 'reference': {
      if (modifier === 'identifier') {
        const keys = values.flatMap((v) => tokenKeys(def, v, `${def.indexedAs ?? def.code}:identifier`));
        return `${alias}.tokens && ${bigintArray(params, keys)}`;
      }
      const targets = values.flatMap((v) => referenceTargets(def, v));
      return `${alias}.rid IN (SELECT rid FROM search_reference WHERE target = ANY(${bigintArray(params, targets)}) AND param = ${params.add(param)})`;
    }
  }
}

/**
 * Token :text: terminology displays through the shared vocabulary (each resource holds a token per
 * display), free text (CodeableConcept.text) through search_string. Both match from the start.
 */
function textPredicate(alias: string, def: SearchParamDef, values: string[], params: SqlParams): string {
  const textParam = params.add(paramKey(def.resourceType, `${def.code}:text`));
  const likes = (column: string) => values.map((v) => `${column} LIKE ${params.add(likeEscape(normalizeString(v)) + '%')}`).join(' OR ');
  // Same key as tokenKey.display: sc_hash(code || U+0001 || 't' || U+0001 || text).
  const displayTokens = `ARRAY(SELECT sc_hash(${params.add(def.code)} || chr(1) || 't' || chr(1) || d.value) FROM search_display d WHERE d.param = ${textParam} AND (${likes('d.value')}))`;
  return `(${alias}.tokens && ${displayTokens} OR ${alias}.rid IN (SELECT rid FROM search_string WHERE param = ${textParam} AND (${likes('value')})))`;
}

function quantityCondition(value: string, code: string, params: SqlParams): string {
  const [num, system, unit, ...extra] = value.split('|');
  if (extra.length > 0 || num === undefined) throw invalid('SEARCH_QUANTITY', `'${value}' is not a valid quantity for '${code}'`, code);
  let condition = numberCondition(num, code, params);
  if (unit) {
    condition += system
      ? ` AND unit_system_code = ${params.add(hash64(`${system}|${unit}`))}`
      : ` AND unit_code = ${params.add(hash64(unit))}`;
  }
  return condition;
}

/** The key that identifies a row of `alias` as a reference target: person_key for Patients, else computed. */
function selfKey(alias: string, type: string): string {
  return type === 'Patient' ? `${alias}.person_key` : `sc_hash(${alias}.type || '/' || ${alias}.id)`;
}

let aliasCounter = 0;

/**
 * One criterion as a SQL predicate over `alias` (a row of `resource` of type `type`). Chains and
 * _has look at other rows, which must pass the same access filter, or they could probe hidden records.
 */
export function criterionPredicate(alias: string, type: string, c: Criterion, params: SqlParams, filter?: AccessFilter): string {
  switch (c.kind) {
    case 'param':
      return paramPredicate(alias, c, params);
    case 'id': {
      const match = `${alias}.id = ANY(${params.add(c.values)}::text[])`;
      return c.not ? `NOT (${match})` : match;
    }
    case 'lastUpdated':
      return '(' + c.values.map((v) => dateCondition(v, '_lastUpdated', params, `${alias}.last_updated`, `(${alias}.last_updated + interval '1 millisecond')`)).join(' OR ') + ')';
    case 'chain': {
      const inner = c.targetTypes.map((t, i) => {
        const a = `c${++aliasCounter}`;
        const access = accessPredicate(a, params, filter, t);
        return `SELECT ${selfKey(a, t)} FROM resource ${a} WHERE ${a}.type = ${params.add(t)} AND NOT ${a}.deleted${access ? ` AND ${access}` : ''} AND ${criterionPredicate(a, t, c.inner[i]!, params, filter)}`;
      });
      return `${alias}.rid IN (SELECT rid FROM search_reference WHERE param = ${params.add(paramKeyOf(c.def))} AND target IN (${inner.join(' UNION ALL ')}))`;
    }
    case 'has': {
      const a = `h${++aliasCounter}`;
      const innerSql = criterionPredicate(a, c.sourceType, c.inner, params, filter);
      const access = accessPredicate(a, params, filter, c.sourceType);
      return `${selfKey(alias, type)} IN (SELECT sr.target FROM search_reference sr JOIN resource ${a} ON ${a}.rid = sr.rid WHERE sr.param = ${params.add(paramKeyOf(c.refDef))} AND ${a}.type = ${params.add(c.sourceType)} AND NOT ${a}.deleted${access ? ` AND ${access}` : ''} AND ${innerSql})`;
    }
  }
}

/**
 * The access filter as SQL, so paging and totals never see hidden rows. `type`: the query already
 * fixes the row's type, so only the rules for that type apply.
 */
export function accessPredicate(alias: string, params: SqlParams, filter?: AccessFilter, type?: string): string | undefined {
  if (!filter) return undefined;
  const compact = compactRules(filter, type);
  if (compact.length === 0) return 'FALSE';
  const rules = compact.map((rule) => {
    const parts: string[] = [];
    if (rule.types) parts.push(`${alias}.type = ANY(${params.add(rule.types)}::text[])`);
    if (rule.personKeys) {
      const scoped = `${alias}.person_key = ANY(${params.add(rule.personKeys)}::bigint[])`;
      parts.push(rule.includeShared ? `(${scoped} OR ${alias}.person_key IS NULL)` : scoped);
    }
    if (rule.excludedPersonKeys?.length) {
      parts.push(`(${alias}.person_key IS NULL OR NOT ${alias}.person_key = ANY(${params.add(rule.excludedPersonKeys)}::bigint[]))`);
    }
    if (rule.requiredTokens) parts.push(`${alias}.tokens && ${params.add(rule.requiredTokens)}::bigint[]`);
    if (rule.hiddenTokens?.length) parts.push(`NOT (${alias}.tokens && ${params.add(rule.hiddenTokens)}::bigint[])`);
    return parts.length ? parts.join(' AND ') : 'TRUE';
  });
  return rules.length === 1 ? `(${rules[0]})` : `(${rules.map((r) => `(${r})`).join(' OR ')})`;
}

/** The WHERE clause for a search on `type`, with an optional person-key filter (access seam). */
export function whereClause(alias: string, type: string, criteria: readonly Criterion[], params: SqlParams, filter?: AccessFilter): string {
  const parts = [`${alias}.type = ${params.add(type)}`, `NOT ${alias}.deleted`];
  const access = accessPredicate(alias, params, filter, type);
  if (access) parts.push(access);
  const { ranges, rest } = dateRanges(criteria);
  for (const [def, values] of ranges) {
    const conditions = values.map((v) => `(${dateCondition(v, def.code, params, 'low', 'high')})`);
    parts.push(sideTable('search_date', alias, paramKeyOf(def), params, conditions.join(' AND ')));
  }
  for (const c of rest) parts.push(criterionPredicate(alias, type, c, params, filter));
  return parts.join(' AND ');
}

/**
 * Repeated single-value criteria on one date parameter (`date=ge2024-03&date=lt2024-04`) form a
 * range that one of the resource's dates must lie in, as HAPI's date ranges do: one index scan
 * instead of intersecting "everything after" with "everything before".
 */
function dateRanges(criteria: readonly Criterion[]): { ranges: Map<SearchParamDef, string[]>; rest: Criterion[] } {
  const groups = new Map<SearchParamDef, Criterion[]>();
  for (const c of criteria) {
    if (c.kind === 'param' && c.def.type === 'date' && !c.def.members && c.modifier === undefined && c.values.length === 1) {
      groups.set(c.def, [...(groups.get(c.def) ?? []), c]);
    }
  }
  const ranges = new Map<SearchParamDef, string[]>();
  for (const [def, group] of groups) {
    if (group.length > 1) ranges.set(def, group.map((c) => (c as Extract<Criterion, { kind: 'param' }>).values[0]!));
  }
  const rest = criteria.filter((c) => !(c.kind === 'param' && ranges.has(c.def) && c.modifier === undefined && c.values.length === 1));
  return { ranges, rest };
}
