// The population generator's promises: deterministic output, valid test-range NHS numbers, references that
// resolve inside the bundle or to the shared bundle, and social-care shares close to the brief.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bundle, Flag, Patient, Resource } from '@medplum/fhirtypes';
import { isValidNhsNumber } from '../../fhir/nhs-number.ts';
import {
  CHILD_PROTECTION_PLAN_CODES,
  ETHNIC_CATEGORY_EXTENSION,
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  UK_CORE_PATIENT_PROFILE,
} from '../../fhir/systems.ts';
import { bundleFileName, generatePopulation, writePopulation } from './generate-population.ts';

const population = (people: number, seed: number, heavyPeople = 0) => [...generatePopulation({ people, seed, heavyPeople })];
const patientOf = (bundle: Bundle) => bundle.entry?.[0]?.resource as Patient;
const resourcesOf = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource as Resource);

/** Every `reference` string anywhere inside a value. */
function references(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) references(item, out);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'reference' && typeof inner === 'string') out.push(inner);
      else references(inner, out);
    }
  }
  return out;
}

function ageOf(patient: Patient): number {
  const born = new Date(`${patient.birthDate}T00:00:00Z`);
  const asOf = new Date(patient.deceasedDateTime ?? '2025-06-30T00:00:00Z');
  let age = asOf.getUTCFullYear() - born.getUTCFullYear();
  if (asOf.getUTCMonth() < born.getUTCMonth() || (asOf.getUTCMonth() === born.getUTCMonth() && asOf.getUTCDate() < born.getUTCDate())) age--;
  return age;
}

describe('generatePopulation', () => {
  const bundles = population(400, 11, 2);
  const [shared, ...people] = bundles;

  it('yields the shared bundle first, then one transaction bundle per person', () => {
    expect(bundles).toHaveLength(401);
    for (const bundle of bundles) {
      expect(bundle.resourceType).toBe('Bundle');
      expect(bundle.type).toBe('transaction');
    }
    for (const entry of shared.entry ?? []) {
      expect(entry.request?.method).toBe('PUT');
      expect(entry.request?.url).toBe(`${entry.resource?.resourceType}/${entry.resource?.id}`);
    }
    const kinds = new Set((shared.entry ?? []).map((e) => e.resource?.resourceType));
    expect([...kinds].sort()).toEqual(['Organization', 'Practitioner', 'PractitionerRole']);
  });

  it('POSTs person resources with deterministic urn:uuid fullUrls and no ids', () => {
    const fullUrls = new Set<string>();
    for (const bundle of people) {
      expect(patientOf(bundle).resourceType).toBe('Patient');
      for (const entry of bundle.entry ?? []) {
        expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(entry.request).toEqual({ method: 'POST', url: entry.resource?.resourceType });
        expect(entry.resource?.id).toBeUndefined();
        fullUrls.add(entry.fullUrl as string);
      }
    }
    expect(fullUrls.size).toBe(people.reduce((n, b) => n + (b.entry?.length ?? 0), 0));
  });

  it('is byte-identical for the same options and differs for another seed', () => {
    const again = JSON.stringify(population(40, 11, 1));
    expect(JSON.stringify(population(40, 11, 1))).toBe(again);
    expect(JSON.stringify(population(40, 12, 1))).not.toBe(again);
    // A person's record does not depend on how many people come after them.
    expect(JSON.stringify(population(10, 11)[5])).toBe(JSON.stringify(population(20, 11)[5]));
  });

  it('resolves every reference inside the person bundle or to the shared bundle', () => {
    const sharedIds = new Set((shared.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`));
    for (const bundle of bundles) {
      const local = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
      for (const resource of resourcesOf(bundle)) {
        for (const reference of references(resource)) {
          const resolved = reference.startsWith('urn:uuid:') ? local.has(reference) : sharedIds.has(reference);
          expect(resolved, `${resource.resourceType} → ${reference}`).toBe(true);
        }
      }
    }
  });

  it('gives UK Core patients valid, unique test-range NHS numbers with a verification status (about 3% have none)', () => {
    const numbers: string[] = [];
    for (const bundle of people) {
      const patient = patientOf(bundle);
      expect(patient.meta?.profile).toEqual([UK_CORE_PATIENT_PROFILE]);
      expect(patient.extension?.[0]?.url).toBe(ETHNIC_CATEGORY_EXTENSION);
      expect(patient.address?.[0]?.postalCode).toMatch(/^[A-Z]{1,2}\d{1,2}[A-Z]? \d[ABD-HJLNP-UW-Z]{2}$/);
      expect(patient.generalPractitioner?.[0]?.reference).toMatch(/^Organization\/ods-[A-Z]\d{5}$/);
      const nhs = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM);
      if (!nhs) continue;
      numbers.push(nhs.value as string);
      expect(isValidNhsNumber(nhs.value as string)).toBe(true);
      expect(Number(nhs.value)).toBeGreaterThanOrEqual(9_990_000_000);
      const status = nhs.extension?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION);
      expect(['01', '02', '03']).toContain(status?.valueCodeableConcept?.coding?.[0]?.code);
    }
    expect(new Set(numbers).size).toBe(numbers.length);
    const missing = people.length - numbers.length;
    expect(missing).toBeGreaterThan(0);
    expect(missing / people.length).toBeLessThan(0.08);
  });

  it('also gives carers and parents valid test-range NHS numbers that no patient has', () => {
    const all = bundles.flatMap((b) => resourcesOf(b))
      .flatMap((r) => ('identifier' in r && Array.isArray(r.identifier) ? r.identifier : []))
      .filter((i) => i.system === NHS_NUMBER_SYSTEM)
      .map((i) => i.value as string);
    expect(all.every((n) => isValidNhsNumber(n) && n.startsWith('999'))).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it('dates nothing before birth or after the "as of" day (or death)', () => {
    const starts = (r: Record<string, any>): (string | undefined)[] => [
      r.period?.start, r.onsetDateTime, r.recordedDate, r.effectiveDateTime, r.occurrenceDateTime, r.authoredOn,
      r.executionPeriod?.start, r.occurrencePeriod?.start, ...(r.resourceType === 'Encounter' ? [r.period?.end] : []),
      ...(r.resourceType === 'Condition' ? [r.abatementDateTime] : []),
    ];
    for (const bundle of people) {
      const patient = patientOf(bundle);
      const died = (patient.deceasedDateTime ?? '2025-06-30').slice(0, 10);
      for (const resource of resourcesOf(bundle).slice(1)) {
        // The council closes a case (review outcome "NFA - Deceased") after it hears of the death.
        const closure = resource.resourceType === 'Task' && resource.businessStatus?.coding?.[0]?.code === 'NFA-D';
        const last = closure ? '2025-06-30' : died;
        for (const date of starts(resource)) {
          if (!date) continue;
          expect(date.slice(0, 10) >= (patient.birthDate as string), `${resource.resourceType} ${date} before ${patient.birthDate}`).toBe(true);
          expect(date.slice(0, 10) <= last, `${resource.resourceType} ${date} after ${last}`).toBe(true);
        }
      }
    }
  });

  it('writes about 30–60 clinical resources per ordinary person and about 300 for heavy people', () => {
    // Two heavy people in 400 are spread evenly: indexes 199 and 399.
    const sizes = people.map((b) => b.entry?.length ?? 0);
    const heavy = [sizes[199], sizes[399]];
    const ordinary = sizes.filter((_, i) => i !== 199 && i !== 399);
    const mean = ordinary.reduce((a, b) => a + b, 0) / ordinary.length;
    expect(mean).toBeGreaterThan(30);
    expect(mean).toBeLessThan(65);
    for (const size of heavy) {
      expect(size).toBeGreaterThanOrEqual(270);
      expect(size).toBeLessThan(340);
    }
  });
});

describe('social-care shares', () => {
  const people = population(4000, 3).slice(1);
  const adults = people.filter((b) => ageOf(patientOf(b)) >= 18);
  const children = people.filter((b) => ageOf(patientOf(b)) < 18);
  const hasAdultCase = (b: Bundle) => resourcesOf(b).some((r) => r.resourceType === 'EpisodeOfCare' && r.type?.[0]?.coding?.[0]?.code === 'adult-social-care');
  const flagCodes = (b: Bundle) => resourcesOf(b).filter((r): r is Flag => r.resourceType === 'Flag').map((f) => f.code.coding?.[0]?.code);
  const share = (group: Bundle[], test: (b: Bundle) => boolean) => group.filter(test).length / group.length;

  it('gives about a quarter of adults a social-care record, more of the over-75s', () => {
    const adultShare = share(adults, hasAdultCase);
    expect(adultShare).toBeGreaterThan(0.18);
    expect(adultShare).toBeLessThan(0.32);
    expect(share(adults.filter((b) => ageOf(patientOf(b)) >= 75), hasAdultCase)).toBeGreaterThan(adultShare + 0.1);
    expect(children.some(hasAdultCase)).toBe(false);
  });

  it('flags about 5% of children in need, about 1% looked after and about 1% on a child protection plan', () => {
    const cin = share(children, (b) => flagCodes(b).includes('child-in-need'));
    const lac = share(children, (b) => flagCodes(b).includes(CHILD_PROTECTION_PLAN_CODES.lookedAfterChild));
    const cpp = share(children, (b) => flagCodes(b).includes(CHILD_PROTECTION_PLAN_CODES.childProtectionPlan));
    expect(cin).toBeGreaterThan(0.03);
    expect(cin).toBeLessThan(0.075);
    for (const rate of [lac, cpp]) {
      expect(rate).toBeGreaterThan(0.002);
      expect(rate).toBeLessThan(0.025);
    }
    expect(adults.some((b) => flagCodes(b).includes(CHILD_PROTECTION_PLAN_CODES.childProtectionPlan))).toBe(false);
  });

  it('gives every adult case an allocated worker, team and primary support reason', () => {
    for (const bundle of adults.filter(hasAdultCase)) {
      const types = new Set(resourcesOf(bundle).map((r) => r.resourceType));
      for (const type of ['CareTeam', 'EpisodeOfCare', 'Condition', 'Task']) expect(types).toContain(type);
    }
  });
});

describe('writePopulation', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes one JSON file per bundle, byte-identical across runs', async () => {
    const runs = await Promise.all([0, 1].map(async () => {
      const outDir = await mkdtemp(join(tmpdir(), 'sharedcare-generate-'));
      dirs.push(outDir);
      const counts = await writePopulation({ people: 12, seed: 9, outDir });
      return { outDir, counts };
    }));
    const files = await readdir(join(runs[0].outDir, 'bundles'));
    expect(files.sort()).toEqual(['0000-shared.json', ...Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(4, '0')}.json`)]);
    expect(runs[0].counts.files).toBe(13);
    let resources = 0;
    for (const file of files) {
      const a = await readFile(join(runs[0].outDir, 'bundles', file), 'utf8');
      const b = await readFile(join(runs[1].outDir, 'bundles', file), 'utf8');
      expect(a).toBe(b);
      resources += (JSON.parse(a) as Bundle).entry?.length ?? 0;
    }
    expect(runs[0].counts.resources).toBe(resources);
    // The CSV extracts and ADT feeds are as deterministic as the bundles.
    for (const sub of ['csv', 'hl7']) {
      const names = (await readdir(join(runs[0].outDir, sub), { recursive: true })).sort();
      expect(names).toEqual((await readdir(join(runs[1].outDir, sub), { recursive: true })).sort());
      for (const name of names.filter((n) => /\.(csv|hl7|json)$/.test(n))) {
        expect(await readFile(join(runs[0].outDir, sub, name), 'utf8')).toBe(await readFile(join(runs[1].outDir, sub, name), 'utf8'));
      }
    }
    expect(runs[0].counts.hl7.messages).toBeGreaterThan(0);
  });

  it('widens file names for big populations so they still sort', () => {
    expect(bundleFileName(0, 50)).toBe('0000-shared.json');
    expect(bundleFileName(7, 50)).toBe('0007.json');
    expect(bundleFileName(7, 20000)).toBe('00007.json');
    expect(bundleFileName(0, 20000)).toBe('00000-shared.json');
  });

  it('rejects bad options', () => {
    expect(() => population(-1, 1)).toThrow(RangeError);
    expect(() => population(2, 1.5)).toThrow(RangeError);
    expect(() => population(2, 1, 3)).toThrow(RangeError);
  });

  // Speed is measured by npm run bench, not asserted here.
  it('generates a 1,000-person population of realistic size', () => {
    let resources = 0;
    for (const bundle of generatePopulation({ people: 1000, seed: 1 })) resources += bundle.entry?.length ?? 0;
    expect(resources).toBeGreaterThan(30_000);
  });
});
