// $import: POST [base]/$import[?source=S] with an NDJSON body (application/fhir+ndjson, streamed) or a
// Bundle, imported as `sharedcare import fhir` would, answering the run's counts as Parameters.
import type { Bundle, Parameters, Resource } from '@medplum/fhirtypes';
import { Readable } from 'node:stream';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { importBundle, importFhir, type ImportFhirResult } from '../../ingest/fhir/import-fhir.ts';
import { requireIngestAccess } from '../auth/access.ts';
import type { Interaction } from '../fhir-request.ts';
import { operationInput } from './operation-input.ts';
import { serverTransaction } from './server-transaction.ts';

const NDJSON_TYPES = /^(application\/fhir\+ndjson|application\/x-ndjson|application\/ndjson)\b/;

/** An import's report as Parameters: run id, source, and the counts that always add up. */
export function importReportParameters(result: ImportFhirResult): Parameters {
  const c = result.report.counts;
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'run', valueString: result.runId },
      { name: 'source', valueString: result.source },
      ...(['read', 'created', 'updated', 'unchanged', 'quarantined'] as const).map((name) => ({ name, valueInteger: c[name] })),
      { name: 'summary', valueString: result.report.summary() },
    ],
  };
}

export const importFhirOperation: Interaction = async (req, ctx) => {
  requireIngestAccess(req.principal);
  const source = operationInput({ ...req, body: undefined }).string('source');
  const options = { ...(source ? { source } : {}), runTransaction: serverTransaction(req, ctx), name: 'upload' };
  const body = req.body;
  let result: ImportFhirResult;
  if (body instanceof Readable) {
    if (!NDJSON_TYPES.test(req.header('content-type') ?? '')) {
      body.resume();
      throw new FhirError('unsupported-media', 'INGEST_FHIR_MEDIA_TYPE', 'Send NDJSON as application/fhir+ndjson, or a Bundle as application/fhir+json');
    }
    result = await importFhir(ctx.ingest, body, { ...options, format: 'ndjson' });
  } else if (typeof body === 'object' && body !== null && typeof (body as Resource).resourceType === 'string') {
    result = await importBundle(ctx.ingest, body as Bundle, options);
  } else {
    throw invalid('INGEST_FHIR_BODY', '$import needs an NDJSON body or a Bundle', 'body');
  }
  return { status: 200, body: importReportParameters(result) };
};
