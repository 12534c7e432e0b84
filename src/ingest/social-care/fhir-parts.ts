// Small FHIR building blocks shared by the social-care mapping in both directions: coded concepts,
// references between a source's records (and to organisations by their national codes), names,
// addresses and telecoms, so to-fhir.ts and from-fhir.ts agree on every shape.
import type { Address, CodeableConcept, ContactPoint, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  ODS_ORGANIZATION_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
} from '../../fhir/systems.ts';
import { fromSource, sourceIdentifier, sourceIdentifierSystem, sourceReference } from '../provenance.ts';
import { NHS_NUMBER_STATUS, type CodeTable, type Coded } from './code-tables.ts';
import { SCHEMAS, type RecordType, type SharedRecordType } from './records.ts';

/** The R4 core extension linking a Task to its episode of care (Task has no element for it). */
export const WORKFLOW_EPISODE_OF_CARE = 'http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare';
export const INTERPRETER_REQUIRED = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';

/** Identifier kinds of the records a row implies (the generator's names: `staff`, `provider`). */
export const SHARED_IDENTIFIER_KINDS: Readonly<Record<SharedRecordType, string>> = { team: 'team', worker: 'staff', provider: 'provider' };

export function identifierKindOf(type: RecordType | SharedRecordType): string {
  return type in SHARED_IDENTIFIER_KINDS ? SHARED_IDENTIFIER_KINDS[type as SharedRecordType] : SCHEMAS[type as RecordType].identifierKind;
}

export const recordKey = (type: RecordType | SharedRecordType, localId: string): string => `${type}/${localId}`;

export function concept(coded: Coded, text?: string): CodeableConcept {
  return { coding: [{ system: coded.system, code: coded.code, display: coded.display }], text: text ?? coded.display };
}

/** The code of the first coding in `table`'s systems, and the concept's text when it says more than the display. */
export function codeOf(value: CodeableConcept | undefined, table: CodeTable): { code?: string; text?: string } {
  for (const coding of value?.coding ?? []) {
    const entry = table.find(coding.system, coding.code);
    if (entry) return { code: entry.code, ...(value?.text !== undefined && value.text !== entry.display ? { text: value.text } : {}) };
  }
  return value?.text !== undefined ? { text: value.text } : {};
}

/** A reference whose target type the element decides (Reference<never> fits every Reference<T>). */
export type AnyReference = Reference<never>;

/** Builds references and identifiers between the records of one source. */
export class SourceLinks {
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }

  identifier(type: RecordType | SharedRecordType, localId: string): Identifier {
    return sourceIdentifier(this.source, identifierKindOf(type), localId);
  }

  ref(type: RecordType | SharedRecordType, localId: string, resourceType: string, display?: string): AnyReference {
    const reference = sourceReference(this.source, recordKey(type, localId), resourceType);
    return display ? { reference, display } : { reference };
  }
}

/** A reference to an organisation outside the source, by its national code (ODS or ONS GSS). */
export function organisationByCode(system: typeof ODS_ORGANIZATION_SYSTEM | typeof ONS_GSS_CODE_SYSTEM, value: string): AnyReference {
  return { type: 'Organization', identifier: { system, value } };
}

/** Finds resources that references point at; the inverse mapping needs their identifiers. */
export interface FhirLookup {
  resolve(reference: Reference | undefined): Resource | undefined;
}

/** Reads local ids back from identifiers and referenced resources. */
export class SourceIds {
  readonly source: string;
  private readonly lookup: FhirLookup;

  constructor(source: string, lookup: FhirLookup) {
    this.source = source;
    this.lookup = lookup;
  }

  /** The local id a resource carries for a record type. */
  of(resource: Resource | undefined, type: RecordType | SharedRecordType): string | undefined {
    const system = sourceIdentifierSystem(this.source, identifierKindOf(type));
    const identifiers = (resource as { identifier?: Identifier[] } | undefined)?.identifier ?? [];
    return identifiers.find((i) => i.system === system)?.value;
  }

  /** The local id of the record a reference points at. */
  ofRef(reference: Reference | undefined, type: RecordType | SharedRecordType): string | undefined {
    return reference ? this.of(this.lookup.resolve(reference), type) : undefined;
  }

  resolve<T extends Resource>(reference: Reference | undefined): T | undefined {
    return this.lookup.resolve(reference) as T | undefined;
  }

  /** An organisation's national code: from a logical reference, or the referenced resource's identifier. */
  codeOfOrganisation(reference: Reference | undefined, system: string): string | undefined {
    if (!reference) return undefined;
    if (reference.identifier?.system === system) return reference.identifier.value;
    const org = this.lookup.resolve(reference) as { identifier?: Identifier[] } | undefined;
    return org?.identifier?.find((i) => i.system === system)?.value;
  }
}

/** The local id a resource must carry; its absence means the resources are not a record of this source. */
export function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new Error(`No ${what} in the resources`);
  return value;
}

/** The worker a reference names: a PractitionerRole (or its Practitioner) or a Practitioner. */
export function workerOf(reference: Reference | undefined, ids: SourceIds): string | undefined {
  const target = ids.resolve(reference);
  if (target?.resourceType === 'PractitionerRole') return ids.of(target, 'worker') ?? ids.ofRef(target.practitioner, 'worker');
  return target ? ids.of(target, 'worker') : undefined;
}

export interface AddressFields {
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  town?: string;
  county?: string;
  postcode?: string;
}

export function toAddress(fields: AddressFields, withType: boolean): Address | undefined {
  const line = [fields.addressLine1, fields.addressLine2, fields.addressLine3].filter((l): l is string => l !== undefined);
  if (line.length === 0 && !fields.town && !fields.county && !fields.postcode) return undefined;
  return {
    use: 'home',
    ...(withType ? { type: 'both' as const } : {}),
    ...(line.length > 0 ? { line } : {}),
    ...(fields.town ? { city: fields.town } : {}),
    ...(fields.county ? { district: fields.county } : {}),
    ...(fields.postcode ? { postalCode: fields.postcode } : {}),
  };
}

export function fromAddress(address: Address | undefined): AddressFields {
  if (!address) return {};
  const [l1, l2, l3] = address.line ?? [];
  return defined({ addressLine1: l1, addressLine2: l2, addressLine3: l3, town: address.city, county: address.district, postcode: address.postalCode });
}

export function telecom(system: ContactPoint['system'], value: string | undefined, use: ContactPoint['use'], rank?: number): ContactPoint[] {
  return value ? [{ system, value, use, ...(rank !== undefined ? { rank } : {}) }] : [];
}

export function findTelecom(points: readonly ContactPoint[] | undefined, system: ContactPoint['system'], use: ContactPoint['use']): string | undefined {
  return points?.find((p) => p.system === system && p.use === use)?.value;
}

/** Copies only the properties that have a value, so records compare equal whatever was left out. */
export function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out as T;
}

/** `{ key: value }` when the value is there, `{}` otherwise, for building resources by spreading. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined || (Array.isArray(value) && value.length === 0) ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Gives a resource of a record its stable id and meta.source, and (unless it has its own list)
 * the record's identifier, so every resource can be found by the source's id for it.
 */
export function stamp<T extends Resource>(links: SourceLinks, type: RecordType | SharedRecordType, localId: string, resource: T): T {
  const withIdentifier = (resource as { identifier?: Identifier[] }).identifier ? resource : { ...resource, identifier: [links.identifier(type, localId)] };
  return fromSource(withIdentifier, links.source, recordKey(type, localId));
}

export function nhsIdentifier(nhsNumber: string | undefined, status: string | undefined): Identifier[] {
  if (!nhsNumber) return [];
  const coded = NHS_NUMBER_STATUS.get(status);
  return [{
    system: NHS_NUMBER_SYSTEM,
    value: nhsNumber,
    ...(coded ? { extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION, valueCodeableConcept: { coding: [{ system: coded.system, code: coded.code, display: coded.display }] } }] } : {}),
  }];
}

export function roleReference(links: SourceLinks, workerId: string, display?: string): AnyReference {
  return links.ref('worker', workerId, 'PractitionerRole', display);
}

export { ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM };

/** Resources by `Type/id` (or a Bundle entry's fullUrl): a lookup for the inverse mapping. */
export class ResourceIndex implements FhirLookup {
  private readonly byKey = new Map<string, Resource>();

  constructor(resources: Iterable<Resource> = []) {
    for (const r of resources) this.add(r);
  }

  add(resource: Resource, key = `${resource.resourceType}/${resource.id}`): this {
    this.byKey.set(key, resource);
    return this;
  }

  resolve(reference: Reference | undefined): Resource | undefined {
    return reference?.reference ? this.byKey.get(reference.reference) : undefined;
  }
}
