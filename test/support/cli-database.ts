// One-shot commands (import, quarantine, lexicon) run in-process in tests: each test file gets its
// own data directory, and on the PostgreSQL run its own schema through DATABASE_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, vi } from 'vitest';
import { TEST_DATABASE_URL } from './test-database.ts';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Registers hooks giving this test file a temporary directory (returned) and, when TEST_DATABASE_URL
 * is set, a private schema that DATABASE_URL points at while its tests run.
 */
export function useCliDatabase(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sharedcare-${name}-`));
  const schema = `cli_${name.replace(/\W/g, '_')}_${process.pid}`;
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    if (!TEST_DATABASE_URL) return;
    await admin(`CREATE SCHEMA ${schema}`);
    process.env.DATABASE_URL = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    if (TEST_DATABASE_URL) await admin(`DROP SCHEMA ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Runs a command in-process, returning its exit status and what it wrote. */
export async function runCommand(command: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await command(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
