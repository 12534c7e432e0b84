// Reads the synthetic population back as the social-care records each council's case-management system
// holds: the council-sourced resources of every person bundle, through the inverse mapping (from-fhir),
// with the local ids a council system would have given the records the generator left without one.
import type { Bundle, CarePlan, CareTeam, EpisodeOfCare, Flag, Identifier, Organization, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { SOURCE_SYSTEM_PREFIX } from '../../fhir/systems.ts';
import { sourceIdentifierSystem } from '../../ingest/provenance.ts';
import { RECORD_CATEGORY } from '../../ingest/social-care/code-tables.ts';
import { identifierKindOf, ResourceIndex, type FhirLookup } from '../../ingest/social-care/fhir-parts.ts';
import { recordFromFhir } from '../../ingest/social-care/from-fhir.ts';
import type { RecordType, SharedRecordType, SocialCareRecord } from '../../ingest/social-care/records.ts';
import { CASE_SYSTEMS } from './places.ts';

/** One record a council system holds, with the generated resources it came from. */
export interface CouncilRecord {
  source: string;
  record: SocialCareRecord;
  /** The record's own resources as generated (copies carrying the local ids given to them). */
  resources: Resource[];
  /** Resolves the references of those resources (the person's bundle, then the shared directory). */
  lookup: FhirLookup;
}

const COUNCIL_PREFIXES = Object.values(CASE_SYSTEMS).map((s) => `${SOURCE_SYSTEM_PREFIX}${s}-`);

/** The council system a resource came from, if it came from one. */
export function councilSourceOf(resource: Resource | undefined): string | undefined {
  const uri = resource?.meta?.source;
  return uri && COUNCIL_PREFIXES.some((p) => uri.startsWith(p)) ? uri.slice(SOURCE_SYSTEM_PREFIX.length) : undefined;
}

function withIdentifier<T extends Resource>(resource: T, source: string, type: RecordType | SharedRecordType, value: string): T {
  const identifier: Identifier = { system: sourceIdentifierSystem(source, identifierKindOf(type)), value };
  return { ...resource, identifier: [...((resource as { identifier?: Identifier[] }).identifier ?? []), identifier] } as T;
}

/** The shared directory, with the local team ids a council system would hold (teams have no identifier there). */
function sharedIndex(bundle: Bundle): ResourceIndex {
  const index = new ResourceIndex();
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource!;
    const source = councilSourceOf(resource);
    const isTeam = resource.resourceType === 'Organization' && (resource as Organization).type?.some((t) => t.coding?.some((c) => c.code === 'team'));
    index.add(source && isTeam ? withIdentifier(resource, source, 'team', resource.id!) : resource);
  }
  return index;
}

const isReferral = (sr: ServiceRequest) => sr.category?.some((c) => c.coding?.some((x) => x.system === RECORD_CATEGORY.systems[0] && x.code === 'referral'));

/** Every council record in the population, person by person; the first bundle must be the shared directory. */
export function* councilRecords(bundles: Iterable<Bundle>): Generator<CouncilRecord> {
  let shared: ResourceIndex | undefined;
  for (const bundle of bundles) {
    if (!shared) {
      shared = sharedIndex(bundle);
      continue;
    }
    yield* personRecords(bundle, shared);
  }
}

function personRecords(bundle: Bundle, shared: ResourceIndex): CouncilRecord[] {
  const entries = (bundle.entry ?? []).filter((e) => e.resource && e.fullUrl);
  const council = entries.filter((e) => councilSourceOf(e.resource));
  if (council.length === 0) return [];
  const source = councilSourceOf(council[0]!.resource)!;
  const patientEntry = entries.find((e) => e.resource!.resourceType === 'Patient')!;
  const clientId = (patientEntry.resource as { identifier?: Identifier[] }).identifier
    ?.find((i) => i.system === sourceIdentifierSystem(source, 'person'))?.value;
  if (!clientId) return [];

  const own = new ResourceIndex();
  const lookup: FhirLookup = { resolve: (ref: Reference | undefined) => own.resolve(ref) ?? shared.resolve(ref) };
  // The support reason and the referral are part of their case's record, and carry its number.
  const caseOf = new Map<string, string>();
  for (const { resource } of council) {
    if (resource!.resourceType !== 'EpisodeOfCare') continue;
    const eoc = resource as EpisodeOfCare;
    const caseNumber = eoc.identifier?.find((i) => i.system === sourceIdentifierSystem(source, 'case'))?.value;
    for (const ref of [eoc.diagnosis?.[0]?.condition?.reference, eoc.referralRequest?.[0]?.reference]) if (caseNumber && ref) caseOf.set(ref, caseNumber);
  }
  const counters = new Map<string, number>();
  const next = (prefix: string) => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    return `${clientId}-${prefix}${n}`;
  };
  // Local ids for the records the generator wrote without one, in bundle order so they are stable.
  let service: { id: string; provider?: string; items: number } | undefined;
  const copies = council.map(({ fullUrl, resource }) => {
    let copy = resource!;
    if (copy.resourceType === 'CareTeam') copy = withIdentifier(copy, source, 'allocation', next('A'));
    else if (copy.resourceType === 'Task') copy = withIdentifier(copy, source, 'event', next('E'));
    else if (copy.resourceType === 'CarePlan') copy = withIdentifier(copy, source, 'plan', next('P'));
    else if (copy.resourceType === 'Flag') copy = withIdentifier(copy, source, 'flag', next('F'));
    else if (caseOf.has(fullUrl!)) copy = withIdentifier(copy, source, 'episode', caseOf.get(fullUrl!)!);
    else if (copy.resourceType === 'ServiceRequest') {
      const sr = copy as ServiceRequest;
      service = { id: next('S'), ...(sr.performer?.[0]?.reference ? { provider: sr.performer[0].reference } : {}), items: 0 };
      copy = withIdentifier(copy, source, 'service', service.id);
    } else if (copy.resourceType === 'Device' && service && (copy as { owner?: Reference }).owner?.reference === service.provider) {
      // Items of equipment are numbered within the service that provided them, as the import numbers them.
      copy = withIdentifier(copy, source, 'service', `${service.id}/equipment/${++service.items}`);
    }
    if (copy.resourceType !== 'Device' && copy.resourceType !== 'ServiceRequest') service = undefined;
    own.add(copy, fullUrl);
    return copy;
  });
  own.add(patientEntry.resource!, patientEntry.fullUrl);

  const records: CouncilRecord[] = [];
  const add = (type: RecordType, resources: Resource[]) => records.push({ source, record: recordFromFhir(type, resources, source, lookup), resources, lookup });
  add('person', [patientEntry.resource!]);
  copies.forEach((resource, i) => {
    switch (resource.resourceType) {
      case 'RelatedPerson': add('contact', [resource]); break;
      case 'CareTeam': add('allocation', [resource as CareTeam]); break;
      case 'EpisodeOfCare': {
        const eoc = resource as EpisodeOfCare;
        add('episode', [eoc, ...[eoc.diagnosis?.[0]?.condition, eoc.referralRequest?.[0]].map((r) => lookup.resolve(r)).filter((r) => r !== undefined)]);
        break;
      }
      case 'Task': add('event', [resource as Task]); break;
      case 'ServiceRequest': if (!isReferral(resource as ServiceRequest)) add('service', [resource, ...devicesAfter(copies, i)]); break;
      case 'CarePlan': add('plan', [resource as CarePlan]); break;
      case 'Flag': add('flag', [resource as Flag]); break;
      default: break;
    }
  });
  return records;
}

/** The generator writes an equipment service's Devices straight after it, owned by its provider. */
function devicesAfter(copies: readonly Resource[], index: number): Resource[] {
  const service = copies[index] as ServiceRequest;
  const provider = service.performer?.[0]?.reference;
  const devices: Resource[] = [];
  for (let i = index + 1; i < copies.length && copies[i]!.resourceType === 'Device'; i++) {
    if (provider && (copies[i] as { owner?: Reference }).owner?.reference === provider) devices.push(copies[i]!);
  }
  return devices;
}
