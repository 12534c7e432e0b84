// A client for NHS England's Personal Demographics Service FHIR API: patient search and read,
// with the headers PDS requires, retries on throttling, and Spine error codes turned into PdsError.
// See: https://digital.nhs.uk/developer/api-catalogue/personal-demographics-service-fhir
import { randomUUID } from 'node:crypto';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { PdsError } from './pds-error.ts';
import { spineCodeOf } from './spine-codes.ts';

export type PdsGender = 'male' | 'female' | 'other' | 'unknown';

/** Search parameters, named as PDS names them where they are plain words. */
export interface PdsSearchParams {
  family?: string;
  /** Each given name is a separate `given` parameter; a compound name ("John Paul") is one entry. */
  given?: string | readonly string[];
  gender?: PdsGender;
  /** `YYYY-MM-DD`, sent as `birthdate=eqYYYY-MM-DD`. */
  birthDate?: string;
  /** A range, sent as `birthdate=geYYYY-MM-DD&birthdate=leYYYY-MM-DD`; instead of `birthDate`. */
  birthDateRange?: { from?: string; to?: string };
  /** Sent as `address-postalcode` (PDS refuses the older `address-postcode`). */
  postcode?: string;
  email?: string;
  phone?: string;
  /** `_fuzzy-match`: Soundex names, transposed names, always history. */
  fuzzy?: boolean;
  /** `_exact-match`: only matches scoring 1.0. */
  exact?: boolean;
  /** `_history`: also match previous names and addresses. */
  history?: boolean;
  /** `_max-results`, 1–50 (PDS's default is 50). */
  maxResults?: number;
}

export interface PdsSearchEntry {
  patient: Patient;
  /** `entry.search.score`: 1.0 for an exact match, lower for a partial one. */
  score: number;
}

export interface PdsSearchResult {
  /** Best match first. */
  entries: PdsSearchEntry[];
  /** PDS found more matches than `_max-results` and returned none (TOO_MANY_MATCHES). */
  tooManyMatches: boolean;
}

export interface PdsReadResult {
  patient: Patient;
  /** The NHS number PDS holds the record under (`Patient.id`). */
  nhsNumber: string;
  /** True when the requested number was superseded: PDS answered with another record's id. */
  superseded: boolean;
  /** `meta.versionId`, needed for an `If-Match` on update. */
  versionId?: string;
}

export interface PdsRequestOptions {
  /** Sent as X-Correlation-ID, to tie this call to a wider piece of work. */
  correlationId?: string;
}

export interface PdsClientOptions {
  /** e.g. `https://int.api.service.nhs.uk/personal-demographics/FHIR/R4` */
  baseUrl: string;
  /** Bearer token (CIS2 or application-restricted); none for the sandbox and the stand-in. */
  accessToken?: string;
  /** NHSD-End-User-Organisation-ODS: mandatory for applications acting for several organisations. */
  endUserOrganisationOds?: string;
  /** Attempts after the first on 429, 408 and 503 (default 3). */
  maxRetries?: number;
  /** First back-off delay; doubles each retry (default 500 ms). */
  retryDelayMs?: number;
  /** Longest single back-off, including a Retry-After PDS asks for (default 10 s). */
  maxRetryDelayMs?: number;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** For tests: request ids and sleeping. */
  newRequestId?: () => string;
  sleep?: (ms: number) => Promise<void>;
}

/** Only these are worth repeating: rate limit, PDS's own timeout, temporarily unavailable. */
const RETRY_STATUSES = new Set([429, 408, 503]);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Talks to one PDS endpoint. See: https://digital.nhs.uk/developer/api-catalogue/personal-demographics-service-fhir */
export class PdsClient {
  readonly baseUrl: string;
  readonly #options: PdsClientOptions;

  constructor(options: PdsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
  }

  /** `GET /Patient?…`: a scored searchset, or TOO_MANY_MATCHES. */
  async search(params: PdsSearchParams, options: PdsRequestOptions = {}): Promise<PdsSearchResult> {
    const query = searchQuery(params);
    const { body, requestId } = await this.#get(`/Patient?${query}`, options);
    const resource = body as Bundle<Patient> | OperationOutcome;
    if (resource.resourceType === 'OperationOutcome') {
      // PDS answers 200 with an informational OperationOutcome when there are more matches than _max-results.
      if (spineCodeOf(resource) === 'TOO_MANY_MATCHES') return { entries: [], tooManyMatches: true };
      throw new PdsError(200, spineCodeOf(resource) ?? 'INVALID_RESPONSE', requestId, resource.issue?.[0]?.diagnostics);
    }
    if (resource.resourceType !== 'Bundle') throw new PdsError(200, 'INVALID_RESPONSE', requestId);
    const entries = (resource.entry ?? [])
      .filter((e) => e.resource?.resourceType === 'Patient')
      .map((e) => ({ patient: e.resource as Patient, score: typeof e.search?.score === 'number' ? e.search.score : 0 }))
      .sort((a, b) => b.score - a.score);
    return { entries, tooManyMatches: false };
  }

  /** `GET /Patient/{nhsNumber}`: the record, following a superseded number to its successor. */
  async read(nhsNumber: string, options: PdsRequestOptions = {}): Promise<PdsReadResult> {
    const { body, requestId } = await this.#get(`/Patient/${encodeURIComponent(nhsNumber)}`, options);
    const patient = body as Patient;
    if (patient.resourceType !== 'Patient' || typeof patient.id !== 'string') throw new PdsError(200, 'INVALID_RESPONSE', requestId);
    return {
      patient,
      nhsNumber: patient.id,
      superseded: patient.id !== nhsNumber,
      ...(patient.meta?.versionId ? { versionId: patient.meta.versionId } : {}),
    };
  }

  async #get(path: string, options: PdsRequestOptions): Promise<{ body: unknown; requestId: string }> {
    // One X-Request-ID per logical request, reused on every retry so PDS can spot the repeat.
    const requestId = (this.#options.newRequestId ?? randomUUID)();
    const headers: Record<string, string> = { accept: 'application/fhir+json', 'x-request-id': requestId };
    if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
    if (this.#options.accessToken) headers.authorization = `Bearer ${this.#options.accessToken}`;
    if (this.#options.endUserOrganisationOds) headers['nhsd-end-user-organisation-ods'] = this.#options.endUserOrganisationOds;
    const maxRetries = this.#options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const res = await this.#fetch(`${this.baseUrl}${path}`, headers, requestId);
      if (RETRY_STATUSES.has(res.status) && attempt < maxRetries) {
        await res.arrayBuffer().catch(() => undefined);
        await (this.#options.sleep ?? delay)(this.#backoff(attempt, res.headers.get('retry-after')));
        continue;
      }
      const body = await readJson(res);
      if (res.ok && body !== undefined) return { body, requestId };
      if (res.ok) throw new PdsError(res.status, 'INVALID_RESPONSE', requestId);
      const outcome = body as OperationOutcome | undefined;
      throw new PdsError(res.status, spineCodeOf(outcome) ?? 'UNKNOWN', requestId, outcome?.issue?.[0]?.diagnostics);
    }
  }

  async #fetch(url: string, headers: Record<string, string>, requestId: string): Promise<Response> {
    try {
      return await fetch(url, { headers, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000) });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
      throw new PdsError(0, timedOut ? 'TIMEOUT' : 'NETWORK', requestId);
    }
  }

  #backoff(attempt: number, retryAfter: string | null): number {
    const cap = this.#options.maxRetryDelayMs ?? 10_000;
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
    if (seconds !== undefined) return Math.min(seconds * 1000, cap);
    return Math.min((this.#options.retryDelayMs ?? 500) * 2 ** attempt, cap);
  }
}

/** The query string for a search; throws RangeError on values PDS would refuse anyway. */
export function searchQuery(params: PdsSearchParams): string {
  const q = new URLSearchParams();
  if (params.family !== undefined) q.append('family', params.family);
  for (const given of typeof params.given === 'string' ? [params.given] : (params.given ?? [])) q.append('given', given);
  if (params.gender) q.append('gender', params.gender);
  if (params.birthDate !== undefined) q.append('birthdate', `eq${checkDate(params.birthDate)}`);
  if (params.birthDateRange?.from) q.append('birthdate', `ge${checkDate(params.birthDateRange.from)}`);
  if (params.birthDateRange?.to) q.append('birthdate', `le${checkDate(params.birthDateRange.to)}`);
  if (params.postcode !== undefined) q.append('address-postalcode', params.postcode);
  if (params.email !== undefined) q.append('email', params.email);
  if (params.phone !== undefined) q.append('phone', params.phone);
  if (params.fuzzy !== undefined) q.append('_fuzzy-match', String(params.fuzzy));
  if (params.exact !== undefined) q.append('_exact-match', String(params.exact));
  if (params.history !== undefined) q.append('_history', String(params.history));
  if (params.maxResults !== undefined) {
    if (!Number.isInteger(params.maxResults) || params.maxResults < 1 || params.maxResults > 50) {
      throw new RangeError(`maxResults must be a whole number from 1 to 50, got ${params.maxResults}`);
    }
    q.append('_max-results', String(params.maxResults));
  }
  return q.toString();
}

function checkDate(value: string): string {
  if (!DATE.test(value)) throw new RangeError(`PDS dates are YYYY-MM-DD, got ${value}`);
  return value;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
