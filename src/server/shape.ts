// _summary and _elements: return a subset of each resource, marked SUBSETTED as the spec requires.
// See: https://hl7.org/fhir/R4/search.html#summary and #elements
import type { Resource } from '@medplum/fhirtypes';
import type { Definitions } from '../fhir/definitions.ts';
import type { SummaryMode } from '../store/search/search-request.ts';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };
const ALWAYS = ['resourceType', 'id', 'meta'];

function keep(resource: Resource, names: ReadonlySet<string>): Resource {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    // Choice elements (valueQuantity) are listed under their base name (value).
    const base = key.replace(/[A-Z][A-Za-z]*$/, '');
    if (ALWAYS.includes(key) || names.has(key) || (base !== key && names.has(base))) out[key] = value;
  }
  const meta = (out.meta ?? {}) as { tag?: unknown[] };
  out.meta = { ...meta, tag: [...(meta.tag ?? []), SUBSETTED] };
  return out as unknown as Resource;
}

export interface ShapeOptions {
  summary?: SummaryMode;
  elements?: readonly string[];
}

/** The resource as the client asked to see it. */
export function shapeResource(resource: Resource, options: ShapeOptions, definitions: Definitions): Resource {
  const type = resource.resourceType;
  if (options.elements?.length) {
    return keep(resource, new Set([...options.elements, ...definitions.mandatoryElements(type)]));
  }
  switch (options.summary) {
    case 'true':
      return keep(resource, definitions.summaryElements(type));
    case 'text':
      return keep(resource, new Set(['text', ...definitions.mandatoryElements(type)]));
    case 'data': {
      const { text: _text, ...rest } = resource as Resource & { text?: unknown };
      return keep(rest as Resource, new Set(Object.keys(rest)));
    }
    default:
      return resource;
  }
}
