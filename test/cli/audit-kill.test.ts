// Killed between the read and the audit: the server process is stopped with SIGKILL after it has read
// a person's record but before its audit row commits. The caller must never have received the data,
// no audit row for the request may exist, and the trail must still verify after a restart.
// PostgreSQL only: the read waits on the audit chain's head row, held by another connection, so the
// kill lands at exactly that point. (PGlite lives inside the killed process; nothing outlives it.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, serveEnv, startServe } from '../support/serve-process.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sharedcare-kill-'));
const schema = `kill_${process.pid}`;
const env = serveEnv(schema);

async function admin<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const start = () => startServe(dataDir, env, ['--no-demo']);

const token = () => spawnSync(process.execPath, [BIN, 'token', '--scope', 'system/*.cruds', '--data', dataDir], { env, encoding: 'utf8' }).stdout.trim();

afterAll(async () => {
  if (TEST_DATABASE_URL) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!TEST_DATABASE_URL)('kill -9 between the read and the audit commit', () => {
  it('shows nothing, leaves no audit row, and the trail verifies after a restart', async () => {
    await admin(`CREATE SCHEMA ${schema}`);
    let server = await start();
    const auth = { authorization: `Bearer ${token()}`, 'content-type': 'application/fhir+json' };
    const created = await fetch(`${server.base}/fhir/Patient`, { method: 'POST', headers: auth, body: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Killworth' }] }) });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;

    // Another connection holds the chain head: the server's read will wait at its audit append.
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    await holder.query(`SET search_path = ${schema}`);
    await holder.query('BEGIN');
    await holder.query('SELECT * FROM audit_head FOR UPDATE');
    let received: { status: number; text: string };
    try {
      const answer = fetch(`${server.base}/fhir/Patient/${id}`, { headers: { ...auth, 'x-request-id': 'killed-mid-audit' } }).then(
        async (res) => ({ status: res.status, text: await res.text() }),
        (err: unknown) => ({ status: 0, text: String(err) }),
      );
      // Wait until the server's transaction is blocked on the head row, having read the Patient.
      for (let i = 0; ; i++) {
        const waiting = await admin<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%audit_append%'");
        if (Number(waiting[0]!.n) > 0) break;
        if (i > 200) throw new Error('the read never reached the audit append');
        await new Promise((r) => setTimeout(r, 25));
      }
      server.child.kill('SIGKILL');
      received = await answer;
    } finally {
      server.child.kill('SIGKILL');
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(received.status).toBe(0);
    expect(received.text).not.toContain('Killworth');

    // The orphaned backend finds its client gone and rolls back: no audit row for the request.
    for (let i = 0; i < 100; i++) {
      const left = await admin<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND query ILIKE '%audit%'`);
      if (Number(left[0]!.n) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const rows = await admin(`SELECT seq FROM ${schema}.audit_event WHERE strpos(event, 'killed-mid-audit') > 0`);
    expect(rows).toEqual([]);

    server = await start();
    try {
      const again = await fetch(`${server.base}/fhir/Patient/${id}`, { headers: { ...auth, 'x-request-id': 'after-restart' } });
      expect(again.status).toBe(200);
      const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--data', dataDir], { env, encoding: 'utf8' });
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.on('exit', r));
    }
  });
});
