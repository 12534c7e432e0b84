// Walks a resource (or any FHIR JSON) for `reference` strings: used to find the shared resources
// a record points at, and the urn:uuid / conditional references a transaction must resolve.

/** Calls `visit` with every `Reference.reference` string anywhere inside `value`. */
export function forEachReference(value: unknown, visit: (reference: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) forEachReference(v, visit);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string') visit(v);
      else if (typeof v === 'object') forEachReference(v, visit);
    }
  }
}
