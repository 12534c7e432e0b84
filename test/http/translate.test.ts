// ConceptMap $translate and $lexicon-unmapped over HTTP, with an external client (fhir-kit-client).
// See: https://hl7.org/fhir/R4/conceptmap-operation-translate.html
import { Client as FhirKitClient } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCodeSystem, recordUnmapped } from '../../src/ingest/lexicon.ts';
import { create, expectOutcome } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let mapId: string;

const PSR = localCodeSystem('translate-test', 'psr');
const NATIONAL = 'https://example.org/CodeSystem/psr-national';
const OTHER = 'https://example.org/CodeSystem/other';
const MAP_URL = 'urn:test:conceptmap:psr';
const DRAFT_URL = 'urn:test:conceptmap:psr-draft';

const part = (parameters: any, name: string) => parameters.parameter.find((p: any) => p.name === name);
const matches = (parameters: any) => parameters.parameter.filter((p: any) => p.name === 'match').map((m: any) => ({
  equivalence: m.part.find((x: any) => x.name === 'equivalence')?.valueCode,
  code: m.part.find((x: any) => x.name === 'concept')?.valueCoding?.code,
  system: m.part.find((x: any) => x.name === 'concept')?.valueCoding?.system,
  source: m.part.find((x: any) => x.name === 'source')?.valueUri,
}));

beforeAll(async () => {
  t = await startTestPlatform();
  const map = await create(t, {
    resourceType: 'ConceptMap', url: MAP_URL, version: '1', status: 'active', sourceUri: 'urn:test:vs:psr-local', targetUri: 'urn:test:vs:psr-national',
    group: [
      {
        source: PSR, target: NATIONAL,
        element: [
          { code: 'PD', display: 'Physical', target: [{ code: 'physical', display: 'Physical support', equivalence: 'equivalent' }] },
          { code: 'MH', target: [{ code: 'mental', equivalence: 'wider' }] },
          { code: 'XX', target: [{ equivalence: 'unmatched' }] },
        ],
      },
      { source: PSR, target: OTHER, element: [{ code: 'PD', target: [{ code: 'p-other', equivalence: 'inexact', comment: 'close enough' }] }] },
    ],
  });
  mapId = map.id;
  await create(t, {
    resourceType: 'ConceptMap', url: DRAFT_URL, status: 'draft',
    group: [{ source: PSR, target: NATIONAL, element: [{ code: 'DR', target: [{ code: 'draft-only', equivalence: 'equal' }] }] }],
  });
});
afterAll(async () => {
  await t?.close();
});

describe('$translate', () => {
  it('translates code+system in the URL by the active maps', async () => {
    const res = await t.request('GET', `/fhir/ConceptMap/$translate?system=${encodeURIComponent(PSR)}&code=PD`);
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Parameters');
    expect(part(res.body, 'result').valueBoolean).toBe(true);
    expect(matches(res.body)).toEqual([
      { equivalence: 'equivalent', code: 'physical', system: NATIONAL, source: MAP_URL },
      { equivalence: 'inexact', code: 'p-other', system: OTHER, source: MAP_URL },
    ]);
  });

  it('takes a Parameters body with a coding, and narrows to targetsystem', async () => {
    const res = await t.request('POST', '/fhir/ConceptMap/$translate', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'coding', valueCoding: { system: PSR, code: 'PD' } }, { name: 'targetsystem', valueUri: OTHER }] },
    });
    expect(res.status).toBe(200);
    expect(matches(res.body).map((m: any) => m.code)).toEqual(['p-other']);
  });

  it('translates a codeableConcept and reads the map backwards with reverse', async () => {
    const concept = await t.request('POST', '/fhir/ConceptMap/$translate', {
      body: { resourceType: 'Parameters', parameter: [{ name: 'codeableConcept', valueCodeableConcept: { coding: [{ system: PSR, code: 'MH' }, { system: PSR, code: 'ZZ' }] } }] },
    });
    expect(matches(concept.body).map((m: any) => [m.equivalence, m.code])).toEqual([['wider', 'mental']]);
    const back = await t.request('GET', `/fhir/ConceptMap/$translate?system=${encodeURIComponent(NATIONAL)}&code=mental&reverse=true`);
    expect(part(back.body, 'result').valueBoolean).toBe(true);
    expect(matches(back.body)).toEqual([{ equivalence: 'narrower', code: 'MH', system: PSR, source: MAP_URL }]);
  });

  it('answers result false with a message for unmatched and unknown codes', async () => {
    const unmatched = await t.request('GET', `/fhir/ConceptMap/$translate?system=${encodeURIComponent(PSR)}&code=XX`);
    expect(part(unmatched.body, 'result').valueBoolean).toBe(false);
    expect(part(unmatched.body, 'message').valueString).toMatch(/No mapping found/);
    expect(matches(unmatched.body)).toEqual([{ equivalence: 'unmatched', source: MAP_URL }]);
    const unknown = await t.request('GET', '/fhir/ConceptMap/$translate?system=urn:nobody&code=A');
    expect(part(unknown.body, 'result').valueBoolean).toBe(false);
    expect(part(unknown.body, 'message').valueString).toMatch(/No ConceptMap applies/);
  });

  it('uses a draft map only when named by url or id, and honours conceptMapVersion and value sets', async () => {
    const implicit = await t.request('GET', `/fhir/ConceptMap/$translate?system=${encodeURIComponent(PSR)}&code=DR`);
    expect(part(implicit.body, 'result').valueBoolean).toBe(false);
    const byUrl = await t.request('GET', `/fhir/ConceptMap/$translate?url=${encodeURIComponent(DRAFT_URL)}&system=${encodeURIComponent(PSR)}&code=DR`);
    expect(matches(byUrl.body).map((m: any) => m.code)).toEqual(['draft-only']);
    const wrongVersion = await t.request('GET', `/fhir/ConceptMap/$translate?url=${encodeURIComponent(MAP_URL)}&conceptMapVersion=9&system=${encodeURIComponent(PSR)}&code=PD`);
    expect(part(wrongVersion.body, 'result').valueBoolean).toBe(false);
    const bySet = await t.request('GET', `/fhir/ConceptMap/$translate?source=urn:test:vs:psr-local&target=urn:test:vs:psr-national&system=${encodeURIComponent(PSR)}&code=PD`);
    expect(part(bySet.body, 'result').valueBoolean).toBe(true);
    const otherSet = await t.request('GET', `/fhir/ConceptMap/$translate?source=urn:test:vs:elsewhere&system=${encodeURIComponent(PSR)}&code=PD`);
    expect(part(otherSet.body, 'result').valueBoolean).toBe(false);
  });

  it('translates with one map at /ConceptMap/{id}/$translate', async () => {
    const res = await t.request('GET', `/fhir/ConceptMap/${mapId}/$translate?system=${encodeURIComponent(PSR)}&code=MH`);
    expect(matches(res.body).map((m: any) => m.code)).toEqual(['mental']);
  });

  it('refuses a request without a code, naming where the code belongs', async () => {
    expectOutcome(await t.request('GET', '/fhir/ConceptMap/$translate?system=urn:x'), 400, { id: 'TRANSLATE_NO_CODE', expression: 'code' });
    expectOutcome(await t.request('POST', '/fhir/ConceptMap/$translate', { body: { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: PSR }] } }),
      400, { id: 'TRANSLATE_NO_CODE', expression: "Parameters.parameter.where(name='code')" });
    expectOutcome(await t.request('GET', '/fhir/ConceptMap/$translate?code=PD'), 400, { id: 'TRANSLATE_NO_SYSTEM', expression: 'system' });
    expectOutcome(await t.request('GET', `/fhir/ConceptMap/$translate?system=${encodeURIComponent(PSR)}&code=PD&reverse=maybe`), 400, { expression: 'reverse' });
    expectOutcome(await t.request('POST', '/fhir/ConceptMap/$translate', { body: { resourceType: 'Patient' } }), 400, { id: 'OPERATION_BODY' });
  });

  it('answers 404 for an unknown ConceptMap id, another method or type, 403 without ConceptMap read', async () => {
    expectOutcome(await t.request('GET', `/fhir/ConceptMap/no-such-map/$translate?system=${encodeURIComponent(PSR)}&code=PD`), 404);
    expectOutcome(await t.request('DELETE', '/fhir/ConceptMap/$translate'), 404);
    expectOutcome(await t.request('GET', '/fhir/Patient/$translate?system=x&code=y'), 404);
    const token = await t.token('system/Patient.rs');
    expectOutcome(await t.request('GET', `/fhir/ConceptMap/$translate?system=${encodeURIComponent(PSR)}&code=PD`, { token }), 403);
  });

  it('is listed in the CapabilityStatement', async () => {
    const cs = (await t.request('GET', '/fhir/metadata', { token: null })).body;
    const conceptMap = cs.rest[0].resource.find((r: any) => r.type === 'ConceptMap');
    expect(conceptMap.operation).toContainEqual({ name: 'translate', definition: 'http://hl7.org/fhir/OperationDefinition/ConceptMap-translate' });
    expect(cs.rest[0].operation.map((o: any) => o.name)).toEqual(expect.arrayContaining(['import', 'quarantine', 'quarantine-replay', 'quarantine-discard', 'lexicon-unmapped']));
  });
});

describe('$lexicon-unmapped', () => {
  it('lists the codes sources sent that no active map translates, per source', async () => {
    const db = t.platform.driver;
    await recordUnmapped(db, 'council-x', { [PSR]: { Q1: 3, PD: 2 } });
    await recordUnmapped(db, 'council-y', { [PSR]: { Q9: 1 } });
    const res = await t.request('GET', '/fhir/$lexicon-unmapped?source=council-x');
    expect(res.status).toBe(200);
    const codes = res.body.parameter.map((p: any) => Object.fromEntries(p.part.map((x: any) => [x.name, x.valueString ?? x.valueUri ?? x.valueCode ?? x.valueInteger ?? x.valueDateTime])));
    // PD is mapped by now, so it is not on the to-do list.
    expect(codes.map((c: any) => [c.source, c.system, c.code, c.occurrences])).toEqual([['council-x', PSR, 'Q1', 3]]);
    expect(codes[0].firstSeen).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const all = await t.request('GET', '/fhir/$lexicon-unmapped');
    expect(all.body.parameter.map((p: any) => p.part[2].valueCode)).toEqual(['Q1', 'Q9']);
  });

  it('needs ConceptMap read, and only GET', async () => {
    expectOutcome(await t.request('GET', '/fhir/$lexicon-unmapped', { token: await t.token('system/Patient.rs') }), 403);
    expectOutcome(await t.request('POST', '/fhir/$lexicon-unmapped', { body: { resourceType: 'Parameters' } }), 405);
  });
});

describe('$translate from fhir-kit-client', () => {
  it('runs the operation through the client on a listening server', async () => {
    const other = await startTestPlatform({ baseUrl: undefined });
    try {
      const address = await other.app.listen({ port: 0, host: '127.0.0.1' });
      const client = new FhirKitClient({ baseUrl: `${address}/fhir`, bearerToken: await other.token() });
      await client.create({ resourceType: 'ConceptMap', body: {
        resourceType: 'ConceptMap', status: 'active', url: MAP_URL,
        group: [{ source: PSR, target: NATIONAL, element: [{ code: 'PD', target: [{ code: 'physical', equivalence: 'equivalent' }] }] }],
      } });
      const viaGet: any = await client.operation({ name: '$translate', resourceType: 'ConceptMap', method: 'GET', input: { system: PSR, code: 'PD' } });
      expect(part(viaGet, 'result').valueBoolean).toBe(true);
      expect(matches(viaGet).map((m: any) => m.code)).toEqual(['physical']);
      const viaPost: any = await client.operation({
        name: '$translate', resourceType: 'ConceptMap',
        input: { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: PSR }, { name: 'code', valueCode: 'ZZ' }] },
      });
      expect(part(viaPost, 'result').valueBoolean).toBe(false);
    } finally {
      await other.close();
    }
  });
});
