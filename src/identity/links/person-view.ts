// The person as FHIR: a Person resource rebuilt from its linked source Patients every time its
// links change, so it is always a view of the links and never edited by hand.
// See: https://hl7.org/fhir/R4/person.html
import type { Coding, Identifier, Patient, Person, PersonLink } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { DERIVED_SOURCES, NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION, NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, SHAREDCARE_CODE_SYSTEM_PREFIX } from '../../fhir/systems.ts';
import type { Queryable } from '../../store/driver.ts';
import type { Repository, WriteResult } from '../../store/repository.ts';
import { claimNewResources } from '../../store/locked-reads.ts';
import { hydrate, RESOURCE_COLUMNS, type StoredRow } from '../../store/stored-row.ts';
import type { SqlPart } from '../../store/write-resources.ts';
import type { MatchRecord } from '../match-types.ts';
import { membersOf } from './link-rows.ts';
import type { LinkRow } from './link-types.ts';
import { nhsNumberOf, rankSources, survivingFields, type PersonSource } from './survivorship.ts';

export const IDENTITY_TAG_SYSTEM = `${SHAREDCARE_CODE_SYSTEM_PREFIX}identity`;
/** Marks every Person sharedcare derives from linked records. */
export const LINKED_PERSON_TAG: Coding = { system: IDENTITY_TAG_SYSTEM, code: 'linked-person', display: 'Linked person derived by sharedcare' };
/** Marks a person whose records all moved to another person (HAPI MDM calls this REDIRECTED). */
export const REDIRECTED_TAG: Coding = { system: IDENTITY_TAG_SYSTEM, code: 'redirected', display: 'Merged into another person' };
/** Meta.source of derived persons: made by sharedcare's identity linking, not sent by a source system. */
export const PERSON_META_SOURCE = DERIVED_SOURCES.identity;

export type Assurance = NonNullable<PersonLink['assurance']>;
const ASSURANCE_ORDER: readonly Assurance[] = ['level1', 'level2', 'level3', 'level4'];

/**
 * How sure we are the record is this person: level4 a person decided, or the record's own NHS
 * number is verified and is what linked it; level3 the same NHS number, unverified; level2 a
 * probabilistic match; level1 the record stands alone.
 */
export function assuranceOf(source: PersonSource): Assurance {
  const { kind, basis } = source.link;
  if (kind === 'manual' || basis === 'manual') return 'level4';
  if (basis === 'nhs-number') return nhsNumberOf(source)?.verified ? 'level4' : 'level3';
  if (basis === 'probabilistic') return 'level2';
  return 'level1';
}

/** The distinct NHS numbers, verified ones first (the first of them `official`), in survivorship order. */
export function personIdentifiers(sources: readonly PersonSource[]): Identifier[] {
  const claims = new Map<string, boolean>();
  for (const source of rankSources(sources)) {
    const claim = nhsNumberOf(source);
    if (claim) claims.set(claim.value, (claims.get(claim.value) ?? false) || claim.verified);
  }
  const values = [...claims].sort(([, a], [, b]) => Number(b) - Number(a));
  // The verification status is shown as UK Core carries it: 01 verified, 02 present but not traced.
  return values.map(([value, verified], i) => ({
    ...(i === 0 && verified ? { use: 'official' as const } : {}),
    system: NHS_NUMBER_SYSTEM,
    value,
    extension: [{
      url: NHS_NUMBER_VERIFICATION_EXTENSION,
      valueCodeableConcept: { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: verified ? '01' : '02', display: verified ? 'Number present and verified' : 'Number present but not traced' }] },
    }],
  }));
}

/** The active Person for these linked records. */
export function buildPerson(personId: string, sources: readonly PersonSource[]): Person {
  const identifier = personIdentifiers(sources);
  const links = [...sources].sort((a, b) => (a.link.patientId < b.link.patientId ? -1 : 1));
  return {
    resourceType: 'Person',
    id: personId,
    meta: { source: PERSON_META_SOURCE, tag: [LINKED_PERSON_TAG] },
    ...(identifier.length > 0 ? { identifier } : {}),
    ...survivingFields(sources),
    active: true,
    link: links.map((s) => ({ target: { reference: `Patient/${s.link.patientId}` }, assurance: assuranceOf(s) })),
  };
}

/**
 * A person left with no records: inactive, without demographics (so a search by NHS number finds
 * only the live person), pointing to the person its records went to when they all went to one.
 */
export function buildRetiredPerson(personId: string, survivor?: { personId: string; assurance: Assurance }): Person {
  return {
    resourceType: 'Person',
    id: personId,
    meta: { source: PERSON_META_SOURCE, tag: survivor ? [LINKED_PERSON_TAG, REDIRECTED_TAG] : [LINKED_PERSON_TAG] },
    active: false,
    ...(survivor ? { link: [{ target: { reference: `Person/${survivor.personId}` }, assurance: survivor.assurance }] } : {}),
  };
}

/**
 * The stored Patients among these ids (deleted or unknown ones are simply absent) and their match
 * features, in one round trip (a search would take three).
 */
async function readPatientsAndFeatures(sql: Queryable, ids: readonly string[]): Promise<{ patients: Map<string, Patient>; features: Map<string, MatchRecord> }> {
  const patients = new Map<string, Patient>();
  const features = new Map<string, MatchRecord>();
  if (ids.length === 0) return { patients, features };
  const { rows } = await sql.query<StoredRow & { patient_id: string; deleted: boolean | null; features: MatchRecord | null }>(
    `SELECT p.id AS patient_id, f.features, r.deleted, ${RESOURCE_COLUMNS}
     FROM unnest($1::text[]) AS p(id)
     LEFT JOIN resource r ON r.type = 'Patient' AND r.id = p.id
     LEFT JOIN identity_record f ON f.patient_id = p.id`,
    [[...new Set(ids)]],
  );
  for (const row of rows) {
    if (row.content && row.deleted === false) patients.set(row.patient_id, hydrate(row) as Patient);
    if (row.features) features.set(row.patient_id, row.features);
  }
  return { patients, features };
}

/** Each linked record with its Patient and match features. */
export async function loadSources(sql: Queryable, links: readonly LinkRow[]): Promise<PersonSource[]> {
  const { patients, features } = await readPatientsAndFeatures(sql, links.map((l) => l.patientId));
  return links.map((link) => {
    const patient = patients.get(link.patientId);
    const record = features.get(link.patientId);
    return { link, ...(patient ? { patient } : {}), ...(record ? { record } : {}) };
  });
}

async function exists(repo: Repository, type: string, id: string): Promise<boolean> {
  try {
    await repo.read(type, id);
    return true;
  } catch (err) {
    if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) return false;
    throw err;
  }
}

/** Where a person's records went when they all went to one other person. */
export interface Redirect {
  personId: string;
  /** The records that moved, to carry their weakest assurance onto the redirect. */
  patientIds: readonly string[];
}

export interface PersonWriteOptions {
  /** Where emptied persons' records went (see Redirect). */
  redirects?: ReadonlyMap<string, Redirect>;
  /** Persons whose ids this transaction made up, not yet written: they have no stored version and no other writer. */
  unwritten?: ReadonlySet<string>;
  /** Of those, persons whose every record the caller holds (link, Patient and features): built without reading them back. */
  inHand?: ReadonlyMap<string, readonly PersonSource[]>;
  /** Statements to run in the same write as the Persons (their links, when nothing had to be read back). */
  alongside?: readonly SqlPart[];
}

/**
 * Rebuilds each person once from its current links and writes them in one put: persons with
 * records become active views of them; persons without become inactive (following `redirects`).
 */
export async function writePersons(repo: Repository, sql: Queryable, personIds: Iterable<string>,
  options: PersonWriteOptions = {}): Promise<WriteResult[]> {
  const redirects = options.redirects ?? new Map<string, Redirect>();
  const unwritten = options.unwritten ?? new Set<string>();
  const inHand = options.inHand ?? new Map<string, readonly PersonSource[]>();
  const ids = [...new Set(personIds)].sort();
  const toRead = ids.filter((id) => !inHand.has(id));
  const sources = [...(toRead.length > 0 ? await loadSources(sql, await membersOf(sql, toRead)) : []), ...[...inHand.values()].flat()];
  const byPerson = new Map<string, PersonSource[]>();
  for (const s of sources) byPerson.set(s.link.personId, [...(byPerson.get(s.link.personId) ?? []), s]);
  const assuranceOfPatient = new Map(sources.map((s) => [s.link.patientId, assuranceOf(s)]));
  const persons: Person[] = [];
  for (const id of ids) {
    const members = byPerson.get(id);
    if (members) {
      persons.push(buildPerson(id, members));
      continue;
    }
    if (!(await exists(repo, 'Person', id))) continue;
    const redirect = redirects.get(id);
    const weakest = redirect?.patientIds
      .map((p) => assuranceOfPatient.get(p) ?? 'level1')
      .reduce((a, b) => (ASSURANCE_ORDER.indexOf(a) <= ASSURANCE_ORDER.indexOf(b) ? a : b), 'level4' as Assurance);
    persons.push(buildRetiredPerson(id, redirect && weakest ? { personId: redirect.personId, assurance: weakest } : undefined));
  }
  if (persons.length === 0 && !options.alongside?.length) return [];
  claimNewResources(sql, persons.filter((p) => unwritten.has(p.id!)).map((p) => `Person/${p.id}`));
  return repo.putMany(persons, { ...(options.alongside ? { alongside: options.alongside } : {}) });
}
