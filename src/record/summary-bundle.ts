// The consolidated record as FHIR: a `collection` Bundle whose entries are the person's records,
// then one resource per consolidated item carrying who reported it, where sources disagree and how
// many resources it stands for, then the rest of the person's resources and their GP practices.
// See: docs/record/README.md and https://hl7.org/fhir/R4/bundle.html
import type { Bundle, BundleEntry, Extension, Resource } from '@medplum/fhirtypes';
import { CONSOLIDATED_COUNT_EXTENSION, CONSOLIDATION_CONFLICT_EXTENSION, REPORTED_BY_EXTENSION } from '../fhir/systems.ts';
import type { Conflict, ConsolidatedItem } from './consolidate.ts';
import type { ReportedBy } from './reported-by.ts';
import type { PersonSummary } from './summary.ts';

const OWN_EXTENSIONS = new Set([REPORTED_BY_EXTENSION, CONSOLIDATION_CONFLICT_EXTENSION, CONSOLIDATED_COUNT_EXTENSION]);

/** The `reported-by` extension of one source resource. */
export function reportedByExtension(r: ReportedBy): Extension {
  return {
    url: REPORTED_BY_EXTENSION,
    extension: [
      ...(r.source ? [{ url: 'source', valueString: r.source }] : []),
      { url: 'reference', valueReference: { reference: r.reference } },
      ...(r.lastUpdated ? [{ url: 'lastUpdated', valueInstant: r.lastUpdated }] : []),
      ...(r.recorded ? [{ url: 'recorded', valueDateTime: r.recorded }] : []),
    ],
  };
}

/**
 * The `consolidation-conflict` extension: the element, and each distinct value with every resource
 * that said it, each `reference` preceded by its `source` when it has one (the viewer pairs them so).
 */
export function conflictExtension(conflict: Conflict): Extension {
  return {
    url: CONSOLIDATION_CONFLICT_EXTENSION,
    extension: [
      { url: 'element', valueString: conflict.element },
      ...conflict.values.map((v) => ({
        url: 'value',
        extension: [
          { url: 'text', valueString: v.text },
          ...v.reportedBy.flatMap((r) => [
            ...(r.source ? [{ url: 'source', valueString: r.source }] : []),
            { url: 'reference', valueReference: { reference: r.reference } },
          ]),
        ],
      })),
    ],
  };
}

/** A copy of `resource` with our extensions in place of any it already carried (a source cannot forge them). */
function withExtensions(resource: Resource, extensions: Extension[]): Resource {
  const own = ((resource as { extension?: Extension[] }).extension ?? []).filter((e) => !OWN_EXTENSIONS.has(e.url));
  return { ...resource, extension: [...own, ...extensions] } as Resource;
}

function itemResource(item: ConsolidatedItem): Resource {
  return withExtensions(item.representative.resource, [
    ...item.members.map((m) => reportedByExtension(m.reportedBy)),
    ...item.conflicts.map(conflictExtension),
    { url: CONSOLIDATED_COUNT_EXTENSION, valueInteger: item.members.length },
  ]);
}

/** The `$summary` Bundle of one person. */
export function summaryBundle(summary: PersonSummary, baseUrl: string, timestamp = new Date()): Bundle {
  const entry = (resource: Resource): BundleEntry => ({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource });
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: timestamp.toISOString(),
    entry: [
      ...summary.patients.map((p) => entry(withExtensions(p.patient, [reportedByExtension(p.reportedBy)]))),
      ...summary.items.map((item) => entry(itemResource(item))),
      ...summary.others.map((o) => entry(withExtensions(o.resource, [reportedByExtension(o.reportedBy)]))),
      ...summary.practices.map(entry),
    ],
  };
}
