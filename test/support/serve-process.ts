// `sharedcare serve` as a real child process, for tests that start, stop and kill it: on the
// PostgreSQL run it uses a private schema of the test server, named by the caller.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TEST_DATABASE_URL } from './test-database.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'sharedcare.js');

/** The environment for a child process on `schema` (PostgreSQL run) or its data directory (PGlite). */
export function serveEnv(schema: string): Record<string, string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), SHAREDCARE_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  if (TEST_DATABASE_URL) env.DATABASE_URL = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return env;
}

/** Starts `sharedcare serve` on a free port and resolves once it says where it is running. */
export async function startServe(dataDir: string, env: Record<string, string>, args: string[]): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dataDir, ...args], { env });
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      const m = /running on (http:\/\/[^\s]+) /.exec(output);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  return { child, base, output: () => output };
}
