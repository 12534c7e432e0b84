// The pool's workers are unreferenced when idle, so a process can end; while a batch is out they
// must hold it open, or a command on the embedded database (which has no sockets of its own)
// would end mid-write with exit code 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const POOL = new URL('./prepare-pool.ts', import.meta.url).href;

function runScript(body: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'sharedcare-pool-')), 'script.ts');
  writeFileSync(file, body);
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('PreparePool and the process lifetime', () => {
  it('keeps the process alive until a batch sent with nothing else pending comes back', () => {
    const run = runScript(`
import { PreparePool } from ${JSON.stringify(POOL)};
const pool = new PreparePool(2);
const patients = Array.from({ length: 20 }, (_, i) => ({ resourceType: 'Patient', name: [{ family: 'Pool' + i }] }));
// No top-level await and no timers: only the workers' replies can keep this process going.
pool.prepare(patients).then((results) => {
  process.stdout.write('prepared ' + results.length + '\\n');
  return pool.close();
});
`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('prepared 20\n');
    expect(run.status).toBe(0);
  });

  it('lets the process end once the pool is idle, without close()', () => {
    const run = runScript(`
import { PreparePool } from ${JSON.stringify(POOL)};
const pool = new PreparePool(1);
pool.prepare(Array.from({ length: 20 }, () => ({ resourceType: 'Patient' }))).then(() => process.stdout.write('done\\n'));
`);
    expect(run.stdout).toBe('done\n');
    expect(run.status).toBe(0);
  });
});
