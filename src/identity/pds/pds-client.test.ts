// The PDS client against the stand-in on a real socket: searches (non-fuzzy, history, fuzzy,
// exact), scores, TOO_MANY_MATCHES, restricted, superseded and invalidated records, refusals with
// their Spine codes; and, against a tiny scripted server, headers and retries.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdsPerson, testNhsNumber } from '../../../test/support/pds-people.ts';
import { PdsClient } from './pds-client.ts';
import { PdsError } from './pds-error.ts';
import { PdsPopulation } from './pds-population.ts';
import { type RunningPdsStandin, startPdsStandin } from './pds-standin.ts';
import { isRestricted } from './spine-codes.ts';

const [JANE, JAYNE, JANET, ADAM, OLD, GONE, UNKNOWN] = [1, 2, 3, 4, 5, 6, 7].map(testNhsNumber) as [string, string, string, string, string, string, string];
const BAD_CHECK_DIGIT = `${JANE.slice(0, 9)}${(Number(JANE[9]) + 1) % 10}`;

const population = new PdsPopulation([
  pdsPerson({ nhsNumber: JANE, family: 'Smith', given: ['Jane'], birthDate: '2010-10-22', gender: 'female', postcode: 'LS1 6AE',
    email: 'jane.smith@example.com', phone: '01632960587', gp: 'Y12345',
    history: { names: [{ use: 'old', family: 'Jones', given: ['Jane'] }], addresses: [{ postalCode: 'M1 1AA' }] } }),
  pdsPerson({ nhsNumber: JAYNE, family: 'Smyth', given: ['Jayne'], birthDate: '2010-10-22', gender: 'female', postcode: 'LS2 7AB' }),
  pdsPerson({ nhsNumber: JANET, family: 'Smythe', given: ['Janet'], birthDate: '2005-06-16', gender: 'female', postcode: 'LS1 6AE', phone: '01632960111', gp: 'Y12345', restricted: true }),
  pdsPerson({ nhsNumber: ADAM, family: 'Thomas', given: ['Adam'], birthDate: '1980-01-01', gender: 'male', postcode: 'E8 1AA' }),
  { kind: 'superseded', nhsNumber: OLD, supersededBy: JANE },
  { kind: 'invalidated', nhsNumber: GONE },
]);

let standin: RunningPdsStandin;
let client: PdsClient;

beforeAll(async () => {
  standin = await startPdsStandin(population);
  client = new PdsClient({ baseUrl: standin.url });
});
afterAll(() => standin.close());

async function refusal(promise: Promise<unknown>): Promise<PdsError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(PdsError);
  return err as PdsError;
}

describe('search', () => {
  it('finds an exact match with score 1.0', async () => {
    const result = await client.search({ family: 'SMITH', given: 'jane', birthDate: '2010-10-22', gender: 'female' });
    expect(result.tooManyMatches).toBe(false);
    expect(result.entries.map((e) => [e.patient.id, e.score])).toEqual([[JANE, 1]]);
    expect(result.entries[0]!.patient.address?.[0]?.postalCode).toBe('LS1 6AE');
  });

  it('finds nobody when a criterion differs, and an empty result is not an error', async () => {
    expect((await client.search({ family: 'Smith', birthDate: '2010-10-23' })).entries).toEqual([]);
    expect((await client.search({ family: 'Smith', birthDate: '2010-10-22', gender: 'male' })).entries).toEqual([]);
  });

  it('matches previous names and addresses only with _history, at a lower score', async () => {
    expect((await client.search({ family: 'Jones', birthDate: '2010-10-22' })).entries).toEqual([]);
    const byOldName = await client.search({ family: 'Jones', birthDate: '2010-10-22', history: true });
    expect(byOldName.entries.map((e) => e.patient.id)).toEqual([JANE]);
    expect(byOldName.entries[0]!.score).toBeLessThan(1);
    const byOldPostcode = await client.search({ family: 'Smith', birthDate: '2010-10-22', postcode: 'M11AA', history: true });
    expect(byOldPostcode.entries.map((e) => e.patient.id)).toEqual([JANE]);
  });

  it('fuzzy: Soundex names and transposed names, scored below exact and sorted best first', async () => {
    const fuzzy = await client.search({ family: 'Smith', given: 'Jane', birthDate: '2010-10-22', fuzzy: true });
    expect(fuzzy.entries.map((e) => e.patient.id)).toEqual([JANE, JAYNE]);
    expect(fuzzy.entries[0]!.score).toBe(1);
    expect(fuzzy.entries[1]!.score).toBeGreaterThan(0);
    expect(fuzzy.entries[1]!.score).toBeLessThan(0.9);
    const transposed = await client.search({ family: 'Adam', given: 'Thomas', birthDate: '1980-01-01', fuzzy: true });
    expect(transposed.entries.map((e) => e.patient.id)).toEqual([ADAM]);
    expect(transposed.entries[0]!.score).toBeLessThan(1);
    // Without _fuzzy-match neither homophones nor transposed names match.
    expect((await client.search({ family: 'Adam', given: 'Thomas', birthDate: '1980-01-01' })).entries).toEqual([]);
  });

  it('_exact-match keeps only score 1.0', async () => {
    const exact = await client.search({ family: 'Smith', given: 'Jane', birthDate: '2010-10-22', fuzzy: true, exact: true });
    expect(exact.entries.map((e) => e.patient.id)).toEqual([JANE]);
  });

  it('email and phone must match exactly', async () => {
    expect((await client.search({ family: 'Smith', birthDate: '2010-10-22', email: 'JANE.SMITH@example.com', phone: '01632 960587' })).entries).toHaveLength(1);
    expect((await client.search({ family: 'Smith', birthDate: '2010-10-22', phone: '01632960000' })).entries).toEqual([]);
  });

  it('answers TOO_MANY_MATCHES when there are more matches than _max-results', async () => {
    const wildcard = { family: 'Sm*', birthDate: '2010-10-22' };
    expect(await client.search({ ...wildcard, maxResults: 1 })).toEqual({ entries: [], tooManyMatches: true });
    const two = await client.search({ ...wildcard, maxResults: 2 });
    expect(two.tooManyMatches).toBe(false);
    expect(two.entries.map((e) => e.patient.id).sort()).toEqual([JANE, JAYNE].sort());
    expect(two.entries.every((e) => e.score < 1)).toBe(true);
  });

  it('shows a restricted patient without address, telecom, contact or GP, and never to a postcode search', async () => {
    const found = await client.search({ family: 'Smythe', given: 'Janet', birthDate: '2005-06-16' });
    const patient = found.entries[0]!.patient;
    expect(isRestricted(patient)).toBe(true);
    expect([patient.address, patient.telecom, patient.contact, patient.generalPractitioner]).toEqual([undefined, undefined, undefined, undefined]);
    expect((await client.search({ family: 'Smythe', birthDate: '2005-06-16', postcode: 'LS1 6AE' })).entries).toEqual([]);
  });

  it('refuses searches PDS refuses, with their Spine codes', async () => {
    const noBirthDate = await refusal(client.search({ family: 'Smith' }));
    expect([noBirthDate.status, noBirthDate.code]).toEqual([400, 'INVALID_SEARCH_DATA']);
    const thinFuzzy = await refusal(client.search({ family: 'Smith', birthDate: '2010-10-22', fuzzy: true }));
    expect([thinFuzzy.status, thinFuzzy.code]).toEqual([400, 'INVALID_SEARCH_DATA']);
    const earlyWildcard = await refusal(client.search({ family: 'S*', birthDate: '2010-10-22' }));
    expect(earlyWildcard.code).toBe('INVALID_SEARCH_DATA');
    expect(earlyWildcard.message).not.toContain('S*');
    await expect(client.search({ family: "Smith", birthDate: "2010-10-22", maxResults: 51 })).rejects.toThrow(RangeError);
  });

  it('accepts the three fuzzy combinations', async () => {
    const byFamily = await client.search({ family: 'Smith', birthDate: '2010-10-22', gender: 'female', postcode: 'LS1 6AE', fuzzy: true });
    const byGiven = await client.search({ given: 'Jane', birthDate: '2010-10-22', gender: 'female', postcode: 'LS1 6AE', fuzzy: true });
    expect(byFamily.entries.map((e) => e.patient.id)).toEqual([JANE]);
    expect(byGiven.entries.map((e) => e.patient.id)).toEqual([JANE]);
  });
});

describe('read', () => {
  it('returns the record under its NHS number', async () => {
    const result = await client.read(JANE);
    expect(result).toMatchObject({ nhsNumber: JANE, superseded: false, versionId: '2' });
    expect(result.patient.telecom).toHaveLength(2);
  });

  it('follows a superseded number to the record that replaced it', async () => {
    const result = await client.read(OLD);
    expect(result).toMatchObject({ nhsNumber: JANE, superseded: true });
    expect(result.patient.id).toBe(JANE);
  });

  it('withholds location details of a restricted patient', async () => {
    const { patient } = await client.read(JANET);
    expect(isRestricted(patient)).toBe(true);
    expect([patient.address, patient.telecom, patient.generalPractitioner]).toEqual([undefined, undefined, undefined]);
  });

  it.each([
    [GONE, 404, 'INVALIDATED_RESOURCE'],
    [UNKNOWN, 404, 'RESOURCE_NOT_FOUND'],
    [BAD_CHECK_DIGIT, 400, 'INVALID_RESOURCE_ID'],
    ['12345', 400, 'INVALID_RESOURCE_ID'],
  ])('%s → %i %s', async (nhsNumber, status, code) => {
    const err = await refusal(client.read(nhsNumber));
    expect([err.status, err.code]).toEqual([status, code]);
  });

  it('never finds an invalidated or superseded number by search', async () => {
    const all = await client.search({ family: 'Sm*', birthDate: '2010-10-22' });
    expect(all.entries.map((e) => e.patient.id)).not.toContain(OLD);
    expect(all.entries.map((e) => e.patient.id)).not.toContain(GONE);
  });
});

describe('the stand-in over raw HTTP', () => {
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${standin.url}${path}`, { headers });
  const requestId = '6f1c8e0a-3b2d-4c5e-9f70-123456789abc';

  it('requires X-Request-ID, as a UUID, and mirrors it with X-Correlation-ID', async () => {
    const missing = await get(`/Patient/${JANE}`);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(await missing.json())).toContain('MISSING_VALUE');
    const notUuid = await get(`/Patient/${JANE}`, { 'x-request-id': 'not-a-uuid' });
    expect(notUuid.status).toBe(400);
    expect(JSON.stringify(await notUuid.json())).toContain('INVALID_VALUE');
    const ok = await get(`/Patient/${JANE}`, { 'x-request-id': requestId, 'x-correlation-id': 'batch-7' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe(requestId);
    expect(ok.headers.get('x-correlation-id')).toBe('batch-7');
    expect(ok.headers.get('etag')).toBe('W/"2"');
    expect(ok.headers.get('content-type')).toContain('application/fhir+json');
  });

  it.each([
    ['family=Smith&birthdate=eq2010-10-22&address-postcode=LS16AE', 'INVALID_SEARCH_DATA'],
    ['family=Smith&birthdate=eq2010-10-22&colour=blue', 'ADDITIONAL_PROPERTIES'],
    ['family=Smith&birthdate=eq2010-10-22&_max-results=0', 'INVALID_VALUE'],
    ['family=Smith&birthdate=eq2010-10-22&_max-results=51', 'INVALID_VALUE'],
    ['family=Smith&birthdate=2010-13-40', 'INVALID_VALUE'],
    ['family=Smith&birthdate=eq2010-10-22&gender=mal', 'INVALID_VALUE'],
    ['family=Smith&birthdate=eq2010-10-22&_fuzzy-match=yes', 'INVALID_VALUE'],
    ['email=jane.smith%40example.com&phone=01632960587', 'INVALID_SEARCH_DATA'],
    ['family=Sm*&given=Jane&birthdate=eq2010-10-22&_fuzzy-match=true', 'INVALID_SEARCH_DATA'],
    ['', 'UNSUPPORTED_SERVICE'],
  ])('?%s → 400 %s', async (query, code) => {
    const res = await get(`/Patient?${query}`, { 'x-request-id': requestId });
    expect(res.status).toBe(400);
    const body = await res.json() as { issue: Array<{ severity: string; details: { coding: Array<{ system: string; code: string }> } }> };
    expect(body.issue[0]!.severity).toBe('error');
    expect(body.issue[0]!.details.coding[0]).toMatchObject({ system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', code });
  });

  it('answers TOO_MANY_MATCHES as 200 information multiple-matches', async () => {
    const res = await get('/Patient?family=Sm*&birthdate=eq2010-10-22&_max-results=1', { 'x-request-id': requestId });
    expect(res.status).toBe(200);
    const body = await res.json() as { resourceType: string; issue: Array<{ severity: string; code: string; details: { coding: Array<{ code: string }> } }> };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]).toMatchObject({ severity: 'information', code: 'multiple-matches', details: { coding: [{ code: 'TOO_MANY_MATCHES' }] } });
  });

  it('gives searchset entries a fullUrl under its own base and a score', async () => {
    const res = await get('/Patient?family=Smith&birthdate=eq2010-10-22', { 'x-request-id': requestId });
    const body = await res.json() as { type: string; total: number; entry: Array<{ fullUrl: string; search: { score: number } }> };
    expect(body).toMatchObject({ type: 'searchset', total: 1 });
    expect(body.entry[0]).toEqual(expect.objectContaining({ fullUrl: `${standin.url}/Patient/${JANE}`, search: { score: 1 } }));
  });
});

/** A server that answers from a script, recording what it was sent. */
async function scriptedServer(answers: Array<{ status: number; body: unknown; headers?: Record<string, string> }>) {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    res.writeHead(answer.status, { 'content-type': 'application/fhir+json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/personal-demographics/FHIR/R4`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const patientBody = { resourceType: 'Patient', id: JANE, meta: { versionId: '3' } };
const outcome = (code: string) => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled',
  details: { coding: [{ system: 'https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode', code }] }, diagnostics: 'slow down' }] });

describe('headers and retries', () => {
  it('sends the documented headers', async () => {
    const server = await scriptedServer([{ status: 200, body: patientBody }]);
    try {
      const c = new PdsClient({ baseUrl: server.url, accessToken: 'tok', endUserOrganisationOds: 'X26' });
      await c.read(JANE, { correlationId: 'corr-1' });
      expect(server.seen[0]).toMatchObject({ authorization: 'Bearer tok', 'nhsd-end-user-organisation-ods': 'X26', 'x-correlation-id': 'corr-1' });
      expect(server.seen[0]!['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await server.close();
    }
  });

  it('retries a 429 with the same X-Request-ID, honouring Retry-After, and a new request gets a new id', async () => {
    const server = await scriptedServer([
      { status: 429, body: outcome('TOO_MANY_REQUESTS'), headers: { 'retry-after': '1' } },
      { status: 200, body: patientBody },
    ]);
    const waits: number[] = [];
    try {
      const c = new PdsClient({ baseUrl: server.url, sleep: async (ms) => void waits.push(ms) });
      expect((await c.read(JANE)).versionId).toBe('3');
      expect(server.seen).toHaveLength(2);
      expect(server.seen[1]!['x-request-id']).toBe(server.seen[0]!['x-request-id']);
      expect(waits).toEqual([1000]);
      await c.read(JANE);
      expect(server.seen[2]!['x-request-id']).not.toBe(server.seen[0]!['x-request-id']);
    } finally {
      await server.close();
    }
  });

  it('gives up after a bounded number of retries with backoff, keeping the Spine code', async () => {
    const server = await scriptedServer([{ status: 503, body: outcome('SERVICE_UNAVAILABLE') }]);
    const waits: number[] = [];
    try {
      const c = new PdsClient({ baseUrl: server.url, maxRetries: 2, retryDelayMs: 100, sleep: async (ms) => void waits.push(ms) });
      const err = await refusal(c.read(JANE));
      expect([err.status, err.code, err.diagnostics]).toEqual([503, 'SERVICE_UNAVAILABLE', 'slow down']);
      expect(server.seen).toHaveLength(3);
      expect(waits).toEqual([100, 200]);
      expect(new Set(server.seen.map((h) => h['x-request-id'])).size).toBe(1);
    } finally {
      await server.close();
    }
  });

  it.each([400, 404, 500])('does not retry a %i', async (status) => {
    const server = await scriptedServer([{ status, body: outcome('WHATEVER') }]);
    try {
      const c = new PdsClient({ baseUrl: server.url, sleep: async () => undefined });
      const err = await refusal(c.read(JANE));
      expect(err.status).toBe(status);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('reports a body that is not FHIR as INVALID_RESPONSE and an unreachable server as NETWORK', async () => {
    const server = await scriptedServer([{ status: 200, body: { resourceType: 'Bundle', type: 'searchset' } }]);
    const c = new PdsClient({ baseUrl: server.url });
    expect((await refusal(c.read(JANE))).code).toBe('INVALID_RESPONSE');
    await server.close();
    const err = await refusal(c.read(JANE));
    expect([err.status, err.code]).toEqual([0, 'NETWORK']);
  });
});
