// Lets imports and replays run a transaction Bundle through the server's own transaction processing
// (ingest may not import server/), as the calling principal, all or nothing.
import type { Bundle } from '@medplum/fhirtypes';
import type { RunTransaction } from '../../ingest/fhir/fhir-importer.ts';
import type { FhirContext, FhirRequest } from '../fhir-request.ts';
import { dispatch } from '../router.ts';

/** A RunTransaction that POSTs the Bundle to the FHIR base as `req`'s principal; a refusal rejects with its FhirError. */
export function serverTransaction(req: FhirRequest, ctx: FhirContext): RunTransaction {
  return async (bundle: Bundle) => {
    const res = await dispatch({
      ...req,
      method: 'POST',
      segments: [],
      query: [],
      body: bundle,
      header: (name) => (name === 'prefer' ? 'return=minimal' : undefined),
    }, ctx);
    return res.body as Bundle;
  };
}
