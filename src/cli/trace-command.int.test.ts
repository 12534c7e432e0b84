// `sharedcare trace`: says how to start the stand-in when no PDS is configured, refuses bad flags,
// traces the configured database's identity records against the stand-in on a real socket and
// prints the summary and CP-IS readiness; exits 1 when PDS cannot be reached.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, useCliDatabase } from '../../test/support/cli-database.ts';
import { pdsPerson, testNhsNumber } from '../../test/support/pds-people.ts';
import { CHILD_PROTECTION_PLAN_CODES, SNOMED_SYSTEM } from '../fhir/systems.ts';
import type { MatchRecord } from '../identity/match-types.ts';
import { PdsPopulation } from '../identity/pds/pds-population.ts';
import { type RunningPdsStandin, startPdsStandin } from '../identity/pds/pds-standin.ts';
import { withCliPlatform } from './cli-platform.ts';
import { runTraceCommand } from './trace-command.ts';

const dir = useCliDatabase('trace');
const data = join(dir, 'data');
const [CHILD, ADULT] = [testNhsNumber(1), testNhsNumber(2)];
let standin: RunningPdsStandin;
const savedPdsUrl = process.env.SHAREDCARE_PDS_URL;

beforeAll(async () => {
  delete process.env.SHAREDCARE_PDS_URL;
  standin = await startPdsStandin(new PdsPopulation([
    pdsPerson({ nhsNumber: CHILD, family: 'Reid', given: ['Mia'], birthDate: '2015-04-04', gender: 'female', postcode: 'NG5 1AA' }),
    pdsPerson({ nhsNumber: ADULT, family: 'Shaw', given: ['Tom'], birthDate: '1970-02-02', gender: 'male', postcode: 'NG5 2BB' }),
  ]));
  await withCliPlatform(data, async (platform) => {
    const child = await platform.repo.create({ resourceType: 'Patient', birthDate: '2015-04-04', name: [{ family: 'Reid', given: ['Mia'] }] });
    const childId = child.resource.id!;
    await platform.repo.create({ resourceType: 'Flag', status: 'active', period: { start: '2024-01-01' },
      code: { coding: [{ system: SNOMED_SYSTEM, code: CHILD_PROTECTION_PLAN_CODES.childProtectionPlan }] }, subject: { reference: `Patient/${childId}` } });
    const records: MatchRecord[] = [
      { id: childId, given: 'MIA', family: 'REID', birthDate: '2015-04-04', sex: 'F' },
      { id: 'adult', given: 'TOM', family: 'SHAW', birthDate: '1970-02-02', sex: 'M' },
      { id: 'stranger', given: 'ANN', family: 'NOBODY', birthDate: '1950-05-05', sex: 'F' },
    ];
    for (const r of records) {
      await platform.driver.query('INSERT INTO identity_record (patient_id, features) VALUES ($1, $2::jsonb)', [r.id, JSON.stringify(r)]);
    }
  });
});
afterAll(async () => {
  await standin.close();
  if (savedPdsUrl !== undefined) process.env.SHAREDCARE_PDS_URL = savedPdsUrl;
});

describe('runTraceCommand', () => {
  it('says how to start the stand-in when no PDS is configured', async () => {
    const { code, stdout, stderr } = await runCommand(runTraceCommand, ['--data', data]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('npx sharedcare serve --pds-standin');
    expect(stderr).toContain('npx sharedcare trace --pds http://localhost:8080/personal-demographics/FHIR/R4');
  });

  it.each([
    [['--limit', '0']], [['--limit', 'ten']], [['--threshold', '2']], [['--pds', 'ftp://example.org']],
  ])('refuses %j with exit code 2', async (args) => {
    const { code, stderr } = await runCommand(runTraceCommand, [...args, '--data', data]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/must be/);
  });

  it('prints the readiness figure without tracing when asked for it alone', async () => {
    const { code, stdout, stderr } = await runCommand(runTraceCommand, ['--readiness', '--data', data]);
    expect(code).toBe(0);
    expect(stderr).toContain('Not tracing');
    expect(stdout).toBe('CP-IS readiness: 0.0% of 1 children in scope have a verified NHS number (0) — below the 95% target\n');
  });

  it('traces against the stand-in and prints the summary and readiness', async () => {
    const { code, stdout } = await runCommand(runTraceCommand, ['--pds', standin.url, '--readiness', '--data', data]);
    expect(code).toBe(0);
    expect(stdout).toBe([
      `Traced 3 records against ${standin.url}: traced 2 · restricted 0 · multiple 0 · no-match 1 · conflict 0 · error 0`,
      'NHS number changed for 2 records: matched again, 0 now linked by it',
      'CP-IS readiness: 100.0% of 1 children in scope have a verified NHS number (1) — meets the 95% target',
    ].join('\n') + '\n');
    const limited = await runCommand(runTraceCommand, ['--pds', standin.url, '--limit', '1', '--data', data]);
    expect(limited.stdout).toMatch(/^Traced 1 record against /);
  });

  it('reads the PDS URL from SHAREDCARE_PDS_URL, and exits 1 when PDS cannot be reached', async () => {
    const closed = await startPdsStandin(new PdsPopulation([]));
    await closed.close();
    process.env.SHAREDCARE_PDS_URL = closed.url;
    try {
      const { code, stdout } = await runCommand(runTraceCommand, ['--data', data]);
      expect(code).toBe(1);
      expect(stdout).toContain(`against ${closed.url}`);
      // The child's traced number was matched in the earlier run, so it counts as verified now.
      expect(stdout).toMatch(/Traced 2 records .* error 2/);
    } finally {
      delete process.env.SHAREDCARE_PDS_URL;
    }
  });

  it('leaves a verified number PDS disagrees with unchanged and lists it for review', async () => {
    const held = testNhsNumber(3);
    await withCliPlatform(data, async (platform) => {
      const record: MatchRecord = { id: 'shaw-held', given: 'TOM', family: 'SHAW', birthDate: '1970-02-02', sex: 'M', nhsNumber: held, nhsVerified: true };
      await platform.driver.query('INSERT INTO identity_record (patient_id, features) VALUES ($1, $2::jsonb)', [record.id, JSON.stringify(record)]);
    });
    const { stdout } = await runCommand(runTraceCommand, ['--pds', standin.url, '--all', '--data', data]);
    expect(stdout).toMatch(/conflict 1/);
    expect(stdout).toContain('Verified NHS numbers PDS disagrees with, left unchanged for review:');
    expect(stdout).toMatch(new RegExp(`Patient/shaw-held holds ${held.slice(0, 3)} ${held.slice(3, 6)} ${held.slice(6)} as verified.*; PDS traces it to ${ADULT.slice(0, 3)} ${ADULT.slice(3, 6)} ${ADULT.slice(6)}`));
  });
});
