// `sharedcare import hl7`: refuses bad flags with exit code 2, imports files into the configured
// database (embedded, or a private schema of the PostgreSQL test server) and prints each file's counts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useCliDatabase } from '../../test/support/cli-database.ts';
import { writeAdtMessage } from '../ingest/hl7/adt-writer.ts';
import { runImportHl7Command } from './import-hl7-command.ts';

const dir = useCliDatabase('import-hl7');

function feed(name: string): string {
  const message = (event: 'A01' | 'A03', controlId: string, nhsNumber: string) => writeAdtMessage({
    event, controlId, sendingFacility: 'RK5', sent: event === 'A01' ? '20240901090000' : '20240903090000',
    patient: { mrn: 'RK5500001', nhsNumber, family: 'Hughes', given: ['Ffion'], birthDate: '19550505', sex: 'F' },
    visit: { number: 'CLI-V1', patientClass: 'I', ward: 'W1' },
  });
  const file = join(dir, name);
  writeFileSync(file, [message('A01', 'CLI-1', '9990000050'), message('A03', 'CLI-2', '9990000050'), message('A03', 'CLI-3', '9990000051')].join('\n'));
  return file;
}

describe('runImportHl7Command', () => {
  let stdout: string[];
  let stderr: string[];

  beforeEach(() => {
    stdout = [];
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('imports a file and prints its counts; a second run finds everything already there', async () => {
    const file = feed('feed.hl7');
    const data = join(dir, 'data');
    expect(await runImportHl7Command([file, '--data', data])).toBe(0);
    expect(stdout.join('')).toBe(`${file}: read 3 · applied 2 (created 1, updated 1) · unchanged 0 · quarantined 1\n`);
    stdout.length = 0;
    expect(await runImportHl7Command([file, file, '--data', data])).toBe(0);
    expect(stdout.join('')).toBe([
      `${file}: read 3 · applied 0 (created 0, updated 0) · unchanged 2 · quarantined 1`,
      `${file}: read 3 · applied 0 (created 0, updated 0) · unchanged 2 · quarantined 1`,
      'total: read 6 · applied 0 (created 0, updated 0) · unchanged 4 · quarantined 2',
    ].join('\n') + '\n');
  });

  it('returns 1 and says so when a file cannot be read', async () => {
    const missing = join(dir, 'nope.hl7');
    expect(await runImportHl7Command([missing, '--data', join(dir, 'data')])).toBe(1);
    expect(stderr.join('')).toBe(`${missing}: not imported (no such file)\n`);
  });

  it('refuses a missing file argument, a malformed source id and an unknown encoding with exit code 2', async () => {
    expect(await runImportHl7Command([])).toBe(2);
    expect(await runImportHl7Command(['x.hl7', '--source', 'EPR RK5'])).toBe(2);
    expect(await runImportHl7Command(['x.hl7', '--encoding', 'ebcdic'])).toBe(2);
    expect(stderr.join('')).toMatch(/Name at least one file[\s\S]*--source must be[\s\S]*--encoding must be/);
  });
});
