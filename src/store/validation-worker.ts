// Worker thread body: validates batches of resources off the main thread, so a large
// transaction Bundle does not block other requests. Loaded by validation-pool.ts.
import { parentPort } from 'node:worker_threads';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../fhir/definitions.ts';
import { FhirError, type Issue } from '../fhir/errors.ts';
import { assertValidResource } from '../fhir/validate.ts';

export interface ValidationRequest {
  id: number;
  resources: Resource[];
}

export interface ValidationReply {
  id: number;
  /** One entry per resource: null when valid, else its issues. */
  results?: Array<Issue[] | null>;
  error?: string;
}

loadDefinitions();
parentPort!.on('message', (request: ValidationRequest) => {
  try {
    const results = request.resources.map((resource) => {
      try {
        assertValidResource(resource);
        return null;
      } catch (err) {
        if (err instanceof FhirError) return err.issues;
        throw err;
      }
    });
    parentPort!.postMessage({ id: request.id, results } satisfies ValidationReply);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message } satisfies ValidationReply);
  }
});
