// Versioned schema migrations, applied in order, each in its own transaction, once.
import type { Driver } from './driver.ts';
import * as m001 from './migrations/001-initial.ts';
import * as m002 from './migrations/002-ingest.ts';
import * as m003 from './migrations/003-identity.ts';
import * as m004 from './migrations/004-governance.ts';
import * as m005 from './migrations/005-audit.ts';
import * as m006 from './migrations/006-oauth.ts';
import * as m007 from './migrations/007-events.ts';
import * as m008 from './migrations/008-launch.ts';
import * as m009 from './migrations/009-standing-plan.ts';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: m001.name, sql: m001.sql },
  { version: 2, name: m002.name, sql: m002.sql },
  { version: 3, name: m003.name, sql: m003.sql },
  { version: 4, name: m004.name, sql: m004.sql },
  { version: 5, name: m005.name, sql: m005.sql },
  { version: 6, name: m006.name, sql: m006.sql },
  { version: 7, name: m007.name, sql: m007.sql },
  { version: 8, name: m008.name, sql: m008.sql },
  { version: 9, name: m009.name, sql: m009.sql },
];

/** Brings the schema up to date; safe to call on every start and from several processes. */
export async function migrate(driver: Driver): Promise<number[]> {
  await driver.query(
    'CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await driver.transaction(async (tx) => {
      // Serialise concurrent starters on one advisory lock.
      await tx.query('SELECT pg_advisory_xact_lock(7262001)');
      const { rows } = await tx.query('SELECT 1 FROM schema_migration WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
