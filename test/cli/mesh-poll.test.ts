// Care Act notices over MESH: a hospital sends an assessment notice to the council's mailbox on the
// MESH stand-in; `sharedcare mesh poll` applies it (a Task in the council's inbox) and acknowledges
// it; a notice downloaded again after a crash is not applied twice; a message that is not a notice
// stays in the mailbox with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdwMessage } from '../../src/events/adw/adw-builder.ts';
import { MeshClient } from '../../src/events/mesh/mesh-client.ts';
import { runMeshCommand } from '../../src/cli/mesh-command.ts';
import { startMeshStandin } from '../../src/server/mesh/mesh-standin.ts';
import { withCliPlatform } from '../../src/cli/cli-platform.ts';
import { nhsNumber } from '../support/fhir-fixtures.ts';
import { runCommand, useCliDatabase } from '../support/cli-database.ts';

const dir = useCliDatabase('mesh-poll');
const KEY = 'TestKey';
let standin: Awaited<ReturnType<typeof startMeshStandin>>;
let hospital: MeshClient;

const notice = (messageId: string) => buildAdwMessage({
  kind: 'assessment-notice', messageId, issued: new Date().toISOString(),
  stay: { encounter: { system: 'urn:sharedcare:id:epr-rx1:spell', value: `SP-${messageId}` }, hospital: { ods: 'RX1', name: 'Queens Medical Centre' },
    admitted: new Date(Date.now() - 86_400_000).toISOString(), proposedDischarge: new Date(Date.now() + 5 * 86_400_000).toISOString() },
  patient: { nhsNumber: nhsNumber(8901), name: { family: 'Mesh', given: ['Molly'] } },
  council: { gss: 'E10000024', name: 'Nottinghamshire County Council' },
  statements: { patientConsulted: true, objection: false, chcConsidered: false },
  liaison: { name: { family: 'Liaison', given: ['Lee'] }, telecom: [{ system: 'phone', value: '0115 000 0001' }] },
});

const poll = () => runCommand(runMeshCommand, ['poll', '--url', standin.url, '--mailbox', 'COUNCIL1', '--password', 'pw-council', '--shared-key', KEY, '--data', dir]);

async function adwTaskCount(): Promise<number> {
  return withCliPlatform(dir, async ({ driver }) => {
    const { rows } = await driver.query<{ n: number }>(`SELECT count(*)::int AS n FROM resource WHERE type = 'Task' AND content->'code'->'coding'->0->>'code' = 'adw-notice'`);
    return rows[0]!.n;
  });
}

beforeAll(async () => {
  standin = await startMeshStandin({ port: 0, host: '127.0.0.1', sharedKey: KEY, mailboxes: { COUNCIL1: 'pw-council', HOSPITAL1: 'pw-hospital' } });
  hospital = new MeshClient({ baseUrl: standin.url, mailboxId: 'HOSPITAL1', password: 'pw-hospital', sharedKey: KEY });
});
afterAll(async () => standin?.close());

describe('sharedcare mesh poll', () => {
  it('applies a notice sent over MESH, acknowledges it, and never applies it twice', async () => {
    const sent = JSON.stringify(notice('mesh-1'));
    await hospital.send({ to: 'COUNCIL1', workflowId: 'ADW_NOTICE', body: sent });
    const first = await poll();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('1 downloaded, 1 applied');
    expect(await adwTaskCount()).toBe(1);
    // The same notice again (the hospital re-sent it): applied once only.
    await hospital.send({ to: 'COUNCIL1', workflowId: 'ADW_NOTICE', body: sent });
    const again = await poll();
    expect(again.code, again.stdout).toBe(0);
    expect(await adwTaskCount()).toBe(1);
    expect((await poll()).stdout).toContain('0 downloaded');
  });

  it('leaves a message that is not a notice in the mailbox, saying why', async () => {
    await hospital.send({ to: 'COUNCIL1', workflowId: 'ADW_NOTICE', body: JSON.stringify({ resourceType: 'Bundle', type: 'message', entry: [] }) });
    const res = await poll();
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('1 left in the mailbox');
    expect(res.stdout).toMatch(/not applied .*ADW_/);
  });

  it('refuses to run without its mailbox details', async () => {
    expect((await runCommand(runMeshCommand, ['poll', '--url', standin.url])).code).toBe(2);
  });
});
