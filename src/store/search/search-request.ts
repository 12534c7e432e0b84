// The parsed form of a FHIR search: what the SQL builder and the paging layer work from.
import type { SearchParamDef } from '../../fhir/search-parameters.ts';

export const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type Prefix = (typeof PREFIXES)[number];

/** One search parameter occurrence: its values are ORed; criteria are ANDed. */
export type Criterion =
  | { kind: 'param'; def: SearchParamDef; modifier: string | undefined; values: string[] }
  | { kind: 'id'; values: string[]; not: boolean }
  | { kind: 'lastUpdated'; values: string[] }
  | { kind: 'chain'; def: SearchParamDef; targetTypes: string[]; inner: Criterion[] }
  | { kind: 'has'; sourceType: string; refDef: SearchParamDef; inner: Criterion };

export interface SortKey {
  code: string;
  descending: boolean;
  def?: SearchParamDef;
}

export interface IncludeSpec {
  sourceType: string;
  def: SearchParamDef | '*';
  targetType?: string;
  iterate: boolean;
}

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';
export type TotalMode = 'none' | 'estimate' | 'accurate';

export interface SearchRequest {
  resourceType: string;
  criteria: Criterion[];
  sort: SortKey[];
  count: number;
  total?: TotalMode;
  summary?: SummaryMode;
  elements?: string[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  /** Keyset paging (default order): the last rid of the previous page and the high-water mark. */
  cursor?: { after?: string; before?: string; maxRid: string };
  /** Snapshot paging (explicit `_sort`). */
  page?: { id: string; offset: number };
}
