// `sharedcare import fhir`, `sharedcare quarantine …` and `sharedcare lexicon unmapped`, run in-process
// against one data directory (or a private PostgreSQL schema on the PostgreSQL run).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImportFhirCommand } from '../../src/cli/import-fhir-command.ts';
import { runLexiconCommand } from '../../src/cli/lexicon-command.ts';
import { runQuarantineCommand } from '../../src/cli/quarantine-command.ts';
import { withCliPlatform } from '../../src/cli/cli-platform.ts';
import { recordUnmapped } from '../../src/ingest/lexicon.ts';
import { sourceResourceId } from '../../src/ingest/provenance.ts';
import { runCommand, useCliDatabase } from '../support/cli-database.ts';

const dir = useCliDatabase('ingest-cli');
const data = join(dir, 'data');

const run = (command: (args: string[]) => Promise<number>, args: string[]) => runCommand(command, [...args, '--data', data]);

describe('sharedcare import fhir / quarantine / lexicon', () => {
  let itemId: string;

  it('imports files, reports the counts, and exits 1 when something was quarantined', async () => {
    const file = join(dir, 'gp.ndjson');
    writeFileSync(file, [
      { resourceType: 'Patient', id: 'c1', name: [{ family: 'Cli' }] },
      { resourceType: 'Observation', id: 'c2', code: { text: 'no status' }, subject: { reference: 'Patient/c1' } },
    ].map((r) => JSON.stringify(r)).join('\n'));
    const first = await run(runImportFhirCommand, ['--source', 'gp-cli', file]);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/source gp-cli\): read 2 · applied 1 \(created 1, updated 0\) · unchanged 0 · quarantined 1/);
    const again = await run(runImportFhirCommand, ['--source', 'gp-cli', file]);
    expect(again.stdout).toMatch(/unchanged 1 · quarantined 1/);
    const id = sourceResourceId('gp-cli', 'Patient/c1', 'Patient');
    const stored = await withCliPlatform(data, (p) => p.repo.read('Patient', id));
    expect(stored.meta?.source).toBe('urn:sharedcare:source:gp-cli');
  });

  it('refuses bad usage with exit status 2', async () => {
    expect((await run(runImportFhirCommand, [])).code).toBe(2);
    expect((await run(runImportFhirCommand, ['--source', 'Bad Source', join(dir, 'gp.ndjson')])).code).toBe(2);
    expect((await run(runImportFhirCommand, [join(dir, 'missing.ndjson')])).stderr).toMatch(/No such file/);
    expect((await run(runQuarantineCommand, ['explode'])).code).toBe(2);
    expect((await run(runQuarantineCommand, ['list', '--status', 'lost'])).code).toBe(2);
    expect((await run(runLexiconCommand, [])).code).toBe(2);
  });

  it('lists and shows quarantined items', async () => {
    const list = await run(runQuarantineCommand, ['list', '--source', 'gp-cli', '--json']);
    const items = JSON.parse(list.stdout);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ source: 'gp-cli', channel: 'fhir', kind: 'Observation', origin: 'gp.ndjson:2', status: 'open' });
    expect(items[0].raw).toBeUndefined();
    itemId = items[0].id;
    const table = await run(runQuarantineCommand, ['list', '--source', 'gp-cli']);
    expect(table.stdout).toContain(`${itemId}\tgp-cli\tfhir\tObservation\tgp.ndjson:2\topen\t×1\tFHIR_VALIDATION at Observation.status`);
    const show = await run(runQuarantineCommand, ['show', itemId]);
    expect(show.stdout).toMatch(/raw:\n\{"resourceType":"Observation","id":"c2"/);
    expect(show.stdout).toMatch(/at Observation\.status/);
    expect((await run(runQuarantineCommand, ['show', '999999'])).code).toBe(2);
  });

  it('replays (still failing) and discards with a reason', async () => {
    const replay = await run(runQuarantineCommand, ['replay', itemId]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/replayed 0 · still failing 1 · skipped 0/);
    const bySource = await run(runQuarantineCommand, ['replay', '--source', 'gp-cli']);
    expect(bySource.stdout).toMatch(/still failing 1/);
    expect((await run(runQuarantineCommand, ['discard', itemId])).code).toBe(2);
    const discard = await run(runQuarantineCommand, ['discard', itemId, '--reason', 'observation re-sent by the GP']);
    expect([discard.code, discard.stdout.trim()]).toEqual([0, 'discarded 1']);
    const closed = JSON.parse((await run(runQuarantineCommand, ['list', '--source', 'gp-cli', '--status', 'discarded', '--json'])).stdout);
    expect(closed[0].reasons.at(-1)).toEqual({ code: 'INGEST_DISCARDED', message: 'observation re-sent by the GP' });
    expect((await run(runQuarantineCommand, ['discard', itemId, '--reason', 'again'])).code).toBe(2);
  });

  it('lists unmapped codes per source', async () => {
    await withCliPlatform(data, (p) => recordUnmapped(p.driver, 'council-cli', { 'urn:sharedcare:codelist:p:psr': { Z1: 4 } }));
    const res = await run(runLexiconCommand, ['unmapped', '--source', 'council-cli']);
    expect(res.stdout).toMatch(/^council-cli\turn:sharedcare:codelist:p:psr\tZ1\t4\t\d{4}-/);
    expect(JSON.parse((await run(runLexiconCommand, ['unmapped', '--source', 'nobody', '--json'])).stdout)).toEqual([]);
  });
});
