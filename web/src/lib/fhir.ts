// Talks to sharedcare's FHIR API as the signed-in person. Every error arrives as an
// OperationOutcome; it becomes a FhirProblem carrying the status, sharedcare's error code
// (POLICY_RELATIONSHIP_REQUIRED…) and the message, for pages to explain.
import type { Bundle, OperationOutcome, Parameters, Resource } from '@medplum/fhirtypes';
import { currentSession, signOut } from './session.ts';

export class FhirProblem extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Raised when the session ended: the app shows the sign-in page. */
export const SESSION_ENDED = 'SESSION_ENDED';

function problemOf(status: number, body: unknown): FhirProblem {
  const issue = (body as OperationOutcome | undefined)?.issue?.[0];
  const code = issue?.details?.coding?.find((c) => c.system === 'urn:sharedcare:error')?.code;
  return new FhirProblem(status, issue?.details?.text ?? issue?.diagnostics ?? `The server answered ${status}`, code);
}

/** One FHIR interaction: `path` is relative to /fhir (e.g. `Patient?identifier=…`). */
export async function fhir<T = Resource>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const session = currentSession();
  if (!session) throw new FhirProblem(401, 'Your session has ended. Please sign in again.', SESSION_ENDED);
  const response = await fetch(`/fhir/${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/fhir+json',
      authorization: `Bearer ${session.accessToken}`,
      ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  if (response.status === 401) {
    signOut();
    throw new FhirProblem(401, 'Your session has ended. Please sign in again.', SESSION_ENDED);
  }
  if (!response.ok) throw problemOf(response.status, body);
  return body as T;
}

/** The resources of a searchset Bundle, matches only. */
export function matches<T extends Resource>(bundle: Bundle): T[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include' && e.search?.mode !== 'outcome').map((e) => e.resource as T);
}

/** Builds Parameters from name/value pairs (strings, codes, booleans). */
export function parameters(values: Record<string, string | boolean | undefined>): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: Object.entries(values).flatMap(([name, value]) =>
      value === undefined ? [] : [typeof value === 'boolean' ? { name, valueBoolean: value } : { name, valueString: value }]),
  };
}

/** A named parameter's value from an operation's Parameters answer. */
export function parameterValue(params: Parameters, name: string): string | boolean | number | undefined {
  const p = params.parameter?.find((x) => x.name === name);
  return p?.valueString ?? p?.valueCode ?? p?.valueBoolean ?? p?.valueInteger ?? p?.valueDateTime ?? p?.valueInstant;
}
