// The search parameters each resource type supports, from the official R4 SearchParameter
// definitions, each with a compiled accessor for its expression.
import type { SearchParameter } from '@medplum/fhirtypes';
import type { Definitions } from './definitions.ts';
import { compileSearchExpression, type ValueAccessor } from './search-expression.ts';

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
    for (const sp of definitions.searchParameters(resourceType)) {
      const def = toDef(resourceType, sp, definitions);
      if (def && !byCode.has(def.code)) byCode.set(def.code, def);
    }
    cache.set(resourceType, byCode);
    return byCode;
  };
  return {
    get: (resourceType, code) => build(resourceType).get(code),
    list: (resourceType) => [...build(resourceType).values()],
  };
}

function toDef(resourceType: string, sp: SearchParameter, definitions: Definitions): SearchParamDef | undefined {
  if (!sp.code || !sp.expression || !isIndexable(sp.type)) return undefined;
  if ((COLUMN_PARAMS as readonly string[]).includes(sp.code)) return undefined;
  const { accessor, compiled } = compileSearchExpression(resourceType, sp.expression, definitions.choiceElements);
  return {
    resourceType,
    code: sp.code,
    type: sp.type,
    url: sp.url ?? '',
    description: sp.description ?? '',
    targets: sp.target ?? [],
    compiled,
    values: accessor,
  };
}
