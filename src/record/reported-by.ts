// Who said it, and when: the provenance of one source resource as the consolidated record shows it
// (the source system from `meta.source`, the stored resource, and the dates the source gave).
import type { Resource } from '@medplum/fhirtypes';
import { SOURCE_SYSTEM_PREFIX } from '../fhir/systems.ts';

/** One source resource behind a consolidated entry. */
export interface ReportedBy {
  /** The source system id (`urn:sharedcare:source:<id>` → `<id>`); absent for records written through the API. */
  source?: string;
  /** `Type/id` of the stored resource. */
  reference: string;
  lastUpdated?: string;
  /** When the source says it recorded it (authoredOn, recordedDate, dateAsserted…), if it says. */
  recorded?: string;
}

/** The source system id of a `meta.source`, the URI itself when it is not a source system's, or undefined. */
export function sourceIdOf(metaSource: string | undefined): string | undefined {
  if (!metaSource) return undefined;
  // Records sent by a source system carry `urn:sharedcare:source:<id>#<record>`; the fragment is the record.
  const uri = metaSource.split('#')[0]!;
  return uri.startsWith(SOURCE_SYSTEM_PREFIX) ? uri.slice(SOURCE_SYSTEM_PREFIX.length) : uri;
}

/** Elements in which each type says when it was recorded, first found wins. */
const RECORDED_ELEMENTS = ['recordedDate', 'recorded', 'dateAsserted', 'authoredOn', 'issued', 'dateTime', 'created', 'authored', 'date'] as const;

/** The date a resource says it was recorded, if it says. */
export function recordedOf(resource: Resource): string | undefined {
  const fields = resource as unknown as Record<string, unknown>;
  for (const element of RECORDED_ELEMENTS) {
    const value = fields[element];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `Type/id` of a stored resource. */
export function referenceOf(resource: Resource): string {
  return `${resource.resourceType}/${resource.id}`;
}

/** Who reported a stored resource, and when. */
export function reportedByOf(resource: Resource): ReportedBy {
  const source = sourceIdOf(resource.meta?.source);
  const recorded = recordedOf(resource);
  return {
    ...(source ? { source } : {}),
    reference: referenceOf(resource),
    ...(resource.meta?.lastUpdated ? { lastUpdated: resource.meta.lastUpdated } : {}),
    ...(recorded ? { recorded } : {}),
  };
}
