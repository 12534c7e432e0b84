// The README's first command, end to end: `sharedcare serve` loads a demo population on first
// start, serves FHIR with a token from `sharedcare token`, stops cleanly, and keeps its data.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, serveEnv, startServe } from '../support/serve-process.ts';
import { TEST_DATABASE_URL } from '../support/test-database.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sharedcare-serve-'));
const schema = `cli_${process.pid}`;
const env = serveEnv(schema);
const start = (args: string[]) => startServe(dataDir, env, args);

async function mllpPort(output: () => string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const m = /MLLP listener on [^\s:]+:(\d+)/.exec(output());
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no MLLP listener: ${output()}`);
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

function token(): string {
  const result = spawnSync(process.execPath, [BIN, 'token', '--scope', 'system/*.rs', '--data', dataDir], { env, encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.trim();
}

async function patientCount(base: string): Promise<number> {
  const res = await fetch(`${base}/fhir/Patient?_summary=count`, { headers: { authorization: `Bearer ${token()}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { total: number }).total;
}

beforeAll(async () => {
  if (!TEST_DATABASE_URL) return;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (!TEST_DATABASE_URL) return;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
});

describe('sharedcare serve', () => {
  it('starts with a demo population, serves FHIR and health, and keeps its data across restarts', async () => {
    let patients = 0;
    const first = await start(['--demo-people', '4']);
    try {
      expect(first.output()).toMatch(/Loaded \d+ resources from FHIR Bundles, \d+ council CSV rows and \d+ hospital ADT messages/);
      // The four people's records from every source are matched into four persons.
      expect(first.output()).toMatch(/their source records are 4 persons/);
      const health = await fetch(`${first.base}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', database: TEST_DATABASE_URL ? 'postgres' : 'pglite' });
      // Each source keeps its own Patient (GP record, council case system, hospital PAS), linked by a Person.
      patients = await patientCount(first.base);
      expect(patients).toBeGreaterThanOrEqual(4);
      expect((await fetch(`${first.base}/fhir/Patient`)).status).toBe(401);
      expect((await fetch(`${first.base}/fhir/metadata`)).status).toBe(200);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }
    const second = await start(['--demo-people', '4']);
    try {
      expect(second.output()).not.toMatch(/Loading a synthetic demo population/);
      expect(await patientCount(second.base)).toBe(patients);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });

  it('listens for HL7 v2 over MLLP with --mllp-port and acknowledges once the visit is stored', async () => {
    const server = await start(['--no-demo', '--mllp-port', '0']);
    const client = new Hl7Client({ host: '127.0.0.1', port: await mllpPort(server.output) });
    try {
      const admit = Hl7Message.parse([
        'MSH|^~\\&|PAS|RXX|SHAREDCARE|SC|20260101120000||ADT^A01^ADT_A01|SERVE-1|P|2.4',
        'EVN|A01|20260101120000',
        'PID|1||SERVE123^^^RXX^MR||Testing^Serve||19700101|F',
        'PV1|1|I|WARD1|21|||||||||||||||V-SERVE-1|||||||||||||||||||||||||20260101120000',
      ].join('\r'));
      const ack = await client.sendAndWait(admit);
      expect(ack.getSegment('MSA')?.getField(1)?.toString()).toBe('AA');
      const res = await fetch(`${server.base}/fhir/Encounter?_summary=count`, { headers: { authorization: `Bearer ${token()}` } });
      expect(((await res.json()) as { total: number }).total).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
      expect(await stop(server.child)).toBe(0);
    }
  });

  it('explains bad flags and unknown commands with exit code 2', () => {
    const bad = spawnSync(process.execPath, [BIN, 'serve', '--port', 'eighty'], { env, encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--port')]);
    const unknown = spawnSync(process.execPath, [BIN, 'frobnicate'], { env, encoding: 'utf8' });
    expect([unknown.status, unknown.stderr]).toEqual([2, expect.stringContaining('Unknown command')]);
    const help = spawnSync(process.execPath, [BIN, '--help'], { env, encoding: 'utf8' });
    expect(help.stdout).toMatch(/serve[\s\S]*token[\s\S]*generate/);
  });
});
