// Turns a resource into its search-index rows: hashed keys for tokens/uris (one GIN array in the
// resource row), and small side rows for strings, dates, quantities and references.
import type { SearchParamDef, SearchParamRegistry } from '../fhir/search-parameters.ts';
import { parseDateRange } from '../fhir/date-range.ts';
import { hash32, hash64, personKeyOf } from './hash.ts';

type Json = Record<string, unknown>;

export interface IndexRows {
  personKey: string | null;
  tokens: string[];
  strings: Array<[param: number, value: string]>;
  dates: Array<[param: number, low: string, high: string]>;
  quantities: Array<[param: number, unitSystemCode: string | null, unitCode: string | null, low: number, high: number]>;
  references: Array<[param: number, target: string]>;
  /**
   * Terminology displays (Coding.display) for `:text`, kept once per distinct text in a shared
   * vocabulary table; the resource carries only a token for each. Free text stays in `strings`.
   */
  displays: Array<[param: number, value: string]>;
}

const MAX_STRING = 256;

/** Key of a search parameter in the side tables. */
export const paramKey = (resourceType: string, code: string): number => hash32(`${resourceType}.${code}`);

/** The token-array keys; search builds the same strings. */
export const tokenKey = {
  code: (p: string, code: string) => hash64(`${p}\u0001c\u0001${code}`),
  systemCode: (p: string, system: string, code: string) => hash64(`${p}\u0001sc\u0001${system}\u0001${code}`),
  system: (p: string, system: string) => hash64(`${p}\u0001s\u0001${system}`),
  exact: (p: string, value: string) => hash64(`${p}\u0001x\u0001${value}`),
  uri: (p: string, value: string) => hash64(`${p}\u0001u\u0001${value}`),
  present: (p: string) => hash64(`${p}\u0001present`),
  /** Must match the SQL in search-sql.ts (`displayTokenSql`). */
  display: (p: string, normalized: string) => hash64(`${p}\u0001t\u0001${normalized}`),
} as const;

/** Case- and accent-insensitive form used by string search. See: https://hl7.org/fhir/R4/search.html#string */
export function normalizeString(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

// FHIR dates lie in years 0001–9999. Outside them JavaScript writes years PostgreSQL cannot read
// (0000, -000001, +010000), so such bounds become open: nothing stored lies beyond them.
const MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MS = 253_402_300_800_000; // 10000-01-01T00:00:00Z
export function toTimestamp(ms: number): string {
  if (ms >= MAX_MS) return 'infinity';
  if (ms < MIN_MS) return '-infinity';
  return new Date(ms).toISOString();
}

/** Parses a local or absolute reference into `Type/id` (ignoring `_history`), or undefined. */
export function referenceTarget(reference: string): string | undefined {
  if (reference.startsWith('#') || reference.startsWith('urn:')) return undefined;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

class RowBuilder {
  readonly rows: IndexRows = { personKey: null, tokens: [], strings: [], dates: [], quantities: [], references: [], displays: [] };
  private readonly seen = new Set<string>();

  token(key: string): void {
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.rows.tokens.push(key);
    }
  }

  display(code: string, param: number, value: unknown): void {
    if (typeof value !== 'string' || value.length === 0) return;
    const normalized = normalizeString(value).slice(0, MAX_STRING);
    if (!normalized) return;
    const key = tokenKey.display(code, normalized);
    if (!this.seen.has(key)) this.rows.displays.push([param, normalized]);
    this.token(key);
  }

  string(param: number, value: unknown): void {
    if (typeof value !== 'string' || value.length === 0) return;
    const normalized = normalizeString(value).slice(0, MAX_STRING);
    // The same text often appears twice (CodeableConcept.text and its coding's display).
    const key = `${param}\u0001${normalized}`;
    if (normalized && !this.seen.has(key)) {
      this.seen.add(key);
      this.rows.strings.push([param, normalized]);
    }
  }
}

function addCoding(b: RowBuilder, code: string, textParam: number, coding: Json): void {
  const system = typeof coding.system === 'string' ? coding.system : undefined;
  const value = coding.code ?? coding.value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    const v = String(value);
    b.token(tokenKey.code(code, v));
    b.token(tokenKey.systemCode(code, system ?? '', v));
  }
  if (system) b.token(tokenKey.system(code, system));
  b.display(code, textParam, coding.display);
}

function indexToken(b: RowBuilder, def: SearchParamDef, value: unknown, textParam: number): void {
  const code = def.code;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    addCoding(b, code, textParam, { code: String(value) });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const v = value as Json;
  // A CodeableConcept may carry only text (no coding); :text must still find it.
  if (Array.isArray(v.coding) || (typeof v.text === 'string' && !('code' in v) && !('value' in v))) {
    for (const c of (v.coding as Json[] | undefined) ?? []) addCoding(b, code, textParam, c);
    b.string(textParam, v.text);
  } else if ('value' in v && !('code' in v)) {
    // Identifier or ContactPoint: system|value.
    addCoding(b, code, textParam, { system: v.system, code: v.value });
    b.string(textParam, (v.type as Json | undefined)?.text);
  } else {
    addCoding(b, code, textParam, v);
  }
}

function indexString(b: RowBuilder, def: SearchParamDef, param: number, value: unknown): void {
  if (typeof value === 'string') {
    b.string(param, value);
    b.token(tokenKey.exact(def.code, value));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const v = value as Json;
  // HumanName and Address: every part is searchable.
  for (const key of ['family', 'text', 'city', 'district', 'state', 'postalCode', 'country']) {
    if (typeof v[key] === 'string') indexString(b, def, param, v[key]);
  }
  for (const key of ['given', 'prefix', 'suffix', 'line']) {
    if (Array.isArray(v[key])) for (const part of v[key] as unknown[]) indexString(b, def, param, part);
  }
  if (typeof v.postalCode === 'string') b.string(param, v.postalCode.replace(/\s+/g, ''));
}

function indexDate(b: RowBuilder, param: number, value: unknown): void {
  let low: number | undefined;
  let high: number | undefined;
  if (typeof value === 'string') {
    const r = parseDateRange(value);
    if (!r) return;
    ({ low, high } = r);
  } else if (typeof value === 'object' && value !== null) {
    const v = value as Json;
    if ('start' in v || 'end' in v) {
      low = typeof v.start === 'string' ? (parseDateRange(v.start)?.low ?? -Infinity) : -Infinity;
      high = typeof v.end === 'string' ? (parseDateRange(v.end)?.high ?? Infinity) : Infinity;
    } else if (Array.isArray(v.event)) {
      for (const e of v.event) indexDate(b, param, e);
      return;
    } else return;
  } else return;
  b.rows.dates.push([param, toTimestamp(low), toTimestamp(high)]);
}

function indexQuantity(b: RowBuilder, param: number, value: unknown): void {
  if (typeof value === 'number') {
    b.rows.quantities.push([param, null, null, value, value]);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const v = value as Json;
  if ('low' in v || 'high' in v) {
    // Range: indexed as one span.
    const low = (v.low as Json | undefined)?.value;
    const high = (v.high as Json | undefined)?.value;
    const unit = (v.low ?? v.high) as Json;
    pushQuantity(b, param, unit, typeof low === 'number' ? low : -Infinity, typeof high === 'number' ? high : Infinity);
    return;
  }
  if (typeof v.value === 'number') pushQuantity(b, param, v, v.value, v.value);
}

function pushQuantity(b: RowBuilder, param: number, q: Json, low: number, high: number): void {
  const code = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : typeof q.currency === 'string' ? q.currency : undefined;
  const system = typeof q.system === 'string' ? q.system : '';
  b.rows.quantities.push([
    param,
    code !== undefined ? hash64(`${system}|${code}`) : null,
    code !== undefined ? hash64(code) : null,
    low,
    high,
  ]);
}

function indexReference(b: RowBuilder, def: SearchParamDef, param: number, value: unknown): string | undefined {
  if (typeof value === 'string') {
    // canonical / uri reference
    b.rows.references.push([param, hash64(value)]);
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Json;
  let target: string | undefined;
  if (typeof v.reference === 'string') {
    target = referenceTarget(v.reference);
    if (target) b.rows.references.push([param, hash64(target)]);
    else if (!v.reference.startsWith('#')) b.rows.references.push([param, hash64(v.reference)]);
  }
  const identifier = v.identifier as Json | undefined;
  if (identifier && typeof identifier.value === 'string') {
    const p = `${def.code}:identifier`;
    b.token(tokenKey.code(p, identifier.value));
    b.token(tokenKey.systemCode(p, typeof identifier.system === 'string' ? identifier.system : '', identifier.value));
  }
  return target;
}

function referenceOf(value: unknown): string | undefined {
  const ref = (value as Json | null)?.reference;
  return typeof ref === 'string' ? referenceTarget(ref) : undefined;
}

/** The key of the side-table rows that answer `def` (its own, or those of the parameter it aliases). */
export function paramKeyOf(def: SearchParamDef): number {
  return paramKey(def.resourceType, def.indexedAs ?? def.code);
}

/** Extracts every index row for `resource`, and its person key (Patient compartment owner). */
export function extractIndexRows(resource: Json, registry: SearchParamRegistry, compartmentParams: readonly string[]): IndexRows {
  const type = resource.resourceType as string;
  const b = new RowBuilder();
  let personTarget: string | undefined;
  let personRank = Infinity;
  for (const def of registry.list(type)) {
    const rank = compartmentParams.indexOf(def.code);
    const isAlias = def.indexedAs !== undefined || def.unionOf !== undefined;
    // Aliases are answered from other parameters' rows; they are read here only to find the person.
    if (isAlias && rank < 0) continue;
    const values = def.values(resource);
    if (values.length === 0) continue;
    if (isAlias) {
      const target = values.map(referenceOf).find((t) => t?.startsWith('Patient/'));
      if (target && rank < personRank) [personRank, personTarget] = [rank, target];
      continue;
    }
    const param = paramKey(type, def.code);
    // Other types answer :missing from their side tables, plain paths from the stored JSON. The
    // access policy needs `_source` presence as a key: rows no source sent are shared differently.
    if ((def.type === 'token' || def.type === 'uri') && (!def.presencePaths || def.code === '_source')) b.token(tokenKey.present(def.code));
    for (const value of values) {
      switch (def.type) {
        case 'token':
          indexToken(b, def, value, paramKey(type, `${def.code}:text`));
          break;
        case 'string':
          indexString(b, def, param, value);
          break;
        case 'date':
          indexDate(b, param, value);
          break;
        case 'number':
        case 'quantity':
          indexQuantity(b, param, value);
          break;
        case 'uri':
          if (typeof value === 'string') b.token(tokenKey.uri(def.code, value));
          break;
        case 'reference': {
          const target = indexReference(b, def, param, value);
          if (rank >= 0 && rank < personRank && target?.startsWith('Patient/')) {
            personRank = rank;
            personTarget = target;
          }
          break;
        }
      }
    }
  }
  if (type === 'Patient' && typeof resource.id === 'string') b.rows.personKey = personKeyOf(resource.id);
  else if (personTarget) b.rows.personKey = hash64(personTarget);
  return b.rows;
}

/**
 * The Patient whose compartment `resource` lies in (`Patient/<id>`), by the same rule that sets its
 * person key: the first compartment parameter, in definition order, that references a Patient.
 */
export function compartmentOwner(resource: Json, registry: SearchParamRegistry, compartmentParams: readonly string[]): string | undefined {
  const type = resource.resourceType as string;
  if (type === 'Patient') return typeof resource.id === 'string' ? `Patient/${resource.id}` : undefined;
  for (const code of compartmentParams) {
    const def = registry.get(type, code);
    const target = def?.values(resource).map(referenceOf).find((t) => t?.startsWith('Patient/'));
    if (target) return target;
  }
  return undefined;
}
