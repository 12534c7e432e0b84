// When the store refuses a batch, the rows are written one by one so only the refused row is kept
// back (with the store's reason); a failure that is not a refusal stops the import instead.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { ImportReport } from '../import-report.ts';
import type { MappedRecord, SourceWriter } from '../source-writer.ts';
import { applyRows, type PendingRow } from './apply-rows.ts';
import { loadProfile } from './profile.ts';
import { bindHeader } from './read-row.ts';

const profile = loadProfile('generic', [join(import.meta.dirname, '../../../profiles')]);
const header = ['clientId', 'givenName1', 'familyName', 'gender', 'birthDate'];
const binding = bindHeader(profile, 'person', header);
const rows: PendingRow[] = ['OK1', 'BAD', 'OK2'].map((id, i) => ({ origin: `p.csv:${i + 2}`, values: [id, 'Al', 'Ng', 'male', '1960-01-01'] }));
const noCodes = { translate: () => undefined };

function fakeWriter(fail: (records: readonly MappedRecord[]) => Error | undefined) {
  const calls: string[][] = [];
  const writer = {
    source: 'fake-source',
    known: async () => new Set<string>(),
    apply: async (records: readonly MappedRecord[]) => {
      calls.push(records.map((r) => r.localId));
      const err = fail(records);
      if (err) throw err;
      return records.map(() => 'created' as const);
    },
  };
  return { writer: writer as unknown as SourceWriter, calls };
}

describe('applyRows', () => {
  it('retries a refused batch row by row and quarantines only the refused row, with the store\'s reason', async () => {
    const { writer, calls } = fakeWriter((records) => {
      const i = records.findIndex((r) => r.localId === 'BAD');
      if (i < 0) return undefined;
      const err = new FhirError('invalid', 'FHIR_VALIDATION', 'Invalid value', 'Patient.name[0].family');
      err.entryIndex = i;
      return err;
    });
    const report = new ImportReport();
    const result = await applyRows({ binding, translator: noCodes, writer, report, runId: '1' }, rows);
    expect(calls).toEqual([['OK1', 'BAD', 'OK2'], ['OK1'], ['BAD'], ['OK2']]);
    expect(report.counts).toMatchObject({ read: 3, created: 2, quarantined: 1 });
    expect(result.quarantine).toEqual([expect.objectContaining({ origin: 'p.csv:3', kind: 'person', profile: 'generic', runId: '1',
      reasons: [{ code: 'FHIR_VALIDATION', message: 'The store refused the record: Invalid value', location: 'Patient.name[0].family' }] })]);
    expect(result.quarantinedIds).toEqual(['BAD']);
    expect(JSON.parse(result.quarantine[0]!.raw)).toEqual({ clientId: 'BAD', givenName1: 'Al', familyName: 'Ng', gender: 'male', birthDate: '1960-01-01' });
  });

  it('a failure that is not a refusal (the database went away) propagates instead of quarantining rows', async () => {
    const { writer } = fakeWriter(() => new Error('connection terminated'));
    await expect(applyRows({ binding, translator: noCodes, writer, report: new ImportReport(), runId: '1' }, rows)).rejects.toThrow('connection terminated');
    const busy = fakeWriter(() => new FhirError('busy', 'STORE_BUSY', 'Too many writers'));
    await expect(applyRows({ binding, translator: noCodes, writer: busy.writer, report: new ImportReport(), runId: '1' }, rows)).rejects.toThrow('Too many writers');
  });
});
