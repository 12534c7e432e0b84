// Puts the synthetic population on the stand-in PDS's spine: every person (and every parent or
// carer with an NHS number) the generator creates for a seed, under the NHS number it gives them,
// plus a few restricted, superseded and invalidated records, so tracing the demo finds real answers.
import type { Address, ContactPoint, HumanName, Patient, RelatedPerson } from '@medplum/fhirtypes';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM,
  ODS_ORGANIZATION_SYSTEM,
} from '../fhir/systems.ts';
import { PdsPopulation, type PdsRecord } from '../identity/pds/pds-population.ts';
import { V3_CONFIDENTIALITY_SYSTEM } from '../identity/pds/spine-codes.ts';
import { generatePopulation, type GenerateOptions } from './generate/generate-population.ts';
import { NhsNumberSequence } from './generate/nhs-number-sequence.ts';
import { Random } from './generate/random.ts';

export interface StandinPopulation {
  population: PdsPopulation;
  /** NHS numbers of restricted people (searchable, location withheld). */
  restricted: string[];
  /** Old numbers and the records that replaced them. */
  superseded: Array<{ old: string; current: string }>;
  invalidated: string[];
  /** Generated people the source records hold no NHS number for, and the number PDS has for them. */
  unnumbered: Array<{ index: number; nhsNumber: string }>;
}

/** One in a hundred of each special kind, at least one. */
const SPECIAL_SHARE = 0.01;
/** A Random stream of its own, so the stand-in never shifts the generator's draws. */
const STREAM = 7301;

/** The spine for the population `generate --people N --seed S` (and the demo) creates. Deterministic. */
export function buildStandinPopulation(options: GenerateOptions): StandinPopulation {
  const odsOf = new Map<string, string>();
  const people: Array<{ source: Patient | RelatedPerson; index?: number }> = [];
  let index = -1;
  for (const bundle of generatePopulation(options)) {
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource;
      if (resource?.resourceType === 'Organization' && resource.id) {
        const ods = resource.identifier?.find((i) => i.system === ODS_ORGANIZATION_SYSTEM)?.value;
        if (ods) odsOf.set(`Organization/${resource.id}`, ods);
      } else if (resource?.resourceType === 'Patient') {
        people.push({ source: resource, index });
      } else if (resource?.resourceType === 'RelatedPerson' && nhsNumberOf(resource)) {
        people.push({ source: resource });
      }
    }
    index++;
  }
  const used = new Set(people.map((p) => nhsNumberOf(p.source)).filter((n): n is string => !!n));
  const fresh = freshNumbers(options.seed, used);
  const unnumbered: StandinPopulation['unnumbered'] = [];
  const patients = people.map(({ source, index: i }) => {
    let nhsNumber = nhsNumberOf(source);
    if (!nhsNumber) {
      nhsNumber = fresh();
      if (i !== undefined) unnumbered.push({ index: i, nhsNumber });
    }
    return spinePatient(source, nhsNumber, odsOf);
  });

  const random = new Random(options.seed, STREAM);
  const count = Math.max(1, Math.round(patients.length * SPECIAL_SHARE));
  const chosen = pickDistinct(random, patients.length, count * 2);
  const restricted = chosen.slice(0, count).map((i) => restrict(patients[i]!));
  const superseded = chosen.slice(count).map((i) => ({ old: fresh(), current: patients[i]!.id! }));
  const invalidated = Array.from({ length: count }, () => fresh());
  const records: PdsRecord[] = [
    ...patients.map((patient): PdsRecord => ({ kind: 'patient', patient })),
    ...superseded.map(({ old, current }): PdsRecord => ({ kind: 'superseded', nhsNumber: old, supersededBy: current })),
    ...invalidated.map((nhsNumber): PdsRecord => ({ kind: 'invalidated', nhsNumber })),
  ];
  return { population: new PdsPopulation(records), restricted, superseded, invalidated, unnumbered };
}

function nhsNumberOf(resource: Patient | RelatedPerson): string | undefined {
  return resource.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;
}

/** Numbers from the generator's own sequence that no generated person holds. */
function freshNumbers(seed: number, used: ReadonlySet<string>): () => string {
  const sequence = new NhsNumberSequence(seed);
  return () => {
    for (;;) {
      const candidate = sequence.next();
      if (!used.has(candidate)) return candidate;
    }
  };
}

function pickDistinct(random: Random, size: number, wanted: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(wanted, size)) picked.add(random.int(0, size - 1));
  return [...picked];
}

/** The person as PDS holds them: id = NHS number, verified, home address, GP by ODS code. */
function spinePatient(source: Patient | RelatedPerson, nhsNumber: string, odsOf: ReadonlyMap<string, string>): Patient {
  const gp = source.resourceType === 'Patient'
    ? source.generalPractitioner?.map((g) => odsOf.get(g.reference ?? '')).find((ods) => ods !== undefined)
    : undefined;
  const names: HumanName[] = (source.name ?? []).map((n) => ({ ...n, use: n.use ?? 'usual' }));
  const addresses: Address[] = (source.address ?? []).map((a) => ({ ...a, use: 'home' }));
  const telecom: ContactPoint[] = source.telecom ? [...source.telecom] : [];
  return {
    resourceType: 'Patient',
    id: nhsNumber,
    meta: { versionId: '1', security: [{ system: V3_CONFIDENTIALITY_SYSTEM, code: 'U', display: 'unrestricted' }] },
    identifier: [{
      system: NHS_NUMBER_SYSTEM,
      value: nhsNumber,
      extension: [{ url: NHS_NUMBER_VERIFICATION_EXTENSION, valueCodeableConcept: { coding: [{
        system: NHS_NUMBER_VERIFICATION_SYSTEM, code: '01', display: 'Number present and verified' }] } }],
    }],
    name: names,
    ...(source.gender ? { gender: source.gender } : {}),
    ...(source.birthDate ? { birthDate: source.birthDate } : {}),
    ...(source.resourceType === 'Patient' && source.deceasedDateTime ? { deceasedDateTime: source.deceasedDateTime } : {}),
    ...(addresses.length > 0 ? { address: addresses } : {}),
    ...(telecom.length > 0 ? { telecom } : {}),
    ...(source.resourceType === 'Patient' && source.contact ? { contact: source.contact } : {}),
    ...(source.resourceType === 'Patient' && source.communication ? { communication: source.communication } : {}),
    ...(gp ? { generalPractitioner: [{ type: 'Organization', identifier: { system: ODS_ORGANIZATION_SYSTEM, value: gp } }] } : {}),
  };
}

function restrict(patient: Patient): string {
  patient.meta = { ...patient.meta, security: [{ system: V3_CONFIDENTIALITY_SYSTEM, code: 'R', display: 'restricted' }] };
  return patient.id!;
}
