// File import: every way messages are laid out in files is read the same, each message is counted
// once (applied, unchanged or quarantined), and the run is recorded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Encounter } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testIngestContext } from '../../../test/support/test-database.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceResourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import type { AdtEvent } from './adt-codes.ts';
import { writeAdtMessage } from './adt-writer.ts';
import { importHl7File } from './import-hl7-file.ts';

let db: TestDatabase;
let ctx: IngestContext;
const dir = mkdtempSync(join(tmpdir(), 'sharedcare-hl7-file-'));

beforeAll(async () => {
  db = await openTestDatabase();
  ctx = testIngestContext(db.driver);
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

function messages(prefix: string): string[] {
  const one = (event: AdtEvent, sent: string, nhsNumber = '9990000042') => writeAdtMessage({
    event, controlId: `${prefix}-${event}`, sendingFacility: 'RK5', sent,
    patient: { mrn: `${prefix}-MRN`, nhsNumber, family: 'Evans', given: ['Rhys'], birthDate: '19700101', sex: 'M' },
    visit: { number: `${prefix}-V`, patientClass: 'I', ward: 'W1', ...(event === 'A03' ? { destination: '19' } : {}) },
  });
  return [one('A01', '20240801090000'), one('A03', '20240803090000'), one('A08', '20240803100000', '9990000043')];
}

const layouts: Record<string, (ms: string[]) => string> = {
  'CR segments, LF between messages': (ms) => ms.map((m) => `${m}\n`).join(''),
  'LF segments, blank line between messages': (ms) => ms.map((m) => m.replaceAll('\r', '\n')).join('\n\n'),
  'CRLF segments, no separator but the next MSH': (ms) => ms.map((m) => `${m.replaceAll('\r', '\r\n')}\r\n`).join(''),
  'MLLP framing': (ms) => ms.map((m) => `\u000b${m}\r\u001c\r`).join(''),
};

describe(`importHl7File on ${DRIVER_NAME}`, () => {
  for (const [i, [layout, render]] of Object.entries(layouts).entries()) {
    it(`reads ${layout}`, async () => {
      const file = join(dir, `feed-${i}.hl7`);
      writeFileSync(file, render(messages(`F${i}`)));
      const report = await importHl7File(ctx, file);
      expect(report.counts).toMatchObject({ read: 3, created: 1, updated: 1, unchanged: 0, quarantined: 1 });
      expect(report.balanced()).toBe(true);
      const encounter = await ctx.repo.read('Encounter', sourceResourceId('epr-rk5', `visit/F${i}-V`, 'Encounter')) as Encounter;
      expect(encounter.status).toBe('finished');
      const [item] = (await new Quarantine(db.driver).list({ channel: 'hl7' })).filter((q) => q.origin.includes(`F${i}-A08`));
      expect(item?.origin).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ PAS\\^RK5/F${i}-A08$`));
    });
  }

  it('counts a second import of the same file as unchanged and quarantined, and records both runs', async () => {
    const file = join(dir, 'again.hl7');
    writeFileSync(file, messages('AG').join('\n'));
    await importHl7File(ctx, file);
    const again = await importHl7File(ctx, file);
    expect(again.counts).toMatchObject({ read: 3, created: 0, updated: 0, unchanged: 2, quarantined: 1 });
    const { rows } = await db.driver.query<{ counts: { read: number }; finished: boolean }>(
      'SELECT counts, finished_at IS NOT NULL AS finished FROM ingest_run WHERE origin = $1 ORDER BY id', [file]);
    expect(rows.map((r) => [r.counts.read, r.finished])).toEqual([[3, true], [3, true]]);
  });

  it('applies a --source override to every message', async () => {
    const file = join(dir, 'override.hl7');
    writeFileSync(file, messages('OV').slice(0, 1).join('\n'));
    await importHl7File(ctx, file, { source: 'pas-test' });
    await expect(ctx.repo.read('Encounter', sourceResourceId('pas-test', 'visit/OV-V', 'Encounter'))).resolves.toMatchObject({ status: 'in-progress' });
  });

  it('rejects a file that does not exist', async () => {
    await expect(importHl7File(ctx, join(dir, 'missing.hl7'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
