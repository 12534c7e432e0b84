// Replays a quarantined CSV row as if it had just arrived: read again with the profile and lexicon as
// they are now (a fixed ConceptMap, a corrected profile), its references checked again (the person may
// have arrived since), and applied through SourceWriter in a run of its own.
import { FhirError } from '../../fhir/errors.ts';
import { finishRun, ImportReport, startRun } from '../import-report.ts';
import { Lexicon } from '../lexicon.ts';
import type { QuarantinedItem, QuarantineReason, Replayer } from '../quarantine.ts';
import { SourceWriter } from '../source-writer.ts';
import { isRecordType } from '../social-care/records.ts';
import { applyRows } from './apply-rows.ts';
import { loadProfile, localSystemsOf } from './profile.ts';
import { bindHeader } from './read-row.ts';

function parseRaw(item: QuarantinedItem): Record<string, string> | undefined {
  try {
    const raw = JSON.parse(item.raw) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    return Object.values(raw).every((v) => typeof v === 'string') ? raw as Record<string, string> : undefined;
  } catch {
    return undefined;
  }
}

/** Replays one quarantined CSV row: undefined when it was applied, else the reasons it still fails. */
export const replayCsv: Replayer = async (item, ctx) => {
  if (!isRecordType(item.kind)) return [{ code: 'INGEST_CSV_RECORD_TYPE', message: `'${item.kind}' is not a record type` }];
  const raw = parseRaw(item);
  if (!raw || '#text' in raw || '#extra' in raw) {
    return [{ code: 'INGEST_CSV_SYNTAX', message: 'The row could not be split into its columns; correct the file and import it again' }];
  }
  try {
    // The lexicon as it is now; the import that kept the row back already installed the shipped maps.
    const profile = loadProfile(item.profile ?? 'generic', ctx.profileDirs);
    const lexicon = await Lexicon.load(ctx.repo, localSystemsOf(profile));
    const header = Object.keys(raw);
    const binding = bindHeader(profile, item.kind, header);
    const report = new ImportReport();
    const runId = await startRun(ctx.db, { source: item.source, channel: 'csv', origin: `replay of ${item.origin}`, profile: profile.name, recordType: item.kind });
    const writer = new SourceWriter(ctx.repo, item.source, runId);
    const result = await applyRows({ binding, translator: lexicon, writer, report, runId }, [{ origin: item.origin, values: header.map((h) => raw[h]!) }]);
    await finishRun(ctx.db, runId, report);
    return result.quarantine[0]?.reasons;
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    return err.issues.map((i): QuarantineReason => ({ code: i.id ?? err.code, message: i.message, ...(i.expression?.[0] ? { location: i.expression[0] } : {}) }));
  }
};
