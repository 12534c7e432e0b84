// Parses FHIR search parameters (name, modifiers, chains, _has, result parameters) into a
// SearchRequest, rejecting anything unknown with a 400 that names the parameter.
// See: https://hl7.org/fhir/R4/search.html
import { invalid, unsupported } from '../../fhir/errors.ts';
import type { SearchParamDef, SearchParamRegistry } from '../../fhir/search-parameters.ts';
import type { Criterion, IncludeSpec, SearchRequest, SortKey, SummaryMode, TotalMode } from './search-request.ts';

export interface SearchLimits {
  defaultCount: number;
  maxCount: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = { defaultCount: 20, maxCount: 1000 };

const MODIFIERS: Record<string, readonly string[]> = {
  string: ['exact', 'contains', 'missing'],
  token: ['not', 'text', 'missing'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  uri: ['missing'],
  reference: ['identifier', 'missing'],
};

/** Parameters that shape the result rather than select resources. */
const RESULT_PARAMS = new Set([
  '_sort', '_count', '_total', '_summary', '_elements', '_include', '_revinclude', '_format', '_pretty',
  '_cursor', '_before', '_maxrid', '_page', '_offset', '_contained', '_containedType',
]);

export interface ParseOptions {
  registry: SearchParamRegistry;
  isResourceType: (type: string) => boolean;
  limits?: SearchLimits;
  /** Prefer: handling=lenient — unknown parameters are ignored instead of rejected. */
  lenient?: boolean;
}

export function parseSearch(resourceType: string, params: ReadonlyArray<[string, string]>, options: ParseOptions): SearchRequest {
  const limits = options.limits ?? DEFAULT_SEARCH_LIMITS;
  const request: SearchRequest = { resourceType, criteria: [], sort: [], count: limits.defaultCount, include: [], revinclude: [] };
  const cursor: Record<string, string> = {};
  for (const [name, value] of params) {
    if (RESULT_PARAMS.has(name.split(':')[0]!)) {
      if (value === '') continue;
      applyResultParam(request, name, value, options, limits, cursor);
      continue;
    }
    // A known parameter without a value is ignored, not taken to match everything or nothing.
    const criterion = parseCriterion(resourceType, name, value === '' ? 'true' : value, options, 0);
    if (criterion && value !== '') request.criteria.push(criterion);
  }
  if (cursor._maxrid) {
    if (!/^\d+$/.test(cursor._maxrid) || [cursor._cursor, cursor._before].some((v) => v !== undefined && !/^\d+$/.test(v))) {
      throw invalid('SEARCH_PAGE_TOKEN', 'Malformed paging parameters', '_cursor');
    }
    request.cursor = { maxRid: cursor._maxrid, ...(cursor._cursor ? { after: cursor._cursor } : {}), ...(cursor._before ? { before: cursor._before } : {}) };
  }
  if (cursor._page) {
    const offset = Number(cursor._offset ?? '0');
    if (!/^[a-f0-9-]{36}$/.test(cursor._page) || !Number.isInteger(offset) || offset < 0) {
      throw invalid('SEARCH_PAGE_TOKEN', 'Malformed paging parameters', '_page');
    }
    request.page = { id: cursor._page, offset };
  }
  return request;
}

function applyResultParam(
  request: SearchRequest,
  name: string,
  value: string,
  options: ParseOptions,
  limits: SearchLimits,
  cursor: Record<string, string>,
): void {
  switch (name) {
    case '_count': {
      const n = Number(value);
      if (!/^\d+$/.test(value)) throw invalid('SEARCH_COUNT', '_count must be a non-negative integer', '_count');
      request.count = Math.min(n, limits.maxCount);
      return;
    }
    case '_sort':
      request.sort = value.split(',').map((key) => parseSortKey(request.resourceType, key.trim(), options.registry));
      return;
    case '_total':
      if (!['none', 'estimate', 'accurate'].includes(value)) throw invalid('SEARCH_TOTAL', '_total must be none, estimate or accurate', '_total');
      request.total = value as TotalMode;
      return;
    case '_summary':
      if (!['true', 'text', 'data', 'count', 'false'].includes(value)) throw invalid('SEARCH_SUMMARY', '_summary must be true, text, data, count or false', '_summary');
      request.summary = value as SummaryMode;
      return;
    case '_elements':
      request.elements = value.split(',').map((e) => e.trim()).filter(Boolean);
      if (request.elements.some((e) => !/^[a-zA-Z][a-zA-Z0-9]*$/.test(e))) throw invalid('SEARCH_ELEMENTS', '_elements must list element names', '_elements');
      return;
    case '_include':
    case '_include:iterate':
    case '_revinclude':
    case '_revinclude:iterate': {
      const spec = parseInclude(value, name.endsWith(':iterate'), name, options);
      (name.startsWith('_include') ? request.include : request.revinclude).push(spec);
      return;
    }
    case '_format':
      if (!/json/.test(value)) throw unsupported('FORMAT_UNSUPPORTED', 'Only JSON is supported', '_format');
      return;
    case '_pretty':
    case '_contained':
    case '_containedType':
      return;
    default:
      cursor[name] = value;
  }
}

function parseSortKey(resourceType: string, key: string, registry: SearchParamRegistry): SortKey {
  const descending = key.startsWith('-');
  const code = descending ? key.slice(1) : key;
  if (code === '_id' || code === '_lastUpdated') return { code, descending };
  const def = registry.get(resourceType, code);
  if (!def) throw invalid('SEARCH_SORT_UNKNOWN', `Unknown sort parameter '${code}' for ${resourceType}`, '_sort');
  if (!['date', 'string', 'number', 'quantity'].includes(def.type)) {
    throw unsupported('SEARCH_SORT_TYPE', `Sorting by ${def.type} parameter '${code}' is not supported`, '_sort');
  }
  return { code, descending, def };
}

function parseInclude(value: string, iterate: boolean, name: string, options: ParseOptions): IncludeSpec {
  const [sourceType, code, targetType, ...rest] = value.split(':');
  if (!sourceType || !code || rest.length > 0 || !options.isResourceType(sourceType)) {
    throw invalid('SEARCH_INCLUDE', `${name} must be Type:param[:targetType]`, name);
  }
  if (targetType !== undefined && !options.isResourceType(targetType)) throw invalid('SEARCH_INCLUDE', `Unknown target type '${targetType}'`, name);
  if (code === '*') return { sourceType, def: '*', iterate, ...(targetType ? { targetType } : {}) };
  const def = options.registry.get(sourceType, code);
  if (!def || def.type !== 'reference') throw invalid('SEARCH_INCLUDE', `'${code}' is not a reference parameter of ${sourceType}`, name);
  return { sourceType, def, iterate, ...(targetType ? { targetType } : {}) };
}

function parseCriterion(resourceType: string, name: string, value: string, options: ParseOptions, depth: number): Criterion | undefined {
  if (name.startsWith('_has:')) return parseHas(resourceType, name, value, options, depth);
  const dot = name.indexOf('.');
  if (dot > 0) return parseChain(resourceType, name, value, options, dot);
  const [code, modifier, ...extra] = name.split(':');
  if (extra.length > 0 || !code) throw invalid('SEARCH_PARAM_UNKNOWN', `Malformed search parameter '${name}'`, name);
  const values = splitValues(value);
  if (code === '_id') {
    if (modifier && modifier !== 'not') throw unsupported('SEARCH_MODIFIER', `Modifier ':${modifier}' is not supported on _id`, name);
    return { kind: 'id', values, not: modifier === 'not' };
  }
  if (code === '_lastUpdated') {
    if (modifier) throw unsupported('SEARCH_MODIFIER', `Modifier ':${modifier}' is not supported on _lastUpdated`, name);
    return { kind: 'lastUpdated', values };
  }
  const def = options.registry.get(resourceType, code);
  if (!def) {
    if (options.lenient) return undefined;
    throw invalid('SEARCH_PARAM_UNKNOWN', `Unknown search parameter '${code}' for ${resourceType}`, name);
  }
  if (modifier !== undefined && !MODIFIERS[def.type]!.includes(modifier)) {
    // A resource type used as modifier on a reference restricts the target type.
    if (def.type === 'reference' && def.targets.includes(modifier)) {
      return { kind: 'param', def, modifier: undefined, values: values.map((v) => (v.includes('/') ? v : `${modifier}/${v}`)) };
    }
    throw unsupported('SEARCH_MODIFIER', `Modifier ':${modifier}' is not supported on ${def.type} parameter '${code}'`, name);
  }
  if (modifier === 'missing' && !['true', 'false'].includes(value)) throw invalid('SEARCH_VALUE', ':missing takes true or false', name);
  return { kind: 'param', def, modifier, values };
}

function parseChain(resourceType: string, name: string, value: string, options: ParseOptions, dot: number): Criterion {
  const head = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const [code, typeModifier] = head.split(':');
  const def = options.registry.get(resourceType, code!);
  if (!def || def.type !== 'reference') throw invalid('SEARCH_CHAIN', `'${code}' is not a reference parameter of ${resourceType}`, name);
  if (rest.includes('.')) throw unsupported('SEARCH_CHAIN_DEPTH', 'Only one level of chaining is supported', name);
  const candidates = typeModifier ? [typeModifier] : def.targets.length > 0 ? [...def.targets] : [];
  if (typeModifier && !def.targets.includes(typeModifier)) throw invalid('SEARCH_CHAIN', `'${code}' cannot refer to ${typeModifier}`, name);
  const innerCode = rest.split(':')[0]!;
  const targetTypes = candidates.filter((t) => innerCode.startsWith('_') || options.registry.get(t, innerCode));
  if (targetTypes.length === 0) throw invalid('SEARCH_CHAIN', `No target of '${code}' has a search parameter '${innerCode}'`, name);
  const inner = targetTypes.map((t) => parseCriterion(t, rest, value, { ...options, lenient: false }, 1)!);
  return { kind: 'chain', def, targetTypes, inner };
}

function parseHas(resourceType: string, name: string, value: string, options: ParseOptions, depth: number): Criterion {
  if (depth >= 2) throw unsupported('SEARCH_HAS_DEPTH', '_has may be nested at most twice', name);
  const m = /^_has:([A-Za-z]+):([a-z][a-z0-9-]*):(.+)$/.exec(name);
  if (!m) throw invalid('SEARCH_HAS', '_has must be _has:Type:reference-param:param', name);
  const [, sourceType, refCode, innerName] = m as unknown as [string, string, string, string];
  if (!options.isResourceType(sourceType)) throw invalid('SEARCH_HAS', `Unknown resource type '${sourceType}'`, name);
  const refDef: SearchParamDef | undefined = options.registry.get(sourceType, refCode);
  if (!refDef || refDef.type !== 'reference') throw invalid('SEARCH_HAS', `'${refCode}' is not a reference parameter of ${sourceType}`, name);
  if (refDef.targets.length > 0 && !refDef.targets.includes(resourceType)) {
    throw invalid('SEARCH_HAS', `${sourceType}.${refCode} cannot refer to ${resourceType}`, name);
  }
  const inner = parseCriterion(sourceType, innerName, value, { ...options, lenient: false }, depth + 1)!;
  return { kind: 'has', sourceType, refDef, inner };
}

/** Splits on commas that are not escaped with a backslash, then unescapes. */
export function splitValues(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (c === ',') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}
