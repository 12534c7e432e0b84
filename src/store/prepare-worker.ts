// Worker thread body: validates resources and extracts their index rows off the main thread, so
// a large transaction Bundle neither blocks other requests nor waits on one core. See prepare-pool.ts.
import { parentPort } from 'node:worker_threads';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../fhir/definitions.ts';
import { FhirError, type Issue } from '../fhir/errors.ts';
import { createSearchParamRegistry } from '../fhir/search-parameters.ts';
import { assertValidResource } from '../fhir/validate.ts';
import { extractIndexRows, type IndexRows } from './index-rows.ts';

export interface PrepareRequest {
  id: number;
  resources: Resource[];
}

/** Per resource: its index rows, or the issues that make it invalid. */
export type PrepareResult = { rows: IndexRows } | { issues: Issue[] };

export interface PrepareReply {
  id: number;
  results?: PrepareResult[];
  error?: string;
}

const definitions = loadDefinitions();
const registry = createSearchParamRegistry(definitions);

function prepare(resource: Resource): PrepareResult {
  try {
    assertValidResource(resource);
  } catch (err) {
    if (err instanceof FhirError) return { issues: err.issues };
    throw err;
  }
  const compartment = definitions.patientCompartmentParams(resource.resourceType);
  return { rows: extractIndexRows(resource as unknown as Record<string, unknown>, registry, compartment) };
}

parentPort!.on('message', (request: PrepareRequest) => {
  try {
    parentPort!.postMessage({ id: request.id, results: request.resources.map(prepare) } satisfies PrepareReply);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message } satisfies PrepareReply);
  }
});
