// The audit chain on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): appends,
// what the triggers refuse, what verify finds when a superuser goes around them, failing closed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessRecord } from '../../../test/support/audit-records.ts';
import { DRIVER_NAME, openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { FhirError } from '../../fhir/errors.ts';
import type { Driver } from '../../store/driver.ts';
import { appendAudit } from './audit-log.ts';
import { chainHash, GENESIS_HASH, readChainHead, verifyAuditChain } from './verify.ts';

let db: TestDatabase;
let driver: Driver;

beforeAll(async () => {
  db = await openTestDatabase({ poolSize: 20 });
  driver = db.driver;
});
afterAll(() => db.drop());

/** A superuser's way round the triggers: what the hash chain exists to expose. */
async function asSuperuser(sql: string, params: unknown[] = []): Promise<void> {
  await driver.exec('ALTER TABLE audit_event DISABLE TRIGGER ALL; ALTER TABLE audit_head DISABLE TRIGGER ALL');
  try {
    await driver.query(sql, params);
  } finally {
    await driver.exec('ALTER TABLE audit_event ENABLE TRIGGER ALL; ALTER TABLE audit_head ENABLE TRIGGER ALL');
  }
}

async function append(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await driver.transaction((tx) => appendAudit(tx, accessRecord({ requestId: `req-${i}`, patients: [`Patient/p${i % 3}`] })));
  }
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}

describe(`audit chain (${DRIVER_NAME})`, () => {
  // Each test starts from an intact chain: a fresh one, since rows cannot be deleted.
  beforeEach(async () => {
    await asSuperuser('DELETE FROM audit_event');
    await asSuperuser("UPDATE audit_head SET seq = 0, hash = decode(repeat('00', 32), 'hex')");
  });

  it('stores the exact event text, its seq as id, and the hash PostgreSQL computed equals the one recomputed', async () => {
    const event = await driver.transaction((tx) => appendAudit(tx, accessRecord({ principal: { ...accessRecord().principal, name: 'Zoë Ŵorker' } })));
    expect(event.id).toBe('1');
    const { rows } = await driver.query<{ event: string; hash: string }>("SELECT event, encode(hash, 'hex') AS hash FROM audit_event WHERE seq = 1");
    expect(rows[0]!.event).toBe(JSON.stringify(event));
    expect(rows[0]!.hash).toBe(chainHash(GENESIS_HASH, 1n, rows[0]!.event).toString('hex'));
    expect(await readChainHead(driver)).toEqual({ seq: '1', hash: rows[0]!.hash });
  });

  it('verify passes on an intact chain, read in small batches', async () => {
    await append(7);
    const result = await verifyAuditChain(driver, { batchSize: 3 });
    expect(result).toMatchObject({ ok: true, checked: 7, problems: [], head: { seq: '7' } });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the normal connection', async () => {
    await append(2);
    for (const sql of ["UPDATE audit_event SET event = '{}' WHERE seq = 1", 'DELETE FROM audit_event WHERE seq = 2', 'TRUNCATE audit_event CASCADE',
      'DELETE FROM audit_head', 'UPDATE audit_head SET seq = 1']) {
      expect((await refusal(driver.query(sql))).message).toMatch(/append-only|only moves forward/);
    }
    expect((await verifyAuditChain(driver)).ok).toBe(true);
  });

  it('detects a row whose text was changed with the triggers disabled', async () => {
    await append(5);
    await asSuperuser("UPDATE audit_event SET event = replace(event, 'Sam Worker', 'Someone Else') WHERE seq = 3");
    const result = await verifyAuditChain(driver, { batchSize: 2 });
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toBe('3');
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'hash-mismatch', seq: '3' })]);
  });

  it('detects a deleted row as a gap', async () => {
    await append(5);
    await asSuperuser('DELETE FROM audit_event WHERE seq = 2');
    const result = await verifyAuditChain(driver);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toBe('2');
    expect(result.problems.map((p) => p.kind)).toContain('gap');
  });

  it('detects deleted last rows and a head that does not match', async () => {
    await append(4);
    await asSuperuser('DELETE FROM audit_event WHERE seq = 4');
    expect((await verifyAuditChain(driver)).problems).toEqual([expect.objectContaining({ kind: 'gap', seq: '4' })]);
    await asSuperuser("UPDATE audit_head SET seq = 3, hash = decode(repeat('ab', 32), 'hex')");
    expect((await verifyAuditChain(driver)).problems).toEqual([expect.objectContaining({ kind: 'head-mismatch', seq: '3' })]);
  });

  it('an exported head exposes a chain rewritten from the start', async () => {
    await append(3);
    const anchor = (await readChainHead(driver))!;
    // Rewrite row 2 and recompute every hash after it, as a careful superuser would.
    await asSuperuser("UPDATE audit_event SET event = replace(event, 'Sam Worker', 'Someone Else') WHERE seq = 2");
    await asSuperuser(`UPDATE audit_event e SET hash = sha256(p.hash || int8send(e.seq) || convert_to(e.event, 'UTF8'))
                       FROM audit_event p WHERE p.seq = e.seq - 1 AND e.seq = 2`);
    await asSuperuser(`UPDATE audit_event e SET hash = sha256(p.hash || int8send(e.seq) || convert_to(e.event, 'UTF8'))
                       FROM audit_event p WHERE p.seq = e.seq - 1 AND e.seq = 3`);
    await asSuperuser("UPDATE audit_head SET hash = (SELECT hash FROM audit_event WHERE seq = 3)");
    expect((await verifyAuditChain(driver)).ok).toBe(true);
    const anchored = await verifyAuditChain(driver, { anchor });
    expect(anchored.ok).toBe(false);
    expect(anchored.problems).toEqual([expect.objectContaining({ kind: 'anchor-mismatch', seq: '3' })]);
  });

  it('fails closed: an audit that cannot be written throws AUDIT_UNAVAILABLE and the access rolls back', async () => {
    await driver.exec('CREATE TABLE IF NOT EXISTS audit_probe (n int)');
    await driver.exec('ALTER TABLE audit_event RENAME TO audit_event_moved');
    try {
      const err = await refusal(driver.transaction(async (tx) => {
        await tx.query('INSERT INTO audit_probe VALUES (1)');
        return appendAudit(tx, accessRecord());
      }));
      expect(err).toBeInstanceOf(FhirError);
      expect((err as FhirError).category).toBe('busy');
      expect((err as FhirError).code).toBe('AUDIT_UNAVAILABLE');
      expect(err.message).toBe('The audit trail cannot be written, so the request was refused');
    } finally {
      await driver.exec('ALTER TABLE audit_event_moved RENAME TO audit_event');
    }
    expect((await driver.query('SELECT * FROM audit_probe')).rows).toEqual([]);
    expect(await readChainHead(driver)).toMatchObject({ seq: '0' });
  });

  it('fails closed when the chain head is gone', async () => {
    await asSuperuser('DELETE FROM audit_head');
    try {
      const err = await refusal(driver.transaction((tx) => appendAudit(tx, accessRecord())));
      expect((err as FhirError).code).toBe('AUDIT_UNAVAILABLE');
      expect((await verifyAuditChain(driver)).problems[0]?.kind).toBe('head-missing');
    } finally {
      await asSuperuser("INSERT INTO audit_head VALUES (1, 0, decode(repeat('00', 32), 'hex'))");
    }
  });

  it('a rolled-back append leaves no gap', async () => {
    await append(1);
    await refusal(driver.transaction(async (tx) => {
      await appendAudit(tx, accessRecord());
      throw new Error('the request failed after auditing');
    }));
    await append(1);
    expect((await driver.query<{ seq: string }>('SELECT seq FROM audit_event ORDER BY seq')).rows.map((r) => String(r.seq))).toEqual(['1', '2']);
    expect((await verifyAuditChain(driver)).ok).toBe(true);
  });

  it('20 concurrent transactions leave a gap-free, valid chain', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => driver.transaction(async (tx) => {
      await tx.query('SELECT pg_sleep(0.01)');
      return appendAudit(tx, accessRecord({ requestId: `parallel-${i}` }));
    })));
    const result = await verifyAuditChain(driver, { batchSize: 6 });
    expect(result).toMatchObject({ ok: true, checked: 20, head: { seq: '20' } });
    const { rows } = await driver.query<{ n: string }>("SELECT count(DISTINCT event::jsonb #>> '{entity,0,what,identifier,value}') AS n FROM audit_event");
    expect(Number(rows[0]!.n)).toBe(20);
  });
});
