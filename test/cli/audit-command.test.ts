// `sharedcare audit …` in-process against one data directory (or a private PostgreSQL schema):
// verify's exit codes on an intact and a tampered chain, the head and its anchor, reports and reviews.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAuditCommand } from '../../src/cli/audit-command.ts';
import { withCliPlatform } from '../../src/cli/cli-platform.ts';
import { appendAudit } from '../../src/governance/audit/audit-log.ts';
import { accessRecord } from '../support/audit-records.ts';
import { runCommand, useCliDatabase } from '../support/cli-database.ts';

const dir = useCliDatabase('audit-cli');
const data = join(dir, 'data');
const run = (args: string[]) => runCommand(runAuditCommand, [...args, '--data', data]);

beforeAll(async () => {
  await withCliPlatform(data, async ({ driver }) => {
    await driver.transaction((tx) => appendAudit(tx, accessRecord({ recorded: new Date('2025-06-02T09:00:00Z'), patients: ['Patient/cli-p1'] })));
    await driver.transaction((tx) => appendAudit(tx, accessRecord({
      recorded: new Date('2025-06-03T09:00:00Z'), purposeOfUse: 'BTG', basis: 'break-glass', reason: 'Found unconscious', patients: ['Patient/cli-p1'],
    })));
  });
}, 120_000);

describe('sharedcare audit', () => {
  let anchor: string;

  it('verify: exit 0 on an intact chain; head prints SEQ:HASH', async () => {
    const res = await run(['verify']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/audit trail intact: 2 event\(s\), head 2 [0-9a-f]{64}/);
    const head = await run(['head']);
    anchor = head.stdout.trim();
    expect(anchor).toMatch(/^2:[0-9a-f]{64}$/);
    expect((await run(['verify', '--anchor', anchor])).code).toBe(0);
    expect((await run(['verify', '--anchor', 'nonsense'])).code).toBe(2);
  });

  it('report access-log and break-glass as a table or JSON; reports are audited', async () => {
    const table = await run(['report', 'access-log', '--patient', 'cli-p1']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SEQ\s+RECORDED\s+AGENT\s+NAME\s+ROLE\s+ORGANIZATION\s+KIND\s+PURPOSE\s+BASIS\s+INTERACTION\s+OUTCOME\s+PATIENT$/);
    expect(lines[1]).toMatch(/^2\s+2025-06-03T09:00:00.000Z\s+sw-0001\s+Sam Worker\s+R8014\s+E10000024\s+user\s+BTG\s+break-glass\s+read\s+success\s+Patient\/cli-p1$/);
    expect(lines).toHaveLength(3);
    const json = JSON.parse((await run(['report', 'break-glass', '--format', 'json'])).stdout);
    expect(json.rows).toEqual([expect.objectContaining({ seq: '2', reason: 'Found unconscious', review: 'pending' })]);
    expect((await run(['report', 'nonsense'])).code).toBe(2);
    // Each report run appended its own event (seq 3 and 4), naming the patient it was about.
    const audited = JSON.parse((await run(['report', 'access-log', '--patient', 'cli-p1', '--format', 'json', '--since', '2026-01-01'])).stdout);
    expect(audited.rows.map((r: any) => r.interaction)).toEqual(['$audit-report']);
  });

  it('review records a judgement, shown in the break-glass report', async () => {
    expect((await run(['review', '2', '--outcome', 'maybe', '--note', 'x'])).code).toBe(2);
    const res = await run(['review', '2', '--outcome', 'appropriate', '--note', 'Ambulance crew record', '--by', 'po-1']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^AuditEvent\/2 reviewed appropriate by po-1 at /);
    expect((await run(['review', '999', '--outcome', 'appropriate', '--note', 'x'])).code).toBe(1);
    const json = JSON.parse((await run(['report', 'break-glass', '--format', 'json'])).stdout);
    expect(json.rows[0]).toMatchObject({ review: 'appropriate', reviewer: 'po-1', reviewNote: 'Ambulance crew record' });
  });

  it('verify: exit 1 naming the first broken seq after a superuser edit', async () => {
    await withCliPlatform(data, async ({ driver }) => {
      await driver.exec("ALTER TABLE audit_event DISABLE TRIGGER ALL; UPDATE audit_event SET event = replace(event, 'Found unconscious', 'Routine') WHERE seq = 2; ALTER TABLE audit_event ENABLE TRIGGER ALL");
    });
    const res = await run(['verify']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/audit trail BROKEN from seq 2/);
    expect(res.stderr).toMatch(/hash-mismatch at 2/);
    const json = JSON.parse((await run(['verify', '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, firstBroken: '2' });
  });
});
