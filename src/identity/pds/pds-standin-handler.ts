// The stand-in PDS's behaviour without a web framework: one request in, one response out, as PDS
// answers it (headers checked and mirrored, searches scored, reads following supersession).
// See: ../../../../shared/reference/uk-standards.md §3
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { isValidNhsNumber } from '../../fhir/nhs-number.ts';
import { scoreRecord } from './pds-matcher.ts';
import type { PdsPopulation } from './pds-population.ts';
import { parseSearchQuery, PdsRefusal } from './pds-search-query.ts';
import { readView, searchView } from './pds-views.ts';
import { isRestricted, type SpineCode, spineOutcome } from './spine-codes.ts';

export interface StandinRequest {
  method: string;
  /** The path below the FHIR base, e.g. `/Patient/9990000018`. */
  path: string;
  query: ReadonlyArray<readonly [string, string]>;
  header(name: string): string | undefined;
  /** The base URL clients use, for `fullUrl`s. */
  baseUrl: string;
}

export interface StandinResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Answers one request to the stand-in. Never throws for bad input: refusals are OperationOutcomes. */
export function handlePdsRequest(population: PdsPopulation, req: StandinRequest): StandinResponse {
  const requestId = req.header('x-request-id');
  const correlationId = req.header('x-correlation-id');
  const headers: Record<string, string> = {
    ...(requestId ? { 'x-request-id': requestId } : {}),
    ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
  };
  const refuse = (status: number, code: SpineCode, diagnostics: string): StandinResponse => ({ status, headers, body: spineOutcome(code, diagnostics) });
  if (!requestId) return refuse(400, 'MISSING_VALUE', 'Invalid request with error - X-Request-ID header must be supplied to access this resource');
  if (!UUID.test(requestId)) return refuse(400, 'INVALID_VALUE', "Invalid value - '" + requestId + "' in header 'X-Request-ID'");
  const segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  if (req.method !== 'GET' || segments[0] !== 'Patient' || segments.length > 2) {
    return refuse(400, 'UNSUPPORTED_SERVICE', 'The stand-in serves Patient search (GET /Patient) and read (GET /Patient/{id}) only');
  }
  try {
    return segments.length === 1 ? search(population, req, headers) : read(population, segments[1]!, headers);
  } catch (err) {
    if (err instanceof PdsRefusal) return refuse(err.status, err.code, err.message);
    throw err;
  }
}

function read(population: PdsPopulation, id: string, headers: Record<string, string>): StandinResponse {
  if (!/^\d{10}$/.test(id) || !isValidNhsNumber(id)) throw new PdsRefusal(400, 'INVALID_RESOURCE_ID', `Resource Id is invalid - '${id}'`);
  const found = population.lookup(id);
  if (found.kind === 'invalidated') throw new PdsRefusal(404, 'INVALIDATED_RESOURCE', 'Resource that has been marked as invalid was requested');
  if (found.kind === 'not-found') throw new PdsRefusal(404, 'RESOURCE_NOT_FOUND', 'Patient does not exist for given NHS number');
  const patient = readView(found.record.patient);
  const etag: Record<string, string> = patient.meta?.versionId ? { etag: `W/"${patient.meta.versionId}"` } : {};
  return { status: 200, headers: { ...headers, ...etag }, body: patient };
}

function search(population: PdsPopulation, req: StandinRequest, headers: Record<string, string>): StandinResponse {
  const criteria = parseSearchQuery(req.query);
  // Restricted patients are never found by where they live or who their GP is.
  const locating = criteria.postcode !== undefined || criteria.generalPractitioner !== undefined;
  const matches: Array<{ patient: Patient; score: number }> = [];
  for (const record of population.patients) {
    if (locating && isRestricted(record.patient)) continue;
    const score = scoreRecord(record, criteria);
    if (score === undefined || (criteria.exact && score < 1)) continue;
    matches.push({ patient: record.patient, score });
  }
  if (matches.length > criteria.maxResults) {
    return { status: 200, headers, body: spineOutcome('TOO_MANY_MATCHES', 'Too Many Matches') };
  }
  matches.sort((a, b) => b.score - a.score || a.patient.id!.localeCompare(b.patient.id!));
  const bundle: Bundle<Patient> = {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: new Date().toISOString(),
    total: matches.length,
    entry: matches.map(({ patient, score }) => ({ fullUrl: `${req.baseUrl}/Patient/${patient.id}`, search: { score }, resource: searchView(patient) })),
  };
  return { status: 200, headers, body: bundle };
}
