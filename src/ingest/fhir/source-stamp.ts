// FHIR resources from a named source get sharedcare ids: the same source resource always becomes the
// same id (so re-importing updates), its own id is kept as an identifier, and references between
// resources of that source follow them to their new ids.
import { createHash } from 'node:crypto';
import { tryGetDataType } from '@medplum/core';
import type { Identifier, Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { fromSource, sourceIdentifier, sourceResourceId } from '../provenance.ts';

/** `AllergyIntolerance` → `allergy-intolerance`: the kind in `urn:sharedcare:id:<source>:<kind>`. */
export function identifierKind(resourceType: string): string {
  return resourceType.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '-').toLowerCase();
}

const UUID_URN = /^urn:uuid:([0-9a-fA-F-]{36})$/;

/**
 * The source's own key for a resource: its id, else the urn:uuid of its Bundle entry, else its first
 * identifier, else a digest of its content (so at least an unchanged re-import changes nothing).
 */
export function originalKey(resource: Resource, fullUrl?: string): string {
  if (resource.id) return `${resource.resourceType}/${resource.id}`;
  const uuid = fullUrl ? UUID_URN.exec(fullUrl)?.[1] : undefined;
  if (uuid) return `${resource.resourceType}/urn:uuid:${uuid.toLowerCase()}`;
  const identifier = (resource as { identifier?: Identifier | Identifier[] }).identifier;
  const first = Array.isArray(identifier) ? identifier[0] : identifier;
  if (first?.value) return `${resource.resourceType}/identifier:${first.system ?? ''}|${first.value}`;
  return `${resource.resourceType}/content:${createHash('sha256').update(JSON.stringify(resource)).digest('hex')}`;
}

/** The relative reference the resource with `key` gets from `source`. */
export function stampedReference(source: string, key: string): string {
  const type = key.slice(0, key.indexOf('/'));
  return `${type}/${sourceResourceId(source, key, type)}`;
}

/**
 * `Type/id` or `Type/id/_history/n` → the `Type/id` key. Absolute URLs are left to the Bundle's
 * fullUrls: one to another server must not be taken for a resource of this import.
 */
export function referenceKey(reference: string): string | undefined {
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference);
  if (!m || !loadDefinitions().isResourceType(m[1]!)) return undefined;
  return `${m[1]}/${m[2]}`;
}

/**
 * A copy of `value` with every Reference.reference passed through `map` (undefined keeps it);
 * `path` is the FHIRPath of the reference, for reasons.
 */
export function mapReferences<T>(value: T, map: (reference: string, path: string) => string | undefined, path = ''): T {
  if (Array.isArray(value)) return value.map((v, i) => mapReferences(v, map, `${path}[${i}]`)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    out[key] = key === 'reference' && typeof v === 'string' ? (map(v, at) ?? v) : mapReferences(v, map, at);
  }
  return out as T;
}

function hasIdentifier(resourceType: string): 'many' | 'one' | undefined {
  const element = tryGetDataType(resourceType)?.elements['identifier'];
  if (!element) return undefined;
  return element.max === 1 ? 'one' : 'many';
}

/** Adds the source's own id as an identifier, where the type has one and it is not there yet. */
function withOriginalIdentifier<T extends Resource>(resource: T, source: string, originalId: string): T {
  const cardinality = hasIdentifier(resource.resourceType);
  if (!cardinality) return resource;
  const own = sourceIdentifier(source, identifierKind(resource.resourceType), originalId);
  const current = (resource as { identifier?: Identifier | Identifier[] }).identifier;
  if (cardinality === 'one') return current ? resource : { ...resource, identifier: own };
  const list = Array.isArray(current) ? current : [];
  if (list.some((i) => i.system === own.system && i.value === own.value)) return resource;
  return { ...resource, identifier: [...list, own] };
}

/** The server's bookkeeping from wherever the resource was exported is not ours to keep. */
export function withoutForeignMeta<T extends Resource>(resource: T): T {
  if (!resource.meta) return resource;
  const { versionId: _v, lastUpdated: _l, ...meta } = resource.meta;
  const { meta: _m, ...rest } = resource;
  return (Object.keys(meta).length > 0 ? { ...rest, meta } : rest) as T;
}

/** Stamps a resource from `source` with its stable id, meta.source and its original id as an identifier. */
export function stampFromSource<T extends Resource>(resource: T, source: string, key: string): T {
  const originalId = resource.id;
  const stamped = fromSource(resource, source, key);
  return originalId ? withOriginalIdentifier(stamped, source, originalId) : stamped;
}
