// Matching as records arrive, on a real database: the same NHS number makes one person; two different
// NHS numbers never link; a council record without a number links by its details, with the evidence;
// placeholders and twins never link; re-sent records change nothing; reviewers' rules hold.
import type { Patient, Person } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsNumberCheckDigit } from '../fhir/nhs-number.ts';
import { SOURCE_SYSTEM_PREFIX } from '../fhir/systems.ts';
import { loadDefinitions } from '../fhir/definitions.ts';
import { createSearchParamRegistry } from '../fhir/search-parameters.ts';
import type { Queryable } from '../store/driver.ts';
import { SqlRepository } from '../store/sql-repository.ts';
import { sourcePatient } from '../../test/support/identity-records.ts';
import { openTestDatabase, testRepository, type TestDatabase } from '../../test/support/test-database.ts';
import { linkArrivals } from './linker.ts';
import { LinkStore } from './links/link-store.ts';
import { writePersons } from './links/person-view.ts';
import type { MatchRecord } from './match-types.ts';

let db: TestDatabase;
let repo: SqlRepository;
const definitions = loadDefinitions();
const repoOptions = { definitions, registry: createSearchParamRegistry(definitions) };
beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
});
afterAll(async () => {
  await db?.drop();
});

function patient(id: string, source: string, record: Partial<MatchRecord>): Patient {
  return { ...sourcePatient(id, record), meta: { source: SOURCE_SYSTEM_PREFIX + source } };
}

/** Writes the Patients and matches them in one transaction, as the ingest path does. */
function arrive(...patients: Patient[]) {
  return repo.transaction(async (r, sql) => {
    await r.putMany(patients);
    return linkArrivals(r, sql, patients);
  });
}

const personOf = async (patientId: string) => (await repo.transaction((r, sql) => new LinkStore(r, sql).personsOf([patientId]))).get(patientId);
const openCandidates = () => repo.transaction((r, sql) => new LinkStore(r, sql).listCandidates({ status: 'open', limit: 100, offset: 0 }));

/** A valid test-range NHS number from nine digits (the next that has a check digit). */
function validNhsNumber(first: number): string {
  for (let body = first; ; body++) {
    const check = nhsNumberCheckDigit(String(body));
    if (check !== undefined) return `${body}${check}`;
  }
}

const MARY = { given: 'MARY', family: 'ALLEN', birthDate: '1948-03-12', sex: 'F' as const, postcode: 'E8 1AA' };

describe('linkArrivals', () => {
  it('links records with the same valid NHS number from different sources into one person', async () => {
    await arrive(patient('nhs-a', 'gp', { ...MARY, nhsNumber: '9990000018', nhsVerified: true }));
    const [outcome] = await arrive(patient('nhs-b', 'hospital', { ...MARY, given: 'M', postcode: 'N1 9GU', nhsNumber: '9990000018' }));
    expect(outcome).toMatchObject({ outcome: 'linked' });
    expect(outcome!.match).toMatchObject({ decision: 'link', rule: 'nhs-number', grade: 'certain' });
    expect(outcome!.match!.reason).toMatch(/same NHS number \(999 000 0018, verified on one\)/);
    const personId = await personOf('nhs-a');
    expect(await personOf('nhs-b')).toBe(personId);
    const person = (await repo.read('Person', personId!)) as Person;
    expect(person.link?.map((l) => l.target.reference).sort()).toEqual(['Patient/nhs-a', 'Patient/nhs-b']);
    // The first record is no longer a person of one: both are held by the verified number.
    expect(person.link?.find((l) => l.target.reference === 'Patient/nhs-a')?.assurance).toBe('level4');
  });

  it('links a council record without an NHS number by its details, explaining each field', async () => {
    await arrive(patient('prob-a', 'gp', { ...MARY, given: 'JOAN', family: 'PRICE', nhsNumber: '9990000026', nhsVerified: true }));
    const [outcome] = await arrive(patient('prob-b', 'council', { ...MARY, given: 'JOAN', family: 'PRICE' }));
    expect(outcome!.outcome).toBe('linked');
    expect(outcome!.match!.decision).toBe('link');
    expect(outcome!.match!.rule).toBeUndefined();
    const fields = Object.fromEntries(outcome!.match!.fields.map((f) => [f.field, f]));
    expect(fields.name).toMatchObject({ level: 'exact' });
    expect(fields.birthDate).toMatchObject({ level: 'exact' });
    expect(fields.postcode).toMatchObject({ level: 'full' });
    expect(fields.name!.weight).toBeGreaterThan(0);
    expect(await personOf('prob-b')).toBe(await personOf('prob-a'));
  });

  it('never links two different valid NHS numbers, and queues the pair for review', async () => {
    const details = { ...MARY, given: 'RUTH', family: 'OKAFOR' };
    await arrive(patient('conf-a', 'gp', { ...details, nhsNumber: '9990000034', nhsVerified: true }));
    const [outcome] = await arrive(patient('conf-b', 'hospital', { ...details, nhsNumber: '9990000042', nhsVerified: true }));
    expect(outcome!.outcome).toBe('new');
    expect(await personOf('conf-b')).not.toBe(await personOf('conf-a'));
    const queued = (await openCandidates()).find((c) => [c.left.patientId, c.right.patientId].sort().join() === 'conf-a,conf-b');
    expect(queued?.score.rule).toBe('nhs-number-conflict');
    expect(queued?.score.reason).toMatch(/different NHS numbers/);
  });

  it('never links twins: same surname, date of birth and address, different forenames', async () => {
    const twin = { family: 'NWOSU', birthDate: '2012-07-01', postcode: 'M14 5RT', sex: 'M' as const };
    await arrive(patient('twin-a', 'council', { ...twin, given: 'CHIDI' }));
    const [outcome] = await arrive(patient('twin-b', 'council', { ...twin, given: 'EMEKA' }));
    expect(outcome!.outcome).toBe('new');
    expect(await personOf('twin-b')).not.toBe(await personOf('twin-a'));
  });

  it('never lets a placeholder identity drive a link', async () => {
    const baby = { given: 'BABY', family: 'HUSSAIN', birthDate: '2026-11-01', postcode: 'B10 0AB', sex: 'M' as const };
    await arrive(patient('baby-a', 'hospital', baby));
    const [outcome] = await arrive(patient('baby-b', 'hospital-2', baby));
    expect(outcome!.outcome).toBe('new');
  });

  it('builds a new person from the record in hand exactly as reading its records back would', async () => {
    const [outcome] = await arrive(patient('held-a', 'council', { ...MARY, given: 'HELENA', family: 'HELD', nhsNumber: validNhsNumber(999000200), postcode: 'N16 7AB' }));
    expect(outcome).toMatchObject({ outcome: 'new' });
    const rebuilt = await repo.transaction((r, sql) => writePersons(r, sql, [outcome!.personId]));
    expect(rebuilt.map((w) => w.outcome)).toEqual(['unchanged']);
    const person = (await repo.read('Person', outcome!.personId)) as Person;
    expect(person.link).toEqual([{ target: { reference: 'Patient/held-a' }, assurance: 'level1' }]);
    expect(person.name?.[0]?.family).toBe('Held');
  });

  it('places a record of a new person in four statements: state, key locks, record and partners, Person with its link', async () => {
    const arriving = patient('lean-a', 'council', { given: 'LEONORA', family: 'LEANDERSSON', birthDate: '1911-11-11', sex: 'F', postcode: 'ZE2 9QQ' });
    const sent: string[] = [];
    await repo.transaction(async (r, sql) => {
      await r.putMany([arriving]);
      const q: Queryable = { query: (text, params) => { sent.push(text.trim().slice(0, 40)); return sql.query(text, params); }, exec: (text) => sql.exec(text) };
      const [outcome] = await linkArrivals(new SqlRepository(db.driver, repoOptions, q), q, [arriving]);
      expect(outcome).toMatchObject({ outcome: 'new' });
    });
    expect(sent).toEqual([
      expect.stringMatching(/^SELECT p\.id, r\.patient_id/), // readArrivalState
      expect.stringMatching(/^SELECT count\(pg_advisory_xact_lock/), // the blocking keys
      expect.stringMatching(/^WITH fresh/), // record, keys and partners
      expect.stringMatching(/^WITH new_rids/), // the Person, its link, the history
    ]);
    const personId = (await personOf('lean-a'))!;
    expect(((await repo.read('Person', personId)) as Person).link).toHaveLength(1);
    const { rows } = await db.driver.query<{ person_id: string }>("SELECT person_id FROM identity_record WHERE patient_id = 'lean-a'");
    expect(rows).toEqual([{ person_id: personId }]);
    const history = await repo.transaction((r, sql) => new LinkStore(r, sql).history({ patientId: 'lean-a' }));
    expect(history.map((h) => [h.action, h.personId, h.basis])).toEqual([['link', personId, 'sole']]);
  });

  it('changes nothing when the same record arrives again', async () => {
    const p = patient('same-a', 'gp', { ...MARY, given: 'ADA', family: 'LOVELACE' });
    await arrive(p);
    const before = await personOf('same-a');
    const [outcome] = await arrive(p);
    expect(outcome).toMatchObject({ outcome: 'unchanged', personId: before });
  });

  it('moves a record whose details changed so it no longer matches into a person of its own', async () => {
    const details = { ...MARY, given: 'IRIS', family: 'MURDOCH' };
    await arrive(patient('move-a', 'gp', details));
    await arrive(patient('move-b', 'council', details));
    const shared = await personOf('move-a');
    expect(await personOf('move-b')).toBe(shared);
    const [outcome] = await arrive(patient('move-b', 'council', { given: 'PETER', family: 'QUINCE', birthDate: '1990-01-01', sex: 'M', postcode: 'LS1 4AP' }));
    expect(outcome!.outcome).toBe('new');
    expect(await personOf('move-b')).not.toBe(shared);
    expect(await personOf('move-a')).toBe(shared);
  });

  it('honours a reviewer\'s "different" decision when the record arrives again', async () => {
    const details = { ...MARY, given: 'EDITH', family: 'CAVELL' };
    await arrive(patient('rule-a', 'gp', details));
    await arrive(patient('rule-b', 'council', details));
    await repo.transaction((r, sql) => new LinkStore(r, sql).unlink('rule-b', 'reviewer-1', 'different people: checked with the GP'));
    const [outcome] = await arrive(patient('rule-b', 'council', { ...details, postcode: 'E8 1AB' }));
    expect(outcome!.outcome).not.toBe('linked');
    expect(await personOf('rule-b')).not.toBe(await personOf('rule-a'));
  });

  it('makes one person of two records of a new person arriving at once on two connections', async () => {
    for (let n = 0; n < 5; n++) {
      const details = { given: 'OLGA', family: `PETROVA${'X'.repeat(n)}`, birthDate: `1960-02-0${n + 1}`, sex: 'F' as const, postcode: 'S1 2HE', nhsNumber: validNhsNumber(999100000 + n * 7) };
      const [a, b] = [`race-${n}-a`, `race-${n}-b`];
      await Promise.all([arrive(patient(a, 'gp', { ...details, nhsVerified: true })), arrive(patient(b, 'hospital', details))]);
      expect(await personOf(b)).toBe(await personOf(a));
    }
  });

  it('puts a record its source merged into another (HL7 A40) in the survivor\'s person, as a standing decision', async () => {
    await arrive(patient('merge-survivor', 'pas', { given: 'DELROY', family: 'GRANT', birthDate: '1961-08-14', sex: 'M', postcode: 'B19 1AA' }));
    // The merged record's details are too different to match on their own.
    await arrive(patient('merge-old', 'pas', { given: 'D', family: 'GRANTE', birthDate: '1916-08-14', sex: 'M', postcode: 'B6 4PL' }));
    expect(await personOf('merge-old')).not.toBe(await personOf('merge-survivor'));
    const merged = { ...patient('merge-old', 'pas', { given: 'D', family: 'GRANTE', birthDate: '1916-08-14', sex: 'M', postcode: 'B6 4PL' }), link: [{ type: 'replaced-by' as const, other: { reference: 'Patient/merge-survivor' } }] };
    await arrive(merged);
    expect(await personOf('merge-old')).toBe(await personOf('merge-survivor'));
    const link = await repo.transaction(async (r, sql) => (await new LinkStore(r, sql).history({ patientId: 'merge-old' }))[0]);
    expect(link).toMatchObject({ kind: 'manual', basis: 'manual', decidedBy: `${SOURCE_SYSTEM_PREFIX}pas` });
    const rules = await repo.transaction((r, sql) => new LinkStore(r, sql).rulesAmong(['merge-old']));
    expect(rules).toMatchObject([{ left: 'merge-old', right: 'merge-survivor', rule: 'same' }]);
  });
});
