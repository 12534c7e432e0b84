// Transaction-bundle ingest: in-process through the FHIR router (postBundle, as the demo loader
// does) and over HTTP to the listening server (fetch POST /fhir, as clients do).
import type { Bundle } from '@medplum/fhirtypes';
import { postBundle } from '../src/cli/demo-population.ts';
import type { FhirContext } from '../src/server/fhir-request.ts';
import { resourcesIn } from './dataset.ts';
import { runClients, type ThroughputStats } from './measure.ts';

export interface HttpTarget {
  /** e.g. http://127.0.0.1:41234/fhir */
  fhirBase: string;
  token: string;
}

export interface IngestResult extends ThroughputStats {
  mode: 'in-process' | 'http';
  method: string;
}

/** Posts each Bundle with `postBundle` (system principal, Prefer: return=minimal). */
export async function ingestInProcess(ctx: FhirContext, bundles: readonly Bundle[], clients: number): Promise<IngestResult> {
  const stats = await runClients(bundles, clients, resourcesIn, async (bundle) => {
    await postBundle(ctx, bundle);
  });
  return {
    mode: 'in-process',
    method: `${bundles.length} transaction Bundles (one per person) via postBundle → router → repository, ${clients} concurrent caller(s); wall time from first call to last answer`,
    ...stats,
  };
}

export interface PreparedBody {
  body: string;
  resources: number;
}

/** Serialises the Bundles before timing: a client posting files has its JSON already. */
export function prepareBodies(bundles: readonly Bundle[]): PreparedBody[] {
  return bundles.map((b) => ({ body: JSON.stringify(b), resources: resourcesIn(b) }));
}

export async function postOverHttp(target: HttpTarget, body: string): Promise<void> {
  const res = await fetch(target.fhirBase, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', authorization: `Bearer ${target.token}` },
    body,
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /fhir answered ${res.status}: ${text.slice(0, 300)}`);
}

/** POSTs each Bundle over keep-alive HTTP with no Prefer header (the response carries every resource). */
export async function ingestHttp(target: HttpTarget, bodies: readonly PreparedBody[], clients: number): Promise<IngestResult> {
  const stats = await runClients(bodies, clients, (b) => b.resources, (b) => postOverHttp(target, b.body));
  return {
    mode: 'http',
    method:
      `${bodies.length} transaction Bundles POSTed to /fhir (fetch/undici keep-alive, bearer token, no Prefer header so the ` +
      `server returns full resources), ${clients} concurrent client(s); client and server share this Node process`,
    ...stats,
  };
}
