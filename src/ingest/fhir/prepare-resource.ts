// Turns one incoming FHIR resource (an NDJSON line, a Bundle entry) into a record ready to apply, or
// into the reasons it must be quarantined: JSON, type, id, batch request, references, validation.
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { FhirError } from '../../fhir/errors.ts';
import { assertValidResource, isValidId } from '../../fhir/validate.ts';
import type { QuarantineReason } from '../quarantine.ts';
import type { MappedRecord } from '../source-writer.ts';
import { mapReferences, originalKey, referenceKey, stampedReference, stampFromSource, withoutForeignMeta } from './source-stamp.ts';

/** A quarantined Bundle entry keeps its fullUrl and batch request; a whole Bundle is kept when it failed as one. */
export type RawForm = 'entry' | 'bundle';

/** One resource as it arrived, with where it came from. */
export interface IncomingResource {
  /** The parsed JSON; undefined when the text did not parse. */
  value: unknown;
  /** Why the text could not even be read (not JSON, a line too long). */
  unreadable?: QuarantineReason;
  /** The text as received, kept whole in the quarantine: an NDJSON line, or a Bundle entry's JSON. */
  raw: string;
  /** How `raw` is to be read again on replay; absent: one resource. */
  form?: RawForm;
  /** `file:line` or `file#entry[i]`. */
  origin: string;
  fullUrl?: string;
  /** A batch entry's request (only POST and PUT Type/id are imported). */
  request?: { method?: string; url?: string };
  /** fullUrl → reference of the new resource, for the Bundle the entry came from. */
  fullUrls?: ReadonlyMap<string, string>;
}

export interface ReferenceScope {
  /** The named source; absent: ids are kept as given and only fullUrls are resolved. */
  source?: string;
  /** `Type/id` of the resources this source sent, in this import or before. */
  isKnown(key: string): boolean;
}

export type Prepared =
  | { ok: true; kind: string; record: MappedRecord }
  | { ok: false; kind: string; reasons: QuarantineReason[] };

const refuse = (kind: string, code: string, message: string, location?: string): Prepared => ({
  ok: false,
  kind,
  reasons: [{ code, message, ...(location ? { location } : {}) }],
});

/** The reasons a FhirError gives, one per issue, with its FHIRPath location. */
export function reasonsOf(err: FhirError): QuarantineReason[] {
  return err.issues.map((i) => ({ code: i.id ?? err.code, message: i.message, ...(i.expression?.[0] ? { location: i.expression[0] } : {}) }));
}

function asResource(value: unknown): { resource?: Resource; failure?: Prepared } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { failure: refuse('unknown', 'INGEST_FHIR_JSON', 'Expected a FHIR resource (a JSON object)') };
  }
  const type = (value as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string' || !loadDefinitions().isResourceType(type)) {
    return { failure: refuse('unknown', 'INGEST_FHIR_TYPE', 'resourceType is missing or is not an R4 resource type', 'resourceType') };
  }
  return { resource: value as Resource };
}

/** A batch entry may create (POST) or put at an id (PUT Type/id); anything else is not an import. */
function fromRequest(resource: Resource, request: IncomingResource['request']): Resource | Prepared {
  const kind = resource.resourceType;
  if (!request) return resource;
  const method = request.method?.toUpperCase();
  if (method === 'POST') return resource;
  const m = /^\/?([A-Za-z]+)\/([^/?]+)$/.exec(request.url ?? '');
  if (method !== 'PUT' || !m) {
    return refuse(kind, 'INGEST_FHIR_REQUEST', 'Only POST and PUT Type/id entries of a batch are imported', 'Bundle.entry.request');
  }
  if (m[1] !== kind || (resource.id !== undefined && resource.id !== m[2])) {
    return refuse(kind, 'INGEST_FHIR_REQUEST', 'request.url does not name this resource', 'Bundle.entry.request.url');
  }
  return { ...resource, id: m[2] };
}

/** Rewrites references to resources of the same source/Bundle; an unresolvable urn:uuid is a reason. */
function resolveReferences(resource: Resource, item: IncomingResource, scope: ReferenceScope): { resource: Resource; reasons: QuarantineReason[] } {
  const reasons: QuarantineReason[] = [];
  const mapped = mapReferences(resource, (ref, path) => {
    const local = item.fullUrls?.get(ref);
    if (local) return local;
    if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
      reasons.push({ code: 'INGEST_FHIR_REFERENCE', message: 'The reference names no entry of its Bundle', location: path });
      return undefined;
    }
    if (!scope.source) return undefined;
    const key = referenceKey(ref);
    return key && scope.isKnown(key) ? stampedReference(scope.source, key) : undefined;
  }, resource.resourceType);
  return { resource: mapped, reasons };
}

/** Prepares one incoming resource. */
export function prepareResource(item: IncomingResource, scope: ReferenceScope): Prepared {
  if (item.unreadable) return { ok: false, kind: 'unknown', reasons: [item.unreadable] };
  const { resource: parsed, failure } = asResource(item.value);
  if (failure) return failure;
  const requested = fromRequest(parsed!, item.request);
  if ('ok' in requested) return requested;
  const kind = requested.resourceType;
  if (requested.id !== undefined && (typeof requested.id !== 'string' || !isValidId(requested.id))) {
    return refuse(kind, 'INGEST_FHIR_ID', 'The id is not a valid FHIR id', `${kind}.id`);
  }
  if (!scope.source && !requested.id) {
    return refuse(kind, 'INGEST_FHIR_NO_ID', 'The resource needs an id or a --source', `${kind}.id`);
  }
  const key = originalKey(requested, item.fullUrl);
  const { resource: linked, reasons } = resolveReferences(withoutForeignMeta(requested), item, scope);
  if (reasons.length > 0) return { ok: false, kind, reasons };
  const resource = scope.source ? stampFromSource(linked, scope.source, key) : linked;
  try {
    assertValidResource(resource);
  } catch (err) {
    if (err instanceof FhirError) return { ok: false, kind, reasons: reasonsOf(err) };
    throw err;
  }
  return { ok: true, kind, record: { recordType: kind, localId: key.slice(kind.length + 1), resources: [resource] } };
}

/** The relative references in an incoming resource that may name an earlier import of the source. */
export function referenceKeys(item: IncomingResource): string[] {
  const keys: string[] = [];
  mapReferences(item.value, (ref) => {
    const key = item.fullUrls?.has(ref) ? undefined : referenceKey(ref);
    if (key) keys.push(key);
    return undefined;
  });
  return keys;
}
