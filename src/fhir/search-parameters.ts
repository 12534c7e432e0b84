// The search parameters each resource type supports, from the official R4 SearchParameter
// definitions, each with a compiled accessor for its expression.
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Definitions } from './definitions.ts';
import { compileSearchExpression, rootOf, splitUnion, type ValueAccessor } from './search-expression.ts';

export const SEARCH_PARAM_TYPES = ['string', 'token', 'date', 'reference', 'number', 'quantity', 'uri'] as const;
export type IndexedParamType = (typeof SEARCH_PARAM_TYPES)[number];

/** A search parameter sharedcare can index and query. */
export interface SearchParamDef {
  resourceType: string;
  code: string;
  type: IndexedParamType;
  url: string;
  description: string;
  /** Resource types a reference parameter may point at. */
  targets: readonly string[];
  /** True when the expression compiled to the fast path (false: FHIRPath interpreter). */
  compiled: boolean;
  values: ValueAccessor;
  /**
   * Answered from another parameter's index rows instead of its own: a reference restricted to
   * one target type (`patient` = `subject.where(resolve() is Patient)`) uses `subject`'s rows,
   * whose keys already name the target type.
   */
  indexedAs?: string;
  /** A union of other parameters (`combo-code` = `code` | `component-code`): searched as their OR. */
  unionOf?: readonly string[];
  /** The parameters named by unionOf. */
  members?: readonly SearchParamDef[];
  /**
   * SQL/JSON paths whose existence in the stored JSON means the parameter has a value (plain
   * element paths only), so `:missing` needs no index entry of its own.
   */
  presencePaths?: readonly string[];
}

/** Parameters answered from columns rather than the index. */
export const COLUMN_PARAMS = ['_id', '_lastUpdated'] as const;

export interface SearchParamRegistry {
  get(resourceType: string, code: string): SearchParamDef | undefined;
  list(resourceType: string): readonly SearchParamDef[];
}

function isIndexable(type: string | undefined): type is IndexedParamType {
  return (SEARCH_PARAM_TYPES as readonly string[]).includes(type ?? '');
}

/** Builds the registry lazily per type: most deployments touch a handful of types. */
export function createSearchParamRegistry(definitions: Definitions): SearchParamRegistry {
  const cache = new Map<string, Map<string, SearchParamDef>>();
  const build = (resourceType: string): Map<string, SearchParamDef> => {
    let byCode = cache.get(resourceType);
    if (byCode) return byCode;
    byCode = new Map();
    const parts = new Map<string, string[]>();
    for (const sp of definitions.searchParameters(resourceType)) {
      const def = toDef(resourceType, sp, definitions);
      if (def && !byCode.has(def.code)) {
        byCode.set(def.code, def);
        parts.set(def.code, ownParts(resourceType, sp.expression!));
      }
    }
    findAliases(byCode, parts);
    cache.set(resourceType, byCode);
    return byCode;
  };
  return {
    get: (resourceType, code) => build(resourceType).get(code),
    list: (resourceType) => [...build(resourceType).values()],
  };
}

function ownParts(resourceType: string, expression: string): string[] {
  return splitUnion(expression)
    .filter((p) => rootOf(p) === resourceType)
    .map((p) => p.replace(/\s+/g, ''));
}

/**
 * Marks parameters that other parameters' index rows already answer, so the same values are not
 * indexed twice (a third of an Observation's index was such duplicates).
 */
function findAliases(byCode: Map<string, SearchParamDef>, parts: Map<string, string[]>): void {
  const bySingleExpression = new Map<string, SearchParamDef>();
  for (const def of byCode.values()) {
    const own = parts.get(def.code)!;
    if (own.length === 1) bySingleExpression.set(`${def.type}:${own[0]}`, def);
  }
  for (const def of byCode.values()) {
    const own = parts.get(def.code)!;
    if (own.length === 0) continue;
    if (def.type === 'reference' && own.length === 1) {
      const m = /^(.+)\.where\(resolve\(\)is[A-Za-z]+\)$/.exec(own[0]!);
      const base = m ? bySingleExpression.get(`reference:${m[1]}`) : undefined;
      if (base && base !== def) def.indexedAs = base.code;
    } else if (own.length > 1) {
      const members = coverWith(def, own, byCode, parts);
      if (members) {
        def.unionOf = members;
        def.members = members.map((code) => byCode.get(code)!);
      }
    }
  }
}

/** Other parameters of the same type whose expressions together are exactly `own`, if any. */
function coverWith(def: SearchParamDef, own: string[], byCode: Map<string, SearchParamDef>, parts: Map<string, string[]>): string[] | undefined {
  const wanted = new Set(own);
  const candidates = [...byCode.values()]
    .filter((q) => q !== def && q.type === def.type && !q.indexedAs && !q.unionOf && parts.get(q.code)!.length > 0)
    .filter((q) => parts.get(q.code)!.length < own.length && parts.get(q.code)!.every((p) => wanted.has(p)))
    .sort((a, b) => parts.get(b.code)!.length - parts.get(a.code)!.length);
  const members: string[] = [];
  for (const q of candidates) {
    const qParts = parts.get(q.code)!;
    if (qParts.every((p) => wanted.has(p))) {
      qParts.forEach((p) => wanted.delete(p));
      members.push(q.code);
    }
  }
  return wanted.size === 0 ? members : undefined;
}

function toDef(resourceType: string, sp: SearchParameter, definitions: Definitions): SearchParamDef | undefined {
  if (!sp.code || !sp.expression || !isIndexable(sp.type)) return undefined;
  if ((COLUMN_PARAMS as readonly string[]).includes(sp.code)) return undefined;
  const { accessor, compiled, jsonPaths } = compileSearchExpression(resourceType, sp.expression, definitions.choiceElements);
  return {
    resourceType,
    code: sp.code,
    type: sp.type,
    url: sp.url ?? '',
    description: sp.description ?? '',
    targets: sp.target ?? [],
    compiled,
    values: accessor,
    ...(jsonPaths ? { presencePaths: jsonPaths } : {}),
  };
}
