// Nothing is lost when the server is killed (SIGKILL) around a delivery: a change committed before
// any notification was sent is delivered after a restart; a notification sent but not yet marked as
// sent is sent again after a restart, with the same event id for the receiver to de-duplicate.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, serveEnv, startServe } from '../support/serve-process.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';
import { notificationFoci, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sharedcare-events-kill-'));
const schema = `events_kill_${process.pid}`;
const env = { ...serveEnv(schema), SHAREDCARE_EVENT_LEASE_MS: '1500', SHAREDCARE_EVENT_RETRY_BASE_MS: '200', SHAREDCARE_EVENT_POLL_MS: '50' };
let receiver: WebhookReceiver;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

const start = (...args: string[]) => startServe(dataDir, env, ['--no-demo', '--webhook-allow', '127.0.0.1', ...args]);
const token = () => spawnSync(process.execPath, [BIN, 'token', '--scope', 'system/*.cruds', '--data', dataDir], { env, encoding: 'utf8' }).stdout.trim();

async function post(base: string, auth: string, type: string, body: object): Promise<{ id: string }> {
  const res = await fetch(`${base}/fhir/${type}`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string };
}

const exited = (child: { once: (e: 'exit', f: () => void) => void }) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

beforeAll(async () => {
  if (TEST_DATABASE_URL) await admin(`CREATE SCHEMA ${schema}`);
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver?.close();
  if (TEST_DATABASE_URL) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 around a delivery', () => {
  it('delivers after a restart what was committed before the kill, and sends an interrupted delivery again with the same event id', async () => {
    // 1. Committed, never sent: the first server runs no event workers, and is killed.
    let server = await start('--no-events');
    const auth = token();
    await post(server.base, auth, 'Subscription', { resourceType: 'Subscription', status: 'requested', reason: 'kill test', criteria: 'Basic?code=kill-test',
      channel: { type: 'rest-hook', endpoint: receiver.url, payload: 'application/fhir+json' } });
    const first = await post(server.base, auth, 'Basic', { resourceType: 'Basic', code: { coding: [{ code: 'kill-test' }] } });
    server.child.kill('SIGKILL');
    await exited(server.child);

    // 2. The receiver takes the next request but never answers; the server is killed while it waits.
    receiver.respondWith(0);
    server = await start();
    await receiver.waitFor(1, 20_000);
    expect(notificationFoci(receiver.received[0]!.json)).toEqual([expect.stringMatching(new RegExp(`/Basic/${first.id}$`))]);
    const firstEventId = receiver.received[0]!.headers['x-sharedcare-event-id'];
    server.child.kill('SIGKILL');
    await exited(server.child);

    // 3. After a restart the unfinished delivery is sent again, with the same event id, and completes.
    receiver.respondWith(200);
    server = await start();
    try {
      await receiver.waitFor(2, 20_000);
      expect(receiver.received[1]!.headers['x-sharedcare-event-id']).toBe(firstEventId);
      expect(notificationFoci(receiver.received[1]!.json)).toEqual(notificationFoci(receiver.received[0]!.json));
      // …and is marked delivered: nothing more arrives.
      await new Promise((r) => setTimeout(r, 2500));
      expect(receiver.received).toHaveLength(2);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  }, 120_000);
});
