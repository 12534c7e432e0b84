// Collects one person's resources into a FHIR transaction Bundle: each entry gets a deterministic
// urn:uuid fullUrl that the person's other resources reference, and is POSTed to its type.
// See: https://hl7.org/fhir/R4/http.html#transaction
import type { Bundle, BundleEntry, ExtractResource, Reference, Resource } from '@medplum/fhirtypes';
import type { Random } from './random.ts';

export class PersonBundle {
  readonly #entries: BundleEntry[] = [];
  readonly #uuids: Random;

  /** `uuids` must be a stream used only for identifiers, so other draws never shift them. */
  constructor(uuids: Random) {
    this.#uuids = uuids;
  }

  /** Adds a resource to be created and returns a reference to it by its urn:uuid. */
  add<T extends Resource>(resource: T, display?: string): Reference<T> {
    const fullUrl = `urn:uuid:${this.#uuids.uuid()}`;
    this.#entries.push({ fullUrl, resource, request: { method: 'POST', url: resource.resourceType } });
    return display ? { reference: fullUrl, display } : { reference: fullUrl };
  }

  get size(): number {
    return this.#entries.length;
  }

  toBundle(): Bundle {
    return { resourceType: 'Bundle', type: 'transaction', entry: this.#entries };
  }
}

/** A reference to a shared resource by its fixed id, e.g. `Organization/ods-C84001`. */
export function sharedReference<K extends 'Organization' | 'Practitioner' | 'PractitionerRole'>(resourceType: K, id: string,
  display?: string): Reference<ExtractResource<K>> {
  const reference = `${resourceType}/${id}`;
  return display ? { reference, display } : { reference };
}
