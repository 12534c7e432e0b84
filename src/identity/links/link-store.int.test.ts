// The link store on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): links build
// the Person, manual links stick, unlink and merge rebuild persons with history, and the review
// queue refreshes, supersedes and refuses a second decision.
import type { Person } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { NHS_NUMBER_SYSTEM } from '../../fhir/systems.ts';
import type { Queryable } from '../../store/driver.ts';
import { SqlRepository } from '../../store/sql-repository.ts';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { createSearchParamRegistry } from '../../fhir/search-parameters.ts';
import { addSourcePatient, pairScore } from '../../../test/support/identity-records.ts';
import { openTestDatabase, testRepository, type TestDatabase } from '../../../test/support/test-database.ts';
import type { MatchRecord } from '../match-types.ts';
import { LinkStore } from './link-store.ts';
import type { LinkChange } from './link-types.ts';
import { LINKED_PERSON_TAG, REDIRECTED_TAG } from './person-view.ts';

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

const inStore = <T>(fn: (store: LinkStore) => Promise<T>): Promise<T> => repo.transaction((r, sql) => fn(new LinkStore(r, sql)));
const person = (id: string) => repo.read('Person', id) as Promise<Person>;
const add = (id: string, record: Partial<MatchRecord> = {}) => addSourcePatient(repo, id, record);
const auto = (patientId: string, personId: string, basis: LinkChange['basis'] = 'probabilistic', weight?: number): LinkChange =>
  ({ patientId, personId, kind: 'auto', basis, ...(weight !== undefined ? { weight } : {}) });
const NHS = '9000000009';

async function expectError(promise: Promise<unknown>, category: string, code: string): Promise<void> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(FhirError);
  expect([(err as FhirError).category, (err as FhirError).code]).toEqual([category, code]);
}

/** Three linked records in one person: two share an NHS number (one verified), one probabilistic. */
async function threeRecordPerson(prefix: string): Promise<{ personId: string; ids: [string, string, string] }> {
  const ids: [string, string, string] = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
  await add(ids[0], { nhsNumber: NHS, nhsVerified: true, family: 'ALLEN', given: 'MARY' });
  await add(ids[1], { nhsNumber: NHS, family: 'ALAN', given: 'MARY' });
  await add(ids[2], { family: 'ALLEN', given: 'MAY' });
  const personId = await inStore(async (store) => {
    const id = store.newPersonId();
    await store.applyLinks([auto(ids[0], id, 'nhs-number'), auto(ids[1], id, 'nhs-number'), auto(ids[2], id, 'probabilistic', 14.2)], 'sharedcare:matcher');
    return id;
  });
  return { personId, ids };
}

describe('applyLinks', () => {
  it('builds the Person from its records: NHS numbers, links with assurance, demographics, tag', async () => {
    const { personId, ids } = await threeRecordPerson('build');
    const p = await person(personId);
    expect(p.active).toBe(true);
    expect(p.meta?.tag).toEqual([LINKED_PERSON_TAG]);
    expect(p.identifier).toMatchObject([{ use: 'official', system: NHS_NUMBER_SYSTEM, value: NHS }]);
    expect(p.identifier?.[0]?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('01');
    expect(p.link).toEqual([
      { target: { reference: `Patient/${ids[0]}` }, assurance: 'level4' },
      { target: { reference: `Patient/${ids[1]}` }, assurance: 'level3' },
      { target: { reference: `Patient/${ids[2]}` }, assurance: 'level2' },
    ]);
    // The verified record survives even though it is the oldest.
    expect(p.name?.[0]?.family).toBe('Allen');
    expect(p.name?.[0]?.given).toEqual(['Mary']);
    const members = await inStore((s) => s.members(personId));
    expect(members.map((m) => [m.patientId, m.kind, m.basis, m.decidedBy])).toEqual([
      [ids[0], 'auto', 'nhs-number', 'sharedcare:matcher'], [ids[1], 'auto', 'nhs-number', 'sharedcare:matcher'], [ids[2], 'auto', 'probabilistic', 'sharedcare:matcher'],
    ]);
    expect(members[2]!.weight).toBe(14.2);
    expect(await inStore((s) => s.personsOf([...ids, 'build-unknown']))).toEqual(new Map(ids.map((id) => [id, personId])));
    const { rows } = await db.driver.query<{ person_id: string }>('SELECT person_id FROM identity_record WHERE patient_id = ANY($1::text[])', [ids]);
    expect(rows.map((r) => r.person_id)).toEqual([personId, personId, personId]);
  });

  it('creates a person it made up without locking or reading it, and changes it later in the transaction as any other', async () => {
    const ids = ['madeup-a', 'madeup-b'];
    for (const id of ids) await add(id, { family: 'MADE', given: id });
    const sent: string[] = [];
    const personId = await repo.transaction(async (_r, sql) => {
      const q: Queryable = { query: (text, params) => { sent.push(text); return sql.query(text, params); }, exec: (text) => sql.exec(text) };
      const store = new LinkStore(new SqlRepository(db.driver, repoOptions, q), q);
      const id = store.newPersonId();
      await store.applyLinks([auto(ids[0], id, 'sole')], 'sharedcare:matcher');
      const locksAndReads = sent.filter((t) => t.includes('pg_advisory_xact_lock') || t.startsWith('SELECT r.rid, r.deleted')).length;
      expect(locksAndReads).toBe(0);
      // Written now: a second change reads and versions it like any stored person.
      await store.applyLinks([auto(ids[1], id, 'probabilistic', 12)], 'sharedcare:matcher');
      return id;
    });
    const p = await person(personId);
    expect(p.meta?.versionId).toBe('2');
    expect(p.link?.map((l) => l.target.reference)).toEqual(ids.map((id) => `Patient/${id}`));
  });

  it('changes nothing when the same links are applied again', async () => {
    const { personId, ids } = await threeRecordPerson('again');
    const before = await person(personId);
    await inStore((s) => s.applyLinks([auto(ids[0], personId, 'nhs-number'), auto(ids[2], personId, 'probabilistic', 15)], 'sharedcare:matcher'));
    expect((await person(personId)).meta?.versionId).toBe(before.meta?.versionId);
    expect((await inStore((s) => s.history({ personId })))).toHaveLength(3);
    expect((await inStore((s) => s.members(personId)))[2]!.weight).toBe(15);
  });

  it('never moves a manual link with an automatic change, but a manual change moves it', async () => {
    const { personId, ids } = await threeRecordPerson('sticky');
    await inStore((s) => s.applyLinks([{ patientId: ids[2], personId, kind: 'manual', basis: 'manual', reason: 'confirmed by phone' }], 'reviewer-1'));
    const other = await inStore(async (s) => s.newPersonId());
    await add('sticky-x');
    await inStore((s) => s.applyLinks([auto('sticky-x', other, 'sole'), auto(ids[2], other, 'probabilistic')], 'sharedcare:matcher'));
    expect((await inStore((s) => s.personsOf([ids[2]]))).get(ids[2])).toBe(personId);
    expect((await person(personId)).link?.find((l) => l.target.reference === `Patient/${ids[2]}`)?.assurance).toBe('level4');

    await inStore((s) => s.applyLinks([{ patientId: ids[2], personId: other, kind: 'manual', basis: 'manual', reason: 'wrong person' }], 'reviewer-2'));
    expect((await inStore((s) => s.personsOf([ids[2]]))).get(ids[2])).toBe(other);
    const [latest] = await inStore((s) => s.history({ patientId: ids[2] }));
    expect(latest).toMatchObject({ action: 'move', personId: other, previousPersonId: personId, kind: 'manual', decidedBy: 'reviewer-2', reason: 'wrong person' });
    expect((await person(personId)).link).toHaveLength(2);
    expect((await person(other)).link?.map((l) => l.target.reference)).toEqual([`Patient/${ids[2]}`, 'Patient/sticky-x']);
  });

  it('retires a person whose records all moved to one other person, pointing to it', async () => {
    await add('retire-a');
    await add('retire-b', { nhsNumber: NHS });
    const [first, second] = await inStore(async (s) => {
      const ids = [s.newPersonId(), s.newPersonId()] as const;
      await s.applyLinks([auto('retire-a', ids[0], 'sole'), auto('retire-b', ids[1], 'sole')], 'sharedcare:matcher');
      return ids;
    });
    await inStore((s) => s.applyLinks([auto('retire-b', first, 'probabilistic')], 'sharedcare:matcher'));
    const retired = await person(second);
    expect(retired.active).toBe(false);
    expect(retired.identifier).toBeUndefined();
    expect(retired.meta?.tag).toEqual([LINKED_PERSON_TAG, REDIRECTED_TAG]);
    expect(retired.link).toEqual([{ target: { reference: `Person/${first}` }, assurance: 'level2' }]);
    expect((await person(first)).identifier?.[0]?.value).toBe(NHS);
  });

  it('refuses the same record twice in one change', async () => {
    await expectError(inStore((s) => s.applyLinks([auto('dup', 'p1'), auto('dup', 'p2')], 'm')), 'invalid', 'IDENTITY_LINK_REPEATED');
  });
});

describe('unlink', () => {
  it('moves the record to a new person of its own, with rules against those left and both persons rebuilt', async () => {
    const { personId, ids } = await threeRecordPerson('unlink');
    const alone = await inStore((s) => s.unlink(ids[2], 'reviewer-1', 'different date of birth on the birth certificate'));
    expect(alone).not.toBe(personId);
    expect((await person(personId)).link?.map((l) => l.target.reference)).toEqual([`Patient/${ids[0]}`, `Patient/${ids[1]}`]);
    const p = await person(alone);
    expect(p.active).toBe(true);
    expect(p.link).toEqual([{ target: { reference: `Patient/${ids[2]}` }, assurance: 'level1' }]);
    const rules = await inStore((s) => s.rulesAmong([ids[2]]));
    expect(rules.map((r) => [r.left, r.right, r.rule, r.decidedBy])).toEqual([
      [ids[0], ids[2], 'different', 'reviewer-1'], [ids[1], ids[2], 'different', 'reviewer-1'],
    ]);
    const [entry] = await inStore((s) => s.history({ patientId: ids[2] }));
    expect(entry).toMatchObject({ action: 'unlink', personId: alone, previousPersonId: personId, kind: 'manual', decidedBy: 'reviewer-1',
      reason: 'different date of birth on the birth certificate' });
    expect((await inStore((s) => s.personsOf([ids[2]]))).get(ids[2])).toBe(alone);
  });

  it('refuses without a reason, for an unlinked record, and for the only record of a person', async () => {
    const { ids } = await threeRecordPerson('unlink-refused');
    await expectError(inStore((s) => s.unlink(ids[0], 'r', '  ')), 'invalid', 'IDENTITY_REASON_REQUIRED');
    await expectError(inStore((s) => s.unlink('nobody', 'r', 'why')), 'not-found', 'IDENTITY_NOT_LINKED');
    const alone = await inStore((s) => s.unlink(ids[0], 'r', 'why'));
    expect(alone).toBeTruthy();
    await expectError(inStore((s) => s.unlink(ids[0], 'r', 'again')), 'conflict', 'IDENTITY_ALREADY_ALONE');
  });
});

describe('review queue', () => {
  /** Two persons of two records each, and candidates a–c and b–d between them. */
  async function twoPersons(prefix: string) {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => `${prefix}-${x}`) as [string, string, string, string];
    await add(a, { family: 'SMITH', given: 'JOHN', birthDate: '1970-01-01' });
    await add(b, { family: 'SMITH', given: 'JOHN', birthDate: '1970-01-01' });
    await add(c, { family: 'SMYTH', given: 'JOHN', birthDate: '1970-01-01' });
    await add(d, { family: 'SMYTH', given: 'JON', birthDate: '1970-01-01' });
    const [left, right] = await inStore(async (s) => {
      const persons = [s.newPersonId(), s.newPersonId()] as const;
      await s.applyLinks([auto(a, persons[0]), auto(b, persons[0]), auto(c, persons[1]), auto(d, persons[1])], 'sharedcare:matcher');
      return persons;
    });
    await inStore((s) => s.upsertCandidates([pairScore(a, c, 4.5), pairScore(b, d, 3.1)]));
    const open = await inStore((s) => s.listCandidates({ status: 'open', limit: 1000, offset: 0 }));
    const ac = open.find((x) => x.left.patientId === a)!;
    const bd = open.find((x) => x.left.patientId === b)!;
    return { a, b, c, d, left, right, ac, bd };
  }

  it('lists candidates with both records, their persons and the score', async () => {
    const { a, c, left, right, ac } = await twoPersons('list');
    expect(ac).toMatchObject({ status: 'open', weight: 4.5, left: { patientId: a, personId: left, record: { family: 'SMITH' } },
      right: { patientId: c, personId: right, record: { family: 'SMYTH' } } });
    expect(ac.score.fields[0]).toMatchObject({ field: 'name', left: 'SMITH', right: 'SMYTH' });
    expect(await inStore((s) => s.getCandidate(ac.id))).toEqual(ac);
    expect(await inStore((s) => s.getCandidate('999999999'))).toBeUndefined();
    expect(await inStore((s) => s.getCandidate('x'))).toBeUndefined();
  });

  it('decide link merges the right person into the left one; the other person redirects; other candidates are superseded', async () => {
    const { a, b, c, d, left, right, ac, bd } = await twoPersons('merge');
    const result = await inStore((s) => s.decide(ac.id, 'link', 'reviewer-1', 'same person, surname misspelt'));
    expect(result.personId).toBe(left);
    expect(result.candidate).toMatchObject({ status: 'linked', decidedBy: 'reviewer-1', decisionReason: 'same person, surname misspelt' });
    expect(result.candidate.decidedAt).toMatch(/^\d{4}-/);
    const members = await inStore((s) => s.members(left));
    expect(members.map((m) => [m.patientId, m.kind])).toEqual([[a, 'auto'], [b, 'auto'], [c, 'manual'], [d, 'manual']]);
    const absorbed = await person(right);
    expect(absorbed.active).toBe(false);
    expect(absorbed.link).toEqual([{ target: { reference: `Person/${left}` }, assurance: 'level4' }]);
    expect((await person(left)).link?.map((l) => l.assurance)).toEqual(['level2', 'level2', 'level4', 'level4']);
    expect((await inStore((s) => s.rulesAmong([a]))).map((r) => [r.left, r.right, r.rule])).toEqual([[a, c, 'same']]);
    expect((await inStore((s) => s.getCandidate(bd.id)))?.status).toBe('superseded');
    const history = await inStore((s) => s.history({ personId: right }));
    expect(history.slice(0, 2).map((h) => [h.patientId, h.action, h.previousPersonId, h.personId, h.decidedBy])).toEqual([
      [d, 'merge', right, left, 'reviewer-1'], [c, 'merge', right, left, 'reviewer-1'],
    ]);
  });

  it('decide reject records a different rule and leaves the persons alone', async () => {
    const { a, c, left, right, ac } = await twoPersons('reject');
    const result = await inStore((s) => s.decide(ac.id, 'reject', 'reviewer-2', 'different mothers'));
    expect(result.candidate).toMatchObject({ status: 'rejected', decidedBy: 'reviewer-2', decisionReason: 'different mothers' });
    expect((await inStore((s) => s.rulesAmong([c]))).map((r) => [r.left, r.right, r.rule, r.reason])).toEqual([[a, c, 'different', 'different mothers']]);
    expect(await inStore((s) => s.personsOf([a, c]))).toEqual(new Map([[a, left], [c, right]]));
  });

  it('refuses a second decision, an unknown candidate and a missing reason', async () => {
    const { ac, bd } = await twoPersons('twice');
    await inStore((s) => s.decide(ac.id, 'reject', 'reviewer-1', 'no'));
    await expectError(inStore((s) => s.decide(ac.id, 'link', 'reviewer-2', 'yes')), 'conflict', 'IDENTITY_CANDIDATE_DECIDED');
    await expectError(inStore((s) => s.decide('987654321', 'link', 'r', 'yes')), 'not-found', 'IDENTITY_CANDIDATE_NOT_FOUND');
    await expectError(inStore((s) => s.decide(bd.id, 'link', 'r', '')), 'invalid', 'IDENTITY_REASON_REQUIRED');
    expect((await inStore((s) => s.getCandidate(bd.id)))?.status).toBe('open');
  });

  it('refreshes open candidates, never reopens decided ones, and skips pairs in one person or under a rule', async () => {
    const { a, b, c, d, ac, bd } = await twoPersons('upsert');
    await inStore((s) => s.decide(ac.id, 'reject', 'reviewer-1', 'no'));
    const result = await inStore((s) => s.upsertCandidates([pairScore(c, a, 9), pairScore(b, d, 6), pairScore(a, b, 5), pairScore(b, c, 2)]));
    expect(result).toEqual({ added: 1, refreshed: 1, skipped: 2 });
    expect(await inStore((s) => s.getCandidate(ac.id))).toMatchObject({ status: 'rejected', weight: 4.5 });
    expect(await inStore((s) => s.getCandidate(bd.id))).toMatchObject({ status: 'open', weight: 6 });
    const open = await inStore((s) => s.listCandidates({ status: 'open', limit: 1000, offset: 0 }));
    expect(open.filter((x) => x.left.patientId.startsWith('upsert')).map((x) => [x.left.patientId, x.right.patientId])).toEqual([[b, d], [b, c]]);
    await inStore((s) => s.addRule(b, c, 'different', 'reviewer-1', 'twins'));
    expect(await inStore((s) => s.upsertCandidates([pairScore(b, c, 2.5)]))).toEqual({ added: 0, refreshed: 0, skipped: 1 });
  });
});

describe('history', () => {
  it('lists decisions newest first, by record and by person', async () => {
    const { personId, ids } = await threeRecordPerson('hist');
    const alone = await inStore((s) => s.unlink(ids[1], 'reviewer-1', 'why'));
    await inStore((s) => s.applyLinks([{ patientId: ids[1], personId, kind: 'manual', basis: 'manual', reason: 'mistake' }], 'reviewer-2'));
    const byRecord = await inStore((s) => s.history({ patientId: ids[1] }));
    expect(byRecord.map((h) => [h.action, h.personId, h.previousPersonId ?? null])).toEqual([
      ['move', personId, alone], ['unlink', alone, personId], ['link', personId, null],
    ]);
    const ids2 = byRecord.map((h) => Number(h.id));
    expect([...ids2].sort((x, y) => y - x)).toEqual(ids2);
    const byPerson = await inStore((s) => s.history({ personId }));
    expect(byPerson.map((h) => h.patientId)).toEqual([ids[1], ids[1], ids[2], ids[1], ids[0]]);
  });
});

