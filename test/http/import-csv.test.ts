// POST [base]/$import-csv over HTTP: a council extract streamed as text/csv, the report as Parameters,
// quarantined rows listed by $quarantine, full extracts, and who may import (400/403/415 as OperationOutcomes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceResourceId } from '../../src/ingest/provenance.ts';
import { expectOutcome } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const CSV = { 'content-type': 'text/csv; charset=utf-8' };
const counts = (res: { body: any }) => Object.fromEntries(res.body.parameter.filter((p: any) => 'valueInteger' in p).map((p: any) => [p.name, p.valueInteger]));
const param = (res: { body: any }, name: string) => res.body.parameter.find((p: any) => p.name === name);
const persons = [
  'PERSON_ID,FORENAME,SURNAME,GENDER,DATE_OF_BIRTH,NHS_NUMBER,ETHNICITY',
  'H1,Grace,Adeyemi,F,12/03/1948,9990000026,BAFR',
  'H2,Tom,Reid,M,01/11/1939,9990000027,WBRI',
  'H3,Lin,Chen,F,22/08/1955,,ZZZZ',
].join('\r\n');

describe('$import-csv', () => {
  it('imports a streamed extract and answers its report; a second upload changes nothing', async () => {
    const res = await t.request('POST', '/fhir/$import-csv?source=mosaic-httpshire&profile=mosaic-example&recordType=person', { body: persons, headers: CSV });
    expect(res.status, res.text).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    expect(counts(res)).toEqual({ read: 3, created: 2, updated: 0, unchanged: 0, quarantined: 1, missing: 0 });
    expect(param(res, 'recordType').valueCode).toBe('person');
    expect(param(res, 'run').valueString).toMatch(/^\d+$/);
    expect(param(res, 'unmapped').part).toEqual([{ name: 'system', valueUri: 'urn:sharedcare:codelist:mosaic-example:ethnicity' },
      { name: 'code', valueCode: 'ZZZZ' }, { name: 'count', valueInteger: 1 }]);
    const grace = await t.request('GET', `/fhir/Patient/${sourceResourceId('mosaic-httpshire', 'person/H1', 'Patient')}`);
    expect(grace.body).toMatchObject({ gender: 'female', birthDate: '1948-03-12', meta: { source: 'urn:sharedcare:source:mosaic-httpshire' } });
    const again = await t.request('POST', '/fhir/$import-csv?source=mosaic-httpshire&profile=mosaic-example&recordType=person', { body: persons, headers: CSV });
    expect(counts(again)).toMatchObject({ read: 3, created: 0, unchanged: 2, quarantined: 1 });
  });

  it('lists the quarantined row, with the column at fault, through $quarantine', async () => {
    const list = await t.request('GET', '/fhir/$quarantine?source=mosaic-httpshire&channel=csv');
    expect(list.status, list.text).toBe(200);
    const items = list.body.parameter.filter((p: any) => p.name === 'item');
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items[0])).toContain('NHS_NUMBER');
  });

  it('handles a full extract: records no longer sent are ended', async () => {
    const url = '/fhir/$import-csv?source=mosaic-fullshire&profile=mosaic-example&recordType=person&mode=full&missing=end';
    await t.request('POST', url, { body: persons, headers: CSV });
    const res = await t.request('POST', url, { body: persons.split('\r\n').slice(0, 2).join('\r\n'), headers: CSV });
    expect(counts(res)).toMatchObject({ read: 1, unchanged: 1, missing: 1 });
    expect((await t.request('GET', `/fhir/Patient/${sourceResourceId('mosaic-fullshire', 'person/H3', 'Patient')}`)).body.active).toBe(false);
  });

  it('refuses a bad source, profile, record type or mode with 400 naming the parameter', async () => {
    const post = (query: string) => t.request('POST', `/fhir/$import-csv?${query}`, { body: persons, headers: CSV });
    expectOutcome(await post('profile=mosaic-example'), 400, { id: 'INGEST_CSV_SOURCE', expression: 'source' });
    expectOutcome(await post('source=Bad%20Source&profile=mosaic-example'), 400, { id: 'INGEST_SOURCE_INVALID', expression: 'source' });
    expectOutcome(await post('source=x-town'), 400, { id: 'INGEST_CSV_PROFILE', expression: 'profile' });
    expectOutcome(await post('source=x-town&profile=nope'), 400, { id: 'INGEST_PROFILE_UNKNOWN', expression: 'profile' });
    expectOutcome(await post('source=x-town&profile=mosaic-example&recordType=visit'), 400, { id: 'INGEST_CSV_RECORD_TYPE', expression: 'recordType' });
    expectOutcome(await post('source=x-town&profile=mosaic-example&mode=sometimes'), 400, { id: 'INGEST_CSV_MODE', expression: 'mode' });
    expectOutcome(await post('source=x-town&profile=generic&recordType=flag'), 400, { id: 'INGEST_CSV_HEADER' });
  });

  it('needs a CSV body', async () => {
    expectOutcome(await t.request('POST', '/fhir/$import-csv?source=x-town&profile=generic', { body: { resourceType: 'Parameters' } }), 415);
  });

  it('needs a token that may create and update every type, outside a patient context', async () => {
    const url = '/fhir/$import-csv?source=mosaic-httpshire&profile=mosaic-example&recordType=person';
    expectOutcome(await t.request('POST', url, { body: persons, headers: CSV, token: await t.token('system/*.rs') }), 403, { id: 'AUTH_INGEST_SCOPE' });
    expectOutcome(await t.request('POST', url, { body: persons, headers: CSV, token: await t.token('system/Patient.cu') }), 403);
    expectOutcome(await t.request('POST', url, { body: persons, headers: CSV, token: await t.token('patient/*.cruds', { patient: 'x' }) }), 403);
    expectOutcome(await t.request('POST', url, { body: persons, headers: CSV, token: null }), 401);
    const ok = await t.request('POST', url, { body: persons, headers: CSV, token: await t.token('system/*.cu') });
    expect(ok.status, ok.text).toBe(200);
  });

  it('is listed in the CapabilityStatement', async () => {
    const cs = (await t.request('GET', '/fhir/metadata')).body;
    expect(cs.rest[0].operation.map((o: any) => o.name)).toContain('import-csv');
  });

  it('is only a POST', async () => {
    expectOutcome(await t.request('GET', '/fhir/$import-csv?source=x-town&profile=generic'), 405);
  });
});
