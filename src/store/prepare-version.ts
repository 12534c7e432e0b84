// The CPU side of a write: validate, stamp meta, and extract index rows, before any SQL runs.
import type { Resource } from '@medplum/fhirtypes';
import type { Definitions } from '../fhir/definitions.ts';
import type { SearchParamRegistry } from '../fhir/search-parameters.ts';
import { FhirError } from '../fhir/errors.ts';
import { assertValidResource } from '../fhir/validate.ts';
import { extractIndexRows, type IndexRows } from './index-rows.ts';
import { POOL_THRESHOLD, type PreparePool } from './prepare-pool.ts';
import type { PreparedVersion } from './write-resources.ts';

export interface PrepareContext {
  definitions: Definitions;
  registry: SearchParamRegistry;
  /** Skip structural validation (trusted internal loads only). */
  skipValidation?: boolean;
  /** Validates and indexes large batches off the main thread; small writes are prepared inline. */
  preparePool?: PreparePool;
}

/** Puts resourceType, id and meta first, as people expect to read them. */
function orderResource<T extends Resource>(content: T): T {
  const { resourceType, id, meta, ...rest } = content as T & { meta?: unknown };
  return { resourceType, ...(id !== undefined ? { id } : {}), ...(meta !== undefined ? { meta } : {}), ...rest } as unknown as T;
}

export function stampMeta(resource: Resource, id: string, versionId: number, lastUpdated: string): Resource {
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta ?? {};
  return orderResource({ ...resource, id, meta: { versionId: String(versionId), lastUpdated, ...meta } } as Resource);
}

const EMPTY_ROWS: IndexRows = { personKey: null, tokens: [], strings: [], dates: [], quantities: [], references: [], displays: [] };

export function prepareVersion(
  ctx: PrepareContext,
  resource: Resource,
  id: string,
  versionId: number,
  lastUpdated: string,
  rid?: string,
): PreparedVersion {
  const content = stampMeta(resource, id, versionId, lastUpdated);
  if (!ctx.skipValidation) assertValidResource(content);
  const rows = extractIndexRows(
    content as unknown as Record<string, unknown>,
    ctx.registry,
    ctx.definitions.patientCompartmentParams(resource.resourceType),
  );
  return { type: resource.resourceType, id, versionId, lastUpdated, deleted: false, content, rows, ...(rid ? { rid } : {}) };
}

/** A version's place in its resource's history: its number, and the row it replaces if any. */
export interface VersionSlot {
  versionId: number;
  rid?: string;
}

/**
 * Prepares a batch of resources, in the worker pool when it is large enough. Without `slots` every
 * resource is new (version 1); with them, each goes into the given slot.
 */
export async function prepareBatch(ctx: PrepareContext, resources: readonly Resource[], ids: readonly string[], lastUpdated: string,
  slots?: readonly VersionSlot[]): Promise<PreparedVersion[]> {
  const slot = (i: number): VersionSlot => slots?.[i] ?? { versionId: 1 };
  if (!ctx.preparePool || ctx.skipValidation || resources.length < POOL_THRESHOLD) {
    return resources.map((r, i) => withIndex(i, () => prepareVersion(ctx, r, ids[i]!, slot(i).versionId, lastUpdated, slot(i).rid)));
  }
  const stamped = resources.map((r, i) => stampMeta(r, ids[i]!, slot(i).versionId, lastUpdated));
  const results = await ctx.preparePool.prepare(stamped);
  return results.map((result, i) => {
    if ('issues' in result) throw withIndex(i, () => FhirError.fromIssues('invalid', 'FHIR_VALIDATION', result.issues));
    const content = stamped[i]!;
    const { versionId, rid } = slot(i);
    return { type: content.resourceType, id: ids[i]!, versionId, lastUpdated, deleted: false, content, rows: result.rows, ...(rid ? { rid } : {}) };
  });
}

/** Runs `fn`, marking a FhirError it throws (or returns) with the batch position. */
function withIndex<T>(index: number, fn: () => T): T {
  try {
    const value = fn();
    if (value instanceof FhirError) value.entryIndex = index;
    return value;
  } catch (err) {
    if (err instanceof FhirError) err.entryIndex = index;
    throw err;
  }
}

/** A deletion keeps the person key so history stays in the person's shard. */
export function prepareDeletion(type: string, id: string, versionId: number, lastUpdated: string, rid: string, personKey: string | null): PreparedVersion {
  return { type, id, versionId, lastUpdated, deleted: true, content: null, rows: { ...EMPTY_ROWS, personKey }, rid };
}
