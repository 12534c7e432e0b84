// `sharedcare review …` and `sharedcare person …` run in-process against one data directory (or a
// private PostgreSQL schema): listing and showing candidates, deciding with a reason, showing a
// person, its history, and unlinking.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCliPlatform } from '../../src/cli/cli-platform.ts';
import { runPersonCommand } from '../../src/cli/person-command.ts';
import { runReviewCommand } from '../../src/cli/review-command.ts';
import { LinkStore } from '../../src/identity/links/link-store.ts';
import { runCommand, useCliDatabase } from '../support/cli-database.ts';
import { addSourcePatient, pairScore } from '../support/identity-records.ts';

const dir = useCliDatabase('identity-cli');
const data = join(dir, 'data');
const run = (command: (args: string[]) => Promise<number>, args: string[]) => runCommand(command, [...args, '--data', data]);

let leftPerson: string;
let candidates: string[];

beforeAll(async () => {
  await withCliPlatform(data, async (p) => {
    await addSourcePatient(p.repo, 'cli-a', { family: 'SMITH', given: 'JOHN', birthDate: '1970-01-01', nhsNumber: '9000000009', nhsVerified: true }, 'mosaic-test');
    await addSourcePatient(p.repo, 'cli-b', { family: 'SMYTH', given: 'JOHN', birthDate: '1970-01-01' }, 'pas-test');
    await addSourcePatient(p.repo, 'cli-c', { family: 'SMITH', given: 'JON', birthDate: '1970-01-10' }, 'pas-test');
    await p.repo.transaction(async (repo, sql) => {
      const links = new LinkStore(repo, sql);
      const persons = [links.newPersonId(), links.newPersonId(), links.newPersonId()];
      leftPerson = persons[0]!;
      await links.applyLinks(['cli-a', 'cli-b', 'cli-c'].map((patientId, i) => ({ patientId, personId: persons[i]!, kind: 'auto' as const, basis: 'sole' as const })), 'sharedcare:matcher');
      await links.upsertCandidates([pairScore('cli-a', 'cli-b', 7.25), pairScore('cli-a', 'cli-c', 2.5)]);
      candidates = (await links.listCandidates({ status: 'open', limit: 10, offset: 0 })).map((c) => c.id);
    });
  });
}, 120_000);

describe('sharedcare review', () => {
  it('lists open candidates as a table with both records side by side', async () => {
    const res = await run(runReviewCommand, ['list']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+WEIGHT\s+PROB\s+LEFT\s+RIGHT\s+REASON$/);
    expect(lines[1]).toMatch(new RegExp(`^${candidates[0]}\\s+7\\.25\\s+0\\.99\\d\\s+cli-a: SMITH, JOHN · 1970-01-01 · NHS 900 000 0009 ✓ · mosaic-test\\s+cli-b: SMYTH, JOHN · 1970-01-01 · pas-test\\s+Surname similar`));
    expect(lines).toHaveLength(3);
    expect(res.stderr).toMatch(/2 of 2 open candidate/);
    const json = JSON.parse((await run(runReviewCommand, ['list', '--limit', '1', '--json'])).stdout);
    expect(json.map((c: any) => c.id)).toEqual([candidates[0]]);
  });

  it('shows one candidate with the weight of each field', async () => {
    const res = await run(runReviewCommand, ['show', candidates[0]!]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/candidate \d+ · open · weight 7\.25 · probability 0\.99\d\d · probable/);
    expect(res.stdout).toMatch(/FIELD\s+LEVEL\s+WEIGHT\s+LEFT\s+RIGHT/);
    expect(res.stdout).toMatch(/name\s+jaro-winkler-0\.92\s+\+1\.25\s+SMITH\s+SMYTH/);
    expect(res.stdout).toMatch(/birthDate\s+exact\s+\+6\.00/);
  });

  it('needs a reason to decide, and refuses bad usage', async () => {
    expect((await run(runReviewCommand, ['link', candidates[0]!])).code).toBe(2);
    expect((await run(runReviewCommand, ['link', candidates[0]!, '--reason', '  '])).stderr).toMatch(/reason is required/);
    expect((await run(runReviewCommand, ['explode'])).code).toBe(2);
    expect((await run(runReviewCommand, ['list', '--status', 'maybe'])).code).toBe(2);
    expect((await run(runReviewCommand, ['show', 'abc'])).code).toBe(2);
    expect((await run(runReviewCommand, ['show', '999999'])).stderr).toMatch(/No review candidate 999999/);
  });

  it('links with a reason and a reviewer name, then refuses to decide again', async () => {
    const res = await run(runReviewCommand, ['link', candidates[0]!, '--reason', 'surname misspelt', '--by', 'ann']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`candidate ${candidates[0]} linked · both records now in Person/${leftPerson}`);
    const again = await run(runReviewCommand, ['reject', candidates[0]!, '--reason', 'no']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already linked by ann \(IDENTITY_CANDIDATE_DECIDED\)/);
    const shown = await run(runReviewCommand, ['show', candidates[0]!]);
    expect(shown.stdout).toMatch(/linked \S+ by ann: surname misspelt/);
  });

  it('rejects with a reason', async () => {
    const res = await run(runReviewCommand, ['reject', candidates[1]!, '--reason', 'different dates of birth']);
    expect(res.stdout).toContain(`candidate ${candidates[1]} rejected`);
    const list = await run(runReviewCommand, ['list', '--status', 'rejected']);
    expect(list.stdout).toContain('cli-c: SMITH, JON');
  });
});

describe('sharedcare person', () => {
  it('shows the members with their basis, kind and assurance', async () => {
    const res = await run(runPersonCommand, ['show', leftPerson]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^Person/${leftPerson} · active · Smith John · 1970-01-01 · NHS 9000000009 \\(official\\)`));
    expect(res.stdout).toMatch(/Patient\/cli-a\s+auto\s+sole\s+level1\s+sharedcare:matcher/);
    expect(res.stdout).toMatch(/Patient\/cli-b\s+manual\s+manual\s+level4\s+ann\s+surname misspelt/);
    expect((await run(runPersonCommand, ['show', 'nobody'])).code).toBe(2);
  });

  it('unlinks with a reason, and shows the history of the person and of the record', async () => {
    expect((await run(runPersonCommand, ['unlink', 'cli-b'])).code).toBe(2);
    const res = await run(runPersonCommand, ['unlink', 'cli-b', '--reason', 'twin', '--by', 'bob']);
    expect(res.code, res.stderr).toBe(0);
    const [, newPerson] = /into Person\/(\S+)/.exec(res.stdout)!;
    const history = await run(runPersonCommand, ['history', leftPerson]);
    const lines = history.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^#\s+AT\s+ACTION\s+RECORD\s+FROM\s+TO/);
    expect(lines[1]).toMatch(new RegExp(`unlink\\s+cli-b\\s+${leftPerson}\\s+${newPerson}\\s+manual\\s+sole\\s+bob\\s+twin`));
    expect(lines[2]).toMatch(/merge\s+cli-b/);
    const byRecord = await run(runPersonCommand, ['history', '--patient', 'cli-b', '--json']);
    expect(JSON.parse(byRecord.stdout).map((h: any) => h.action)).toEqual(['unlink', 'merge', 'link']);
    expect((await run(runPersonCommand, ['history'])).code).toBe(2);
    const alone = await run(runPersonCommand, ['unlink', 'cli-b', '--reason', 'again']);
    expect([alone.code, alone.stderr]).toEqual([1, expect.stringMatching(/only record/)]);
  });
});
