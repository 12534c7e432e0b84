// A clean database for one benchmark run: PGlite on disk in a temporary directory (as `serve`
// runs it), or a fresh schema on the PostgreSQL server; both are removed afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../src/server/config.ts';
import { createPlatform, type Platform } from '../src/server/platform.ts';
import type { Driver } from '../src/store/driver.ts';
import { PgDriver } from '../src/store/pg-driver.ts';
import { PgliteDriver } from '../src/store/pglite-driver.ts';

export type DriverName = 'pglite' | 'postgres';

export interface BenchDatabase {
  driver: DriverName;
  platform: Platform;
  /** Temporary directory for the instance key (and the PGlite files). */
  dir: string;
  /** PostgreSQL connection URL and schema, when on a server. */
  server?: { url: string; schema: string };
  /** `SELECT version()` */
  version: string;
  drop(): Promise<void>;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Opens a fresh, migrated database and the platform on it (log level warn: no per-request lines). */
export async function openBenchDatabase(driverName: DriverName, databaseUrl?: string, overrides: Partial<Config> = {}): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'sharedcare-bench-'));
  let driver: Driver;
  let server: BenchDatabase['server'];
  const config = loadConfig({ dataDir: dir, logLevel: 'warn', ...overrides }, {});
  if (driverName === 'postgres') {
    if (!databaseUrl) throw new Error('The postgres driver needs DATABASE_URL or BENCH_DATABASE_URL');
    const schema = `bench_${randomBytes(6).toString('hex')}`;
    await adminQuery(databaseUrl, `CREATE SCHEMA ${schema}`);
    server = { url: databaseUrl, schema };
    driver = new PgDriver(databaseUrl, config.databasePoolSize, schema);
  } else {
    driver = await PgliteDriver.open(join(dir, 'pglite'));
  }
  const platform = await createPlatform(config, { driver });
  const { rows } = await driver.query<{ version: string }>('SELECT version() AS version');
  return {
    driver: driverName,
    platform,
    dir,
    ...(server ? { server } : {}),
    version: rows[0]!.version,
    drop: async () => {
      await platform.close();
      if (server) await adminQuery(server.url, `DROP SCHEMA ${server.schema} CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
