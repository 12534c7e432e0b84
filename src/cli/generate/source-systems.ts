// Names the source system each synthetic record "came from" (GP system, hospital EPR, council case system),
// so provenance (Meta.source) and local identifiers look like those of a real multi-source record.
import type { Meta } from '@medplum/fhirtypes';
import { LOCAL_IDENTIFIER_PREFIX, SOURCE_SYSTEM_PREFIX } from '../../fhir/systems.ts';

/** Source-system slug of a GP practice, e.g. "emis-c84001". */
export function gpSource(system: 'emis' | 'tpp', ods: string): string {
  return `${system}-${ods.toLowerCase()}`;
}

/** Source-system slug of a hospital trust's electronic patient record, e.g. "epr-rk5". */
export function hospitalSource(ods: string): string {
  return `epr-${ods.toLowerCase()}`;
}

/** Source-system slug of a council case-management system, e.g. "mosaic-nottinghamshire". */
export function councilSource(system: string, laSlug: string): string {
  return `${system}-${laSlug}`;
}

/** `Meta` naming the source system, e.g. `urn:sharedcare:source:mosaic-nottinghamshire`. */
export function sourceMeta(slug: string, profile?: string): Meta {
  return profile ? { profile: [profile], source: SOURCE_SYSTEM_PREFIX + slug } : { source: SOURCE_SYSTEM_PREFIX + slug };
}

/** Identifier system for a kind of local id in a source system, e.g. `urn:sharedcare:id:epr-rk5:mrn`. */
export function localIdentifierSystem(slug: string, kind: string): string {
  return `${LOCAL_IDENTIFIER_PREFIX}${slug}:${kind}`;
}
