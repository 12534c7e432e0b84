// Where each fact came from. A source record (a council's person, an HL7 visit, a FHIR resource
// from a named system) always becomes the same resource id, so re-sending it updates rather than
// duplicates; the resource carries the source's own id as an identifier and the source in meta.source.
import type { Identifier, Meta, Resource } from '@medplum/fhirtypes';
import { invalid } from '../fhir/errors.ts';
import { nameBasedUuid } from '../fhir/name-based-uuid.ts';
import { LOCAL_IDENTIFIER_PREFIX, SOURCE_SYSTEM_PREFIX } from '../fhir/systems.ts';

/** A source system's id: lower-case letters, digits and hyphens, e.g. "mosaic-hackney", "epr-rk5". */
const SOURCE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isSourceId(value: string): boolean {
  return SOURCE_ID.test(value);
}

/** Throws a clear error for a malformed source-system id. */
export function assertSourceId(value: string, location = 'source'): string {
  if (!isSourceId(value)) {
    throw invalid('INGEST_SOURCE_INVALID', `Source system id '${value}' must be lower-case letters, digits and hyphens (e.g. mosaic-hackney)`, location);
  }
  return value;
}

/**
 * The resource id a source record's resource always gets: a UUID-shaped digest of the source,
 * the record's key within it and the resource type, so no local id or NHS number shows in a URL.
 */
export function sourceResourceId(source: string, recordKey: string, resourceType: string): string {
  return nameBasedUuid(source, recordKey, resourceType);
}

/** Identifier system for one kind of local id in a source, e.g. `urn:sharedcare:id:mosaic-hackney:person`. */
export function sourceIdentifierSystem(source: string, kind: string): string {
  return `${LOCAL_IDENTIFIER_PREFIX}${source}:${kind}`;
}

export function sourceIdentifier(source: string, kind: string, value: string): Identifier {
  return { system: sourceIdentifierSystem(source, kind), value };
}

/** `urn:sharedcare:source:<source>`: the value of meta.source on everything a source sent. */
export function sourceUri(source: string): string {
  return SOURCE_SYSTEM_PREFIX + source;
}

export function sourceMeta(source: string, profile?: string): Meta {
  return profile ? { profile: [profile], source: sourceUri(source) } : { source: sourceUri(source) };
}

/** Stamps a mapped resource with its stable id and meta.source. */
export function fromSource<T extends Resource>(resource: T, source: string, recordKey: string): T {
  return {
    ...resource,
    id: sourceResourceId(source, recordKey, resource.resourceType),
    meta: { ...resource.meta, source: sourceUri(source) },
  };
}

/** `Type/id` of the resource a source record maps to, for references between mapped records. */
export function sourceReference(source: string, recordKey: string, resourceType: string): string {
  return `${resourceType}/${sourceResourceId(source, recordKey, resourceType)}`;
}
