// Maps the product's errors onto HTTP statuses and OperationOutcome bodies, at the edge only.
// Never includes stack traces, SQL or parameter values.
import type { OperationOutcome } from '@medplum/fhirtypes';
import { FhirError, type ErrorCategory, type Issue } from '../fhir/errors.ts';

const STATUS: Record<ErrorCategory, number> = {
  invalid: 400,
  'not-found': 404,
  gone: 410,
  conflict: 409,
  precondition: 412,
  forbidden: 403,
  unauthenticated: 401,
  unsupported: 400,
  'unsupported-media': 415,
  'not-allowed': 405,
  'not-acceptable': 406,
  'too-large': 413,
  busy: 503,
  fault: 500,
};

export function statusOf(category: ErrorCategory): number {
  return STATUS[category];
}

export function operationOutcome(issues: readonly Issue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: i.severity,
      code: i.code as 'invalid',
      ...(i.id ? { details: { coding: [{ system: 'urn:sharedcare:error', code: i.id }], text: i.message } } : { details: { text: i.message } }),
      diagnostics: i.message,
      ...(i.expression ? { expression: i.expression } : {}),
    })),
  };
}

/** An informational outcome (e.g. for Prefer: return=OperationOutcome, or a successful delete). */
export function informational(message: string): OperationOutcome {
  return operationOutcome([{ severity: 'information', code: 'informational', message }]);
}

/** Status and body for any thrown value; unknown errors become a 500 with a request id only. */
export function errorResponse(err: unknown, requestId: string): { status: number; body: OperationOutcome; known: boolean } {
  if (err instanceof FhirError) return { status: statusOf(err.category), body: operationOutcome(err.issues), known: true };
  return {
    status: 500,
    body: operationOutcome([{ severity: 'fatal', code: 'exception', id: 'SERVER_FAULT', message: `Internal error (request ${requestId})` }]),
    known: false,
  };
}
