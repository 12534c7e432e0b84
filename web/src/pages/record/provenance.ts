// Who reported each item of the consolidated record and where sources disagree, read from the
// extensions $summary puts on every entry (reported-by, consolidation-conflict). A resource without
// them (read some other way) is reported by its own meta.source.
// See: docs/record/README.md
import type { Extension, Resource } from '@medplum/fhirtypes';
import { CONSOLIDATION_CONFLICT_EXTENSION, REPORTED_BY_EXTENSION, SOURCE_SYSTEM_PREFIX as SOURCE_PREFIX } from '../../../../src/fhir/systems.ts';


export interface ReportedBy {
  /** The source system id (`emis-f84001`), absent for records written through the API. */
  source?: string;
  /** `Type/id` of the source resource. */
  reference: string;
  /** When it reached sharedcare. */
  lastUpdated?: string;
  /** When the source says it recorded it. */
  recorded?: string;
}

export interface ConflictValue {
  text: string;
  sources: Array<string | undefined>;
}

export interface Conflict {
  /** The element sources disagree on: dosage, clinicalStatus, criticality, status. */
  element: string;
  values: ConflictValue[];
}

const part = (ext: Extension, url: string) => ext.extension?.find((e) => e.url === url);

function ownSource(resource: Resource): string | undefined {
  const uri = resource.meta?.source?.split('#')[0];
  if (!uri) return undefined;
  return uri.startsWith(SOURCE_PREFIX) ? uri.slice(SOURCE_PREFIX.length) : uri;
}

const extensionsOf = (resource: Resource): Extension[] => (resource as { extension?: Extension[] }).extension ?? [];

/** Every source that reported the item, oldest report first. */
export function reportedByOf(resource: Resource): ReportedBy[] {
  const reports = extensionsOf(resource).filter((e) => e.url === REPORTED_BY_EXTENSION).map((e): ReportedBy => {
    const source = part(e, 'source')?.valueString;
    const lastUpdated = part(e, 'lastUpdated')?.valueInstant;
    const recorded = part(e, 'recorded')?.valueDateTime;
    return {
      reference: part(e, 'reference')?.valueReference?.reference ?? `${resource.resourceType}/${resource.id}`,
      ...(source ? { source } : {}),
      ...(lastUpdated ? { lastUpdated } : {}),
      ...(recorded ? { recorded } : {}),
    };
  });
  if (reports.length > 0) return reports;
  const source = ownSource(resource);
  return [{ reference: `${resource.resourceType}/${resource.id}`, ...(source ? { source } : {}), ...(resource.meta?.lastUpdated ? { lastUpdated: resource.meta.lastUpdated } : {}) }];
}

/** Each resource that gave a disputed value, by its source (a `source` part precedes its `reference`; API records have none). */
function sourcesOfValue(value: Extension): Array<string | undefined> {
  const sources: Array<string | undefined> = [];
  let pending: string | undefined;
  for (const x of value.extension ?? []) {
    if (x.url === 'source') pending = x.valueString;
    if (x.url === 'reference') {
      sources.push(pending);
      pending = undefined;
    }
  }
  return sources;
}

/** The elements on which the item's sources disagree, each value with the sources that gave it. */
export function conflictsOf(resource: Resource): Conflict[] {
  return extensionsOf(resource).filter((e) => e.url === CONSOLIDATION_CONFLICT_EXTENSION).map((e) => {
    const values = (e.extension ?? []).filter((v) => v.url === 'value').map((v) => ({
      text: part(v, 'text')?.valueString ?? '',
      sources: sourcesOfValue(v),
    }));
    return { element: part(e, 'element')?.valueString ?? '', values };
  });
}

/** The latest time any source updated the item. */
export function lastUpdatedOf(resource: Resource): string | undefined {
  return reportedByOf(resource).map((r) => r.lastUpdated).filter((t): t is string => !!t).sort().at(-1);
}
