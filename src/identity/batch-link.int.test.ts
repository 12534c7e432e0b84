// Batch re-linking on a real database: a back-load of records with no links becomes persons; a second
// run changes nothing; reviewers' rules and manual links survive a re-run; the model is trained and stored.
import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlRepository } from '../store/sql-repository.ts';
import { sourcePatient } from '../../test/support/identity-records.ts';
import { openTestDatabase, testRepository, type TestDatabase } from '../../test/support/test-database.ts';
import { batchLink } from './batch-link.ts';
import { LinkStore } from './links/link-store.ts';
import type { MatchRecord } from './match-types.ts';

let db: TestDatabase;
let repo: SqlRepository;
beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
});
afterAll(async () => {
  await db?.drop();
});

const SURNAMES = ['PATEL', 'JONES', 'OKONKWO', 'WALSH', 'NOWAK', 'CHEN', 'HUGHES', 'AHMED'];
const FORENAMES = ['AMIR', 'BETH', 'CARL', 'DINA', 'EZRA', 'FAYE', 'GLEN', 'HANA', 'IVAN', 'JUNE'];

/** 80 people; each in a GP record with a verified NHS number, and half again in a council record without one. */
function backLoad(): Patient[] {
  const patients: Patient[] = [];
  for (let n = 0; n < 80; n++) {
    const base: Partial<MatchRecord> = {
      given: FORENAMES[n % 10], family: SURNAMES[Math.floor(n / 10)], sex: n % 2 ? 'M' : 'F',
      birthDate: `19${50 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`, postcode: `E${1 + (n % 9)} ${n % 10}AB`,
    };
    patients.push(sourcePatient(`gp-${n}`, { ...base, nhsNumber: nhsNumber(n), nhsVerified: true }));
    if (n % 2 === 0) patients.push(sourcePatient(`council-${n}`, { ...base, given: n % 4 === 0 ? base.given : `${base.given}E` }));
  }
  return patients;
}

function nhsNumber(n: number): string {
  for (let body = 999000000 + n * 37; ; body++) {
    const digits = String(body);
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return digits + check;
  }
}

const personsOf = (ids: string[]) => repo.transaction((r, sql) => new LinkStore(r, sql).personsOf(ids));

describe('batchLink', () => {
  it('links a back-load into persons, trains and stores a model, and a second run changes nothing', async () => {
    await repo.putMany(backLoad());
    const first = await batchLink(repo);
    expect(first.trained).toBe(true);
    expect(first.modelVersion).toBe(1);
    expect(first.records).toBe(120);
    expect(first.persons).toBe(80);
    const persons = await personsOf(['gp-0', 'council-0', 'gp-2', 'council-2', 'gp-1']);
    expect(persons.get('council-0')).toBe(persons.get('gp-0'));
    expect(persons.get('council-2')).toBe(persons.get('gp-2'));
    expect(persons.get('gp-1')).not.toBe(persons.get('gp-0'));
    const second = await batchLink(repo);
    expect(second).toMatchObject({ changed: 0, trained: false, modelVersion: 1, persons: 80 });
  });

  it('keeps a reviewer\'s unlink across a re-run, and retrains when asked', async () => {
    await repo.transaction((r, sql) => new LinkStore(r, sql).unlink('council-4', 'reviewer-1', 'checked: a different person'));
    const again = await batchLink(repo, { train: true });
    expect(again.modelVersion).toBe(2);
    const persons = await personsOf(['gp-4', 'council-4']);
    expect(persons.get('council-4')).not.toBe(persons.get('gp-4'));
  });
});
