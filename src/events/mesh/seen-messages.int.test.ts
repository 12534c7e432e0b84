// SeenMessages conformance: written once, run on the in-memory set and on the mesh_seen table
// (PGlite by default, PostgreSQL with TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { memorySeenMessages, type SeenMessages, sqlSeenMessages } from './seen-messages.ts';

// The table as the events migration defines it; created here too so this test does not depend on the migration's timing.
const MESH_SEEN_DDL = `CREATE TABLE IF NOT EXISTS mesh_seen (mailbox text NOT NULL, message_id text NOT NULL, seen_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (mailbox, message_id))`;

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
  await db.driver.exec(MESH_SEEN_DDL);
});
afterAll(() => db.drop());

const implementations: [string, () => SeenMessages][] = [
  ['memory', () => memorySeenMessages()],
  [`sql on ${DRIVER_NAME}`, () => sqlSeenMessages(db.driver)],
];

describe.each(implementations)('SeenMessages (%s)', (name, open) => {
  // Each implementation gets its own mailbox names, as the SQL ones share one table.
  const mailbox = (n: number) => `${name.replace(/\W/g, '')}MBX${n}`;

  it('knows only what it was told, per mailbox', async () => {
    const seen = open();
    expect(await seen.has(mailbox(1), 'M1')).toBe(false);
    await seen.remember(mailbox(1), 'M1');
    expect(await seen.has(mailbox(1), 'M1')).toBe(true);
    expect(await seen.has(mailbox(1), 'M2')).toBe(false);
    expect(await seen.has(mailbox(2), 'M1')).toBe(false);
  });

  it('takes the same id twice, also at the same moment', async () => {
    const seen = open();
    await seen.remember(mailbox(3), 'M1');
    await seen.remember(mailbox(3), 'M1');
    await Promise.all(Array.from({ length: 5 }, () => seen.remember(mailbox(3), 'M2')));
    expect(await seen.has(mailbox(3), 'M1')).toBe(true);
    expect(await seen.has(mailbox(3), 'M2')).toBe(true);
  });
});

describe(`sqlSeenMessages on ${DRIVER_NAME}`, () => {
  it('is shared by every instance over the database, as after a restart', async () => {
    await sqlSeenMessages(db.driver).remember('RESTART', 'M1');
    expect(await sqlSeenMessages(db.driver).has('RESTART', 'M1')).toBe(true);
    const { rows } = await db.driver.query<{ n: string }>(`SELECT count(*)::text AS n FROM mesh_seen WHERE mailbox = 'RESTART'`);
    expect(rows[0]!.n).toBe('1');
  });
});
