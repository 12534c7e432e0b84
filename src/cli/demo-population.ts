// Loads the synthetic demo population on first start, through the same transaction processing
// that clients use, so the demo is also a smoke test of the write path.
import type { Bundle } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/errors.ts';
import { parseScopes } from '../server/auth/smart-scopes.ts';
import type { Principal } from '../server/auth/tokens.ts';
import type { FhirContext, FhirRequest } from '../server/fhir-request.ts';
import { dispatch } from '../server/router.ts';

export const SYSTEM_PRINCIPAL: Principal = { subject: 'sharedcare-system', scope: 'system/*.cruds', scopes: parseScopes('system/*.cruds') };

/** Posts one transaction or batch Bundle as the system; throws the entry error on failure. */
export async function postBundle(ctx: FhirContext, bundle: Bundle, baseUrl = 'urn:sharedcare'): Promise<Bundle> {
  const req: FhirRequest = {
    method: 'POST',
    segments: [],
    query: [],
    header: (name) => (name === 'prefer' ? 'return=minimal' : undefined),
    body: bundle,
    baseUrl,
    principal: SYSTEM_PRINCIPAL,
    requestId: 'demo-load',
  };
  const res = await dispatch(req, ctx);
  return res.body as Bundle;
}

export async function hasAnyPatient(ctx: FhirContext): Promise<boolean> {
  const request = ctx.repo.parseSearch('Patient', [['_count', '1'], ['_total', 'none']]);
  const result = await ctx.repo.search(request, { owner: SYSTEM_PRINCIPAL.subject });
  return result.matches.length > 0;
}

/** Loads bundles in order (shared organisations first); the shared bundle may PUT fixed ids. */
export async function loadBundles(ctx: FhirContext, bundles: Iterable<Bundle>): Promise<{ bundles: number; resources: number }> {
  const loaderCtx: FhirContext = { ...ctx, settings: { ...ctx.settings, allowUpdateCreate: true } };
  let count = 0;
  let resources = 0;
  for (const bundle of bundles) {
    try {
      await postBundle(loaderCtx, bundle);
    } catch (err) {
      if (err instanceof FhirError) throw new Error(`Bundle ${count} was refused: ${err.message}`);
      throw err;
    }
    count++;
    resources += bundle.entry?.length ?? 0;
  }
  return { bundles: count, resources };
}
