// The CPU side of a write: validate, stamp meta, and extract index rows, before any SQL runs.
import type { Resource } from '@medplum/fhirtypes';
import type { Definitions } from '../fhir/definitions.ts';
import type { SearchParamRegistry } from '../fhir/search-parameters.ts';
import { FhirError } from '../fhir/errors.ts';
import { assertValidResource } from '../fhir/validate.ts';
import { extractIndexRows, type IndexRows } from './index-rows.ts';
import type { ValidationPool } from './validation-pool.ts';
import type { PreparedVersion } from './write-resources.ts';

export interface PrepareContext {
  definitions: Definitions;
  registry: SearchParamRegistry;
  /** Skip structural validation (trusted internal loads only). */
  skipValidation?: boolean;
  /** Validates large batches off the main thread; small writes validate inline. */
  validationPool?: ValidationPool;
}

/** Batches at least this large go to the validation pool. */
export const POOL_THRESHOLD = 16;

/** Puts resourceType, id and meta first, as people expect to read them. */
export function orderResource<T extends Resource>(content: T): T {
  const { resourceType, id, meta, ...rest } = content as T & { meta?: unknown };
  return { resourceType, ...(id !== undefined ? { id } : {}), ...(meta !== undefined ? { meta } : {}), ...rest } as unknown as T;
}

export function stampMeta(resource: Resource, id: string, versionId: number, lastUpdated: string): Resource {
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta ?? {};
  return orderResource({ ...resource, id, meta: { versionId: String(versionId), lastUpdated, ...meta } } as Resource);
}

const EMPTY_ROWS: IndexRows = { personKey: null, tokens: [], strings: [], dates: [], quantities: [], references: [] };

export function prepareVersion(
  ctx: PrepareContext,
  resource: Resource,
  id: string,
  versionId: number,
  lastUpdated: string,
  rid?: string,
  validated = false,
): PreparedVersion {
  const content = validated ? resource : stampMeta(resource, id, versionId, lastUpdated);
  if (!ctx.skipValidation && !validated) assertValidResource(content);
  const rows = extractIndexRows(
    content as unknown as Record<string, unknown>,
    ctx.registry,
    ctx.definitions.patientCompartmentParams(resource.resourceType),
  );
  return { type: resource.resourceType, id, versionId, lastUpdated, deleted: false, content, rows, ...(rid ? { rid } : {}) };
}

/** Prepares a batch of new resources, validating in the worker pool when it is large enough. */
export async function prepareBatch(ctx: PrepareContext, resources: readonly Resource[], ids: readonly string[], lastUpdated: string): Promise<PreparedVersion[]> {
  if (!ctx.validationPool || ctx.skipValidation || resources.length < POOL_THRESHOLD) {
    return resources.map((r, i) => withIndex(i, () => prepareVersion(ctx, r, ids[i]!, 1, lastUpdated)));
  }
  const stamped = resources.map((r, i) => stampMeta(r, ids[i]!, 1, lastUpdated));
  await ctx.validationPool.assertValid(stamped);
  return stamped.map((r, i) => withIndex(i, () => prepareVersion(ctx, r, ids[i]!, 1, lastUpdated, undefined, true)));
}

function withIndex<T>(index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FhirError) err.entryIndex = index;
    throw err;
  }
}

/** A deletion keeps the person key so history stays in the person's shard. */
export function prepareDeletion(type: string, id: string, versionId: number, lastUpdated: string, rid: string, personKey: string | null): PreparedVersion {
  return { type, id, versionId, lastUpdated, deleted: true, content: null, rows: { ...EMPTY_ROWS, personKey }, rid };
}
