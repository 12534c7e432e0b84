// A fresh, migrated database for one test file: in-memory PGlite by default, or a private schema
// on the PostgreSQL server named by TEST_DATABASE_URL, so the same tests run on both drivers.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadDefinitions } from '../../src/fhir/definitions.ts';
import { createSearchParamRegistry } from '../../src/fhir/search-parameters.ts';
import type { IngestContext } from '../../src/ingest/ingest-context.ts';
import type { Driver } from '../../src/store/driver.ts';
import { migrate } from '../../src/store/migrate.ts';
import { PgDriver } from '../../src/store/pg-driver.ts';
import { PgliteDriver } from '../../src/store/pglite-driver.ts';
import { SqlRepository, type SqlRepositoryOptions } from '../../src/store/sql-repository.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const DRIVER_NAME = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase {
  driver: Driver;
  drop(): Promise<void>;
}

export async function openTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const driver = await PgliteDriver.open();
    await migrate(driver);
    return { driver, drop: () => driver.close() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const driver = new PgDriver(TEST_DATABASE_URL, options.poolSize ?? 10, schema);
  await migrate(driver);
  return {
    driver,
    drop: async () => {
      await driver.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

/** A repository over a test database, validating and indexing inline (no worker pool). */
export function testRepository(driver: Driver, options: Partial<SqlRepositoryOptions> = {}): SqlRepository {
  const definitions = loadDefinitions();
  return new SqlRepository(driver, { definitions, registry: createSearchParamRegistry(definitions), ...options });
}

/** What the import paths need, over a test database; `profileDirs` are searched for CSV profiles. */
export function testIngestContext(driver: Driver, profileDirs: string[] = []): IngestContext {
  return { repo: testRepository(driver), db: driver, profileDirs };
}
