// $import-csv: POST [base]/$import-csv?source=S&profile=P[&recordType=T][&mode=full|incremental][&missing=end|flag|keep]
// with a text/csv body (streamed), imported as `sharedcare import csv` would, answering the run's
// report as Parameters. See: docs/ingest/csv.md
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { Readable } from 'node:stream';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { importCsv, type ImportCsvResult, type ImportMode } from '../../ingest/csv/import-csv.ts';
import type { MissingRule } from '../../ingest/csv/missing-rule.ts';
import { requireIngestAccess } from '../auth/access.ts';
import type { Interaction } from '../fhir-request.ts';
import { operationInput } from './operation-input.ts';

/** The run's report: counts that always add up, records missing from a full extract, and unmapped codes. */
export function csvReportParameters(result: ImportCsvResult): Parameters {
  const c = result.report.counts;
  const unmapped: ParametersParameter[] = Object.entries(c.unmapped).flatMap(([system, codes]) => Object.entries(codes).map(([code, n]) => ({
    name: 'unmapped', part: [{ name: 'system', valueUri: system }, { name: 'code', valueCode: code }, { name: 'count', valueInteger: n }],
  })));
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'run', valueString: result.runId },
      { name: 'source', valueString: result.source },
      { name: 'profile', valueString: result.profile },
      { name: 'recordType', valueCode: result.recordType },
      { name: 'mode', valueCode: result.mode },
      ...(['read', 'created', 'updated', 'unchanged', 'quarantined', 'missing'] as const).map((name) => ({ name, valueInteger: c[name] })),
      ...unmapped,
      { name: 'summary', valueString: result.report.summary() },
    ],
  };
}

export const importCsvOperation: Interaction = async (req, ctx) => {
  const body = req.body;
  const drain = () => { if (body instanceof Readable) body.resume(); };
  try {
    requireIngestAccess(req.principal);
    if (!(body instanceof Readable) || !/^text\/csv\b/.test(req.header('content-type') ?? '')) {
      throw new FhirError('unsupported-media', 'INGEST_CSV_MEDIA_TYPE', 'Send the extract as text/csv');
    }
    const input = operationInput({ ...req, body: undefined });
    const source = input.string('source');
    const profile = input.string('profile');
    if (!source) throw invalid('INGEST_CSV_SOURCE', 'source is required: the council system the extract came from (e.g. mosaic-hackney)', 'source');
    if (!profile) throw invalid('INGEST_CSV_PROFILE', 'profile is required: the CSV profile to read it with (e.g. mosaic-example)', 'profile');
    const recordType = input.string('recordType');
    const result = await importCsv(ctx.ingest, body, {
      source, profile, origin: input.string('filename') ?? 'upload',
      ...(recordType ? { recordType } : {}),
      ...(input.string('mode') ? { mode: input.string('mode') as ImportMode } : {}),
      ...(input.string('missing') ? { missingRule: input.string('missing') as MissingRule } : {}),
    });
    return { status: 200, body: csvReportParameters(result) };
  } catch (err) {
    // Refused before reading: the rest of the body is discarded so the connection can answer.
    drain();
    throw err;
  }
};
