// Replays a quarantined FHIR item as if it had just arrived: a resource (an NDJSON line or a Bundle
// entry) through the same preparation and SourceWriter as an import, a transaction Bundle whole
// through the server's transaction processing.
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import { ImportReport, startRun } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';
import type { QuarantinedItem, QuarantineReason, Replayer } from '../quarantine.ts';
import { entryItem, FhirImporter, type RunTransaction, UNSOURCED, withMetaSource } from './fhir-importer.ts';
import { reasonsOf } from './prepare-resource.ts';

/** What a FHIR replay may need beyond the ingest context: the server's transaction processing. */
export interface FhirReplayContext extends IngestContext {
  runTransaction?: RunTransaction;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function replayBundle(item: QuarantinedItem, source: string | undefined, runTransaction?: RunTransaction): Promise<QuarantineReason[] | undefined> {
  const bundle = parse(item.raw) as Bundle | undefined;
  if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
    return [{ code: 'INGEST_FHIR_BUNDLE_TYPE', message: `A ${String(bundle?.type)} Bundle is not imported whole; only transaction Bundles are`, location: 'Bundle.type' }];
  }
  if (!runTransaction) return [{ code: 'INGEST_FHIR_TRANSACTION', message: 'Transaction Bundles are replayed through the server', location: 'Bundle.type' }];
  try {
    await runTransaction(source ? withMetaSource(bundle, source) : bundle);
    return undefined;
  } catch (err) {
    if (err instanceof FhirError) return reasonsOf(err);
    throw err;
  }
}

/** Replays one quarantined FHIR item: undefined when it was applied, else the reasons it still fails. */
export const replayFhir: Replayer = async (item, ctx) => {
  const source = item.source === UNSOURCED ? undefined : item.source;
  if (item.profile === 'bundle') return replayBundle(item, source, (ctx as FhirReplayContext).runTransaction);
  const runId = item.runId ?? (await startRun(ctx.db, { source: item.source, channel: 'fhir', origin: `replay of ${item.origin}` }));
  const importer = new FhirImporter(ctx, { ...(source ? { source } : {}), runId, report: new ImportReport() });
  const value = parse(item.raw);
  const incoming = item.profile === 'entry'
    ? entryItem((value ?? {}) as BundleEntry, item.raw, item.origin)
    : { value, raw: item.raw, origin: item.origin, ...(value === undefined ? { unreadable: { code: 'INGEST_FHIR_JSON', message: 'The text is not valid JSON' } } : {}) };
  const [result] = await importer.process([incoming]);
  return result && 'outcome' in result ? undefined : result?.reasons;
};
