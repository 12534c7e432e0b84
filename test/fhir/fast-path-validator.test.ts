// The fast path may only ever clear what the full validator clears. Checked differentially: the
// generated population and the social-care records mapped to FHIR, then thousands of seeded
// mutants of them (wrong types, unknown keys, nulls, bad dates and codes, broken invariants…),
// each judged by both. Also: each compiled invariant against the FHIRPath engine on its own cases.
import { evalFhirPathTyped, getDataType, toTypedValue, UCUM, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { councilRecords } from '../../src/cli/generate/council-records.ts';
import { generatePopulation } from '../../src/cli/generate/generate-population.ts';
import { seededRandom } from '../../src/identity/seeded-random.ts';
import { COMPILED_CONSTRAINTS } from '../../src/fhir/compiled-constraints.ts';
import { loadDefinitions } from '../../src/fhir/definitions.ts';
import { FhirError } from '../../src/fhir/errors.ts';
import { isCertainlyValid } from '../../src/fhir/fast-path-validator.ts';
import { assertValidByFullPath, assertValidResource } from '../../src/fhir/validate.ts';
import { recordToFhir } from '../../src/ingest/social-care/to-fhir.ts';

type Json = Record<string, unknown>;

/** A validator's verdict: no issues, or its issues as `code expression` lines. */
function verdictOf(validate: (r: Resource) => void, resource: unknown): string[] {
  try {
    validate(resource as Resource);
    return [];
  } catch (err) {
    if (!(err instanceof FhirError)) return [`threw ${(err as Error).message}`];
    return err.issues.map((i) => `${i.code} ${(i.expression ?? []).join(',')}`);
  }
}

const fullVerdict = (resource: unknown): string[] => verdictOf(assertValidByFullPath, resource);

function population(): Resource[] {
  const bundles = JSON.parse(JSON.stringify([...generatePopulation({ people: 40, seed: 7, heavyPeople: 1 })]));
  const resources: Resource[] = bundles.flatMap((b: { entry?: Array<{ resource: Resource }> }) => (b.entry ?? []).map((e) => e.resource));
  for (const { record, source } of councilRecords(generatePopulation({ people: 40, seed: 8 }))) {
    for (const mapped of recordToFhir(record, source)) resources.push(...JSON.parse(JSON.stringify(mapped.resources)));
  }
  return resources;
}

/** Every place in a resource a mutation can touch: the object or array holding it, and its key. */
function places(value: unknown, out: Array<{ holder: Json | unknown[]; key: string | number }> = []): typeof out {
  if (Array.isArray(value)) value.forEach((item, i) => { out.push({ holder: value, key: i }); places(item, out); });
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'resourceType') continue;
      out.push({ holder: value as Json, key: k });
      places(v, out);
    }
  }
  return out;
}

const BAD_VALUES: unknown[] = [null, undefined, '', '  ', ' padded', 'tab\u0001', 0, -1, 1.5, true, 'x', {}, [], [null], { id: 'only-id' },
  'not-a-date', '2020-13-01', '2020-02-30T25:00:00Z', 'zz-not-a-code', { foo: 1 }, ['x'], 'home', 'entered-in-error', '9434765918'];

/** A seeded change to a resource; false when the chosen spot did not allow it (the mutant is skipped). */
type Mutation = (resource: Json, random: () => number) => boolean;
const CHOICE = /^(value|effective|onset|deceased|occurrence|multipleBirth|performed)[A-Z]/;

const MUTATIONS: Record<string, Mutation> = {
  remove: (r, rnd) => atPlace(r, rnd, (h, k) => { if (Array.isArray(h)) h.splice(k as number, 1); else delete h[k]; return true; }),
  replace: (r, rnd) => atPlace(r, rnd, (h, k) => { (h as Json)[k] = BAD_VALUES[Math.floor(rnd() * BAD_VALUES.length)]; return true; }),
  wrapOrUnwrap: (r, rnd) => atPlace(r, rnd, (h, k) => { const v = (h as Json)[k]; (h as Json)[k] = Array.isArray(v) ? v[0] : [v]; return true; }),
  unknownKey: (r, rnd) => inObject(r, rnd, (o) => { o[rnd() < 0.5 ? 'foo' : 'valueFoo'] = 'bar'; return true; }),
  primitiveExtension: (r, rnd) => inObject(r, rnd, (o) => {
    const k = Object.keys(o).find((x) => typeof o[x] === 'string');
    if (k) o[`_${k}`] = rnd() < 0.5 ? { extension: [{ url: 'http://e.org', valueString: 'v' }] } : { extension: [{ url: 'http://e.org' }] };
    return k !== undefined;
  }),
  changeChoiceType: (r, rnd) => inObject(r, rnd, (o) => {
    const k = Object.keys(o).find((x) => CHOICE.test(x));
    if (k) { o[k.replace(/[A-Z].*/, rnd() < 0.5 ? 'Boolean' : 'Period')] = o[k]; delete o[k]; }
    return k !== undefined;
  }),
  badContained: (r, rnd) => { r.contained = [{ resourceType: 'Patient', id: 'c1', meta: rnd() < 0.5 ? { versionId: '1' } : { security: [{ code: 'R' }] } }]; return true; },
  extensionBoth: (r, rnd) => inObject(r, rnd, (o) => { o.extension = [{ url: 'http://e.org', valueString: 'v', extension: [{ url: 'x', valueCode: 'y' }] }]; return true; }),
  extensionNeither: (r, rnd) => inObject(r, rnd, (o) => { o.extension = [{ url: 'http://e.org' }]; return true; }),
  stringTweak: (r, rnd) => atPlace(r, rnd, (h, k) => {
    const v = (h as Json)[k];
    if (typeof v === 'string') (h as Json)[k] = rnd() < 0.5 ? `${v} ` : v.slice(0, -1) + (rnd() < 0.5 ? 'Z' : '9');
    return typeof v === 'string';
  }),
};

function atPlace(resource: Json, random: () => number, change: (holder: Json | unknown[], key: string | number) => boolean): boolean {
  const all = places(resource);
  if (all.length === 0) return false;
  const { holder, key } = all[Math.floor(random() * all.length)]!;
  return change(holder, key);
}

function inObject(resource: Json, random: () => number, change: (object: Json) => boolean): boolean {
  const objects = [resource, ...places(resource).map(({ holder, key }) => (holder as Json)[key]).filter((v): v is Json => !!v && typeof v === 'object' && !Array.isArray(v))];
  return change(objects[Math.floor(random() * objects.length)]!);
}

describe('validation fast path', () => {
  let resources: Resource[];

  beforeAll(() => {
    loadDefinitions();
    resources = population();
  });

  it('clears every valid generated and mapped resource, and nothing the full validator refuses', () => {
    const types = new Set<string>();
    for (const resource of resources) {
      types.add(resource.resourceType);
      expect(fullVerdict(resource), resource.resourceType).toEqual([]);
      expect(isCertainlyValid(resource), `${resource.resourceType}/${resource.id}`).toBe(true);
    }
    expect(types.size).toBeGreaterThanOrEqual(18);
  });

  it('never clears a mutant the full validator refuses, and gives the same issues as the full validator alone', () => {
    const random = seededRandom(20261123);
    const stats = new Map<string, { tried: number; refused: number; cleared: number }>();
    const falseAccepts: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (const [name, mutate] of Object.entries(MUTATIONS)) {
        for (let n = 0; n < 120; n++) {
          const original = resources[Math.floor(random() * resources.length)]!;
          const mutant = structuredClone(original) as unknown as Json;
          if (!mutate(mutant, random)) continue;
          const full = fullVerdict(mutant);
          const cleared = isCertainlyValid(mutant);
          const s = stats.get(name) ?? { tried: 0, refused: 0, cleared: 0 };
          s.tried++;
          if (full.length > 0) s.refused++;
          if (cleared) s.cleared++;
          stats.set(name, s);
          if (cleared && full.length > 0) falseAccepts.push(`${name}: ${full.join('; ')} in ${JSON.stringify(mutant).slice(0, 300)}`);
          expect(verdictOf(assertValidResource, mutant)).toEqual(full);
        }
      }
    }
    expect(falseAccepts).toEqual([]);
    // Not vacuous: every kind of mutation produced resources the full validator refuses.
    for (const [name, s] of stats) expect(s.refused, name).toBeGreaterThan(0);
    expect([...stats.values()].reduce((n, s) => n + s.refused, 0)).toBeGreaterThan(2000);
  });

  it('sends what it does not model to the full validator', () => {
    const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Ng' }] };
    expect(isCertainlyValid(patient)).toBe(true);
    expect(isCertainlyValid({ ...patient, contained: [{ resourceType: 'Organization', id: 'o', name: 'O' }] })).toBe(false);
    expect(isCertainlyValid({ ...patient, _gender: { extension: [{ url: 'http://e.org', valueString: 'x' }] } })).toBe(false);
    // An invariant without a compiled form (txt-1's htmlChecks()) is evaluated by the FHIRPath engine, as the full validator does.
    const narrative = { ...patient, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Ng</div>' } };
    expect(isCertainlyValid(narrative)).toBe(true);
    expect(fullVerdict(narrative)).toEqual([]);
    // Two types of one choice: @medplum/core only warns; the fast path declines rather than pick one.
    const twoChoices = { ...patient, deceasedBoolean: false, deceasedDateTime: '2020-01-01' };
    expect(isCertainlyValid(twoChoices)).toBe(false);
    expect(fullVerdict(twoChoices)).toEqual([]);
    expect(isCertainlyValid({ resourceType: 'DomainResource' })).toBe(false);
    expect(isCertainlyValid({ resourceType: 'HumanName', family: 'Ng' })).toBe(false);
    expect(isCertainlyValid({ resourceType: 'NotAType' })).toBe(false);
  });
});

describe('compiled invariants', () => {
  beforeAll(() => loadDefinitions());

  /** Where each compiled key is defined, so its expression and a place to evaluate it are known. */
  function definitionOf(key: string): { type: string; expression: string } | undefined {
    const seen = new Set<string>();
    const visit = (type: string): { type: string; expression: string } | undefined => {
      if (seen.has(type)) return undefined;
      seen.add(type);
      const schema = getDataType(type);
      const root = schema.constraints?.find((c) => c.key === key);
      if (root && schema.kind === 'resource') return { type, expression: root.expression };
      for (const element of Object.values(schema.elements)) {
        const own = element.constraints?.find((c) => c.key === key);
        if (own) return { type: element.type[0]!.code, expression: own.expression };
      }
      return undefined;
    };
    return ['Patient', 'Organization', 'Extension', 'CarePlan', 'CareTeam', 'Task', 'ServiceRequest', 'Consent', 'Condition', 'Observation', 'AllergyIntolerance']
      .map(visit).find((d) => d !== undefined);
  }

  const CASES: Record<string, Json[]> = {
    'ext-1': [{ url: 'u' }, { url: 'u', valueString: 'v' }, { url: 'u', extension: [{ url: 'x', valueCode: 'c' }] }, { url: 'u', valueCode: 'c', extension: [{ url: 'x', valueCode: 'c' }] }],
    'pat-1': [{ gender: 'male' }, { name: { family: 'N' } }, { telecom: [{ value: '1' }] }, { organization: { reference: 'Organization/1' } }],
    'org-1': [{ resourceType: 'Organization' }, { resourceType: 'Organization', name: 'N' }, { resourceType: 'Organization', identifier: [{ value: '1' }] }],
    'org-2': [{ use: 'home' }, { use: 'work' }, { city: 'Leeds' }],
    'org-3': [{ use: 'home' }, { use: 'work' }, { value: '1' }],
    'cpl-3': [{ detail: { kind: 'Task' } }, { reference: { reference: 'Task/1' } }, { detail: { kind: 'Task' }, reference: { reference: 'Task/1' } }],
    'ctm-1': [{ member: { reference: 'Practitioner/1' } }],
    'inv-1': [{ resourceType: 'Task' }, { resourceType: 'Task', authoredOn: '2024-01-01' }],
    'prr-1': [{ resourceType: 'ServiceRequest' }, { resourceType: 'ServiceRequest', orderDetail: [{ text: 'x' }] }, { resourceType: 'ServiceRequest', orderDetail: [{ text: 'x' }], code: { text: 'c' } }],
    'ppc-1': [{ resourceType: 'Consent' }, { resourceType: 'Consent', policy: [{ uri: 'u' }] }, { resourceType: 'Consent', policyRule: { text: 'r' } }],
    'ppc-2': [{ resourceType: 'Consent', scope: { coding: [{ system: 'something', code: 'patient-privacy' }] } }, { resourceType: 'Consent', patient: { reference: 'Patient/1' }, scope: { coding: [{ system: 'something', code: 'patient-privacy' }] } }, { resourceType: 'Consent', scope: { coding: [{ system: 'other', code: 'patient-privacy' }] } }],
    'ppc-3': [{ resourceType: 'Consent', scope: { coding: [{ system: 'something', code: 'research' }] } }, { resourceType: 'Consent' }],
    'ppc-4': [{ resourceType: 'Consent', scope: { coding: [{ system: 'something', code: 'adr' }] } }, { resourceType: 'Consent' }],
    'ppc-5': [{ resourceType: 'Consent', scope: { coding: [{ system: 'something', code: 'treatment' }] } }, { resourceType: 'Consent', scope: { coding: [{ code: 'treatment' }] } }],
    'con-4': [
      { resourceType: 'Condition', abatementDateTime: '2020' },
      { resourceType: 'Condition', abatementString: 'gone', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'resolved' }] } },
      { resourceType: 'Condition', abatementString: 'gone', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] } },
      { resourceType: 'Condition' },
    ],
    'con-5': [
      { resourceType: 'Condition', verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] }, clinicalStatus: { text: 'x' } },
      { resourceType: 'Condition', verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] } },
      { resourceType: 'Condition', clinicalStatus: { text: 'x' } },
    ],
    'obs-6': [{ resourceType: 'Observation', dataAbsentReason: { text: 'x' }, valueString: 'v' }, { resourceType: 'Observation', valueString: 'v' }, { resourceType: 'Observation', dataAbsentReason: { text: 'x' } }],
    'obs-7': [{ resourceType: 'Observation', valueString: 'v' }, { resourceType: 'Observation', component: [{ code: { text: 'c' } }] }],
    'ait-1': [
      { resourceType: 'AllergyIntolerance' },
      { resourceType: 'AllergyIntolerance', clinicalStatus: { text: 'x' } },
      { resourceType: 'AllergyIntolerance', verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error' }] } },
    ],
    'ait-2': [
      { resourceType: 'AllergyIntolerance', clinicalStatus: { text: 'x' }, verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'entered-in-error' }] } },
      { resourceType: 'AllergyIntolerance', clinicalStatus: { text: 'x' } },
    ],
    'dom-2': [{ resourceType: 'Patient' }],
    'dom-3': [{ resourceType: 'Patient' }],
    'dom-4': [{ resourceType: 'Patient' }],
    'dom-5': [{ resourceType: 'Patient' }],
  };

  it('ele-1, which the walk does not evaluate, holds for every non-empty element', () => {
    const ele1 = 'hasValue() or (children().count() > id.count())';
    expect(definitionOf('ele-1')?.expression).toBe(ele1);
    for (const value of [{ id: 'a' }, { id: 'a', text: 'x' }, { text: 'x' }, { extension: [{ url: 'u', valueString: 'v' }] }]) {
      const typed: TypedValue = { type: 'CodeableConcept', value };
      expect(evalFhirPathTyped(ele1, [typed], { '%context': typed })[0]?.value, JSON.stringify(value)).toBe(true);
    }
  });

  it.each(Object.keys(COMPILED_CONSTRAINTS))('%s stands for the expression in the definitions, and answers as FHIRPath does', (key) => {
    const compiled = COMPILED_CONSTRAINTS[key]!;
    const definition = definitionOf(key);
    expect(definition, `${key} is defined`).toBeDefined();
    expect(compiled.expression).toBe(definition!.expression);
    const cases = CASES[key];
    expect(cases?.length, `${key} has cases`).toBeGreaterThan(0);
    const answers = new Set<boolean>();
    for (const value of cases!) {
      const typed: TypedValue = { type: (value.resourceType as string) ?? definition!.type, value };
      const variables = { '%context': typed, '%ucum': toTypedValue(UCUM), '%resource': typed, '%rootResource': typed };
      const result = evalFhirPathTyped(compiled.expression, [typed], variables);
      const expected = result.length === 1 && result[0]!.value === true;
      const answer = compiled.test(value, value);
      if (answer !== undefined) {
        expect(answer, `${key} on ${JSON.stringify(value)}`).toBe(expected);
        answers.add(answer);
      }
    }
    expect(answers.size, `${key} is decided on some case`).toBeGreaterThan(0);
  });
});
