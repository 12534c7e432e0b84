// `sharedcare import csv`, run in-process against one data directory (or a private PostgreSQL schema on
// the PostgreSQL run): files in record-type order, the report per file, exit codes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImportCsvCommand } from '../../src/cli/import-csv-command.ts';
import { runCommand, useCliDatabase } from '../support/cli-database.ts';

const dir = useCliDatabase('csv-cli');
const data = join(dir, 'data');

const run = (args: string[]) => runCommand(runImportCsvCommand, [...args, '--data', data]);

describe('sharedcare import csv', () => {
  const extract = join(dir, 'extract');
  mkdirSync(extract, { recursive: true });
  // Flags name people, so the people file must go first whatever the names sort as.
  writeFileSync(join(extract, 'A_MOSAIC_FLAGS_20250630.csv'), 'FLAG_ID,PERSON_ID,FLAG_TYPE,START_DATE\nF1,P1,CPP,01/05/2025\n');
  writeFileSync(join(extract, 'MOSAIC_PERSONS_20250630.csv'), 'PERSON_ID,FORENAME,SURNAME,GENDER,DATE_OF_BIRTH\nP1,Kai,Moss,M,04/04/2015\n');

  it('imports a folder in record-type order and exits 0 when every row applied', async () => {
    const { code, stdout } = await run(['--source', 'mosaic-cli', '--profile', 'mosaic-example', extract]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/MOSAIC_PERSONS_20250630\.csv \(person, run \d+\): read 1 · applied 1/);
    expect(lines[1]).toMatch(/A_MOSAIC_FLAGS_20250630\.csv \(flag, run \d+\): read 1 · applied 1/);
  });

  it('exits 1 with the quarantine count and how to list it when rows were kept back', async () => {
    const file = join(dir, 'MOSAIC_PERSONS_20250701.csv');
    writeFileSync(file, 'PERSON_ID,FORENAME,SURNAME,GENDER,DATE_OF_BIRTH,NHS_NUMBER\nP2,Ada,Moss,F,04/04/2016,1234567890\nP1,Kai,Moss,M,04/04/2015,\n');
    const { code, stdout } = await run(['--source', 'mosaic-cli', '--profile', 'mosaic-example', '--full', '--missing', 'keep', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/read 2 · applied 0 \(created 0, updated 0\) · unchanged 1 · quarantined 1/);
    expect(stdout).toContain('1 row quarantined. List them with: sharedcare quarantine list --source mosaic-cli --channel csv');
  });

  it('exits 2 for bad flags, an unknown profile, a missing file, or a file it cannot read', async () => {
    expect((await run(['--profile', 'generic', extract])).code).toBe(2);
    expect((await run(['--source', 'x-town', '--profile', 'generic'])).stderr).toMatch(/at least one file/);
    expect((await run(['--source', 'x-town', '--profile', 'generic', '--missing', 'end', extract])).stderr).toMatch(/--full/);
    expect((await run(['--source', 'x-town', '--profile', 'generic', '--record-type', 'visit', extract])).code).toBe(2);
    expect((await run(['--source', 'x-town', '--profile', 'nope', extract])).stderr).toMatch(/No CSV profile named 'nope'/);
    expect((await run(['--source', 'x-town', '--profile', 'generic', join(dir, 'missing.csv')])).code).toBe(2);
    const headerless = join(dir, 'flag.csv');
    writeFileSync(headerless, 'flagId,personId\nF1,P1\n');
    const res = await run(['--source', 'x-town', '--profile', 'generic', headerless]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/lacks the columns flagType, startDate/);
  });
});
