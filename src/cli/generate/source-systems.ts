// Names the source system each synthetic record "came from" (GP system, hospital EPR, council case system),
// so provenance (Meta.source) and local identifiers look like those of a real multi-source record.

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

/** `Meta` naming the source system and identifier systems for its local ids: the same as real imports use. */
export { sourceMeta, sourceIdentifierSystem as localIdentifierSystem } from '../../ingest/provenance.ts';
