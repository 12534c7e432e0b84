// Search result parameters over HTTP: _count (and its cap), _sort, _total, _summary, _elements,
// and POST [type]/_search with a form body. See: https://hl7.org/fhir/R4/search.html#return
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, linkOf, matchIds, patient } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
const SORT_SYSTEM = 'urn:sharedcare:test:sortset';
const names = new Map<string, string>();

/** The fixture names of a searchset's matches, in order. */
function named(res: Awaited<ReturnType<TestPlatform['request']>>): string[] {
  return matchIds(res).map((id) => names.get(id) ?? `?${id}`);
}

beforeAll(async () => {
  t = await startTestPlatform();
  const people: Array<[string, string, string | undefined]> = [
    ['baker-none', 'Baker', undefined],
    ['adams-1990', 'Adams', '1990-01-01'],
    ['carter-1975', 'Carter', '1975-06-01'],
    ['adams-2000', 'Adams', '2000-01-01'],
    ['baker-1980', 'Baker', '1980-01-01'],
  ];
  for (const [name, family, birthDate] of people) {
    const p = await create(t, patient(family, {
      identifier: [{ system: SORT_SYSTEM, value: name }],
      ...(birthDate ? { birthDate } : {}),
      maritalStatus: { text: 'Single' },
      gender: 'unknown',
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${family}</div>` },
    }));
    names.set(p.id, name);
    // Distinct lastUpdated instants, so _sort=-_lastUpdated has one right answer.
    await new Promise((r) => setTimeout(r, 3));
  }
});
afterAll(async () => {
  await t?.close();
});

const SET = `identifier=${SORT_SYSTEM}|`;

describe('_sort', () => {
  it('sorts by several keys, descending with -, missing values last', async () => {
    expect(named(await t.request('GET', `/fhir/Patient?${SET}&_sort=family,-birthdate`))).toEqual([
      'adams-2000', 'adams-1990', 'baker-1980', 'baker-none', 'carter-1975',
    ]);
    expect(named(await t.request('GET', `/fhir/Patient?${SET}&_sort=-family,birthdate`))).toEqual([
      'carter-1975', 'baker-1980', 'baker-none', 'adams-1990', 'adams-2000',
    ]);
    expect(named(await t.request('GET', `/fhir/Patient?${SET}&_sort=birthdate`))).toEqual([
      'carter-1975', 'baker-1980', 'adams-1990', 'adams-2000', 'baker-none',
    ]);
  });

  it('sorts by _lastUpdated and _id', async () => {
    const newestFirst = named(await t.request('GET', `/fhir/Patient?${SET}&_sort=-_lastUpdated`));
    expect(newestFirst).toEqual(['baker-1980', 'adams-2000', 'carter-1975', 'adams-1990', 'baker-none']);
    const byId = matchIds(await t.request('GET', `/fhir/Patient?${SET}&_sort=_id`));
    expect(byId).toEqual([...byId].sort());
  });

  it('refuses an unknown sort parameter with 400 naming _sort', async () => {
    expectOutcome(await t.request('GET', `/fhir/Patient?${SET}&_sort=shoe-size`), 400, { expression: '_sort' });
    expectOutcome(await t.request('GET', `/fhir/Patient?${SET}&_sort=family,-nonsense`), 400, { expression: '_sort' });
  });
});

describe('empty parameters', () => {
  it('ignores a known parameter without a value, and still refuses an unknown one', async () => {
    const all = await t.request('GET', '/fhir/Patient?_total=accurate');
    const withEmpty = await t.request('GET', '/fhir/Patient?family=&_total=accurate');
    expect(withEmpty.status).toBe(200);
    expect(withEmpty.body.total).toBe(all.body.total);
    expectOutcome(await t.request('GET', '/fhir/Patient?no-such-param='), 400);
  });
});

describe('_count', () => {
  it('limits the page and offers a next link', async () => {
    const res = await t.request('GET', `/fhir/Patient?${SET}&_count=2`);
    expect(matchIds(res)).toHaveLength(2);
    expect(res.body.total).toBe(5);
    expect(linkOf(res, 'next')).toBeDefined();
  });

  it('_count=0 returns no entries but the total', async () => {
    const res = await t.request('GET', `/fhir/Patient?${SET}&_count=0`);
    expect(res.status).toBe(200);
    expect(res.body.entry ?? []).toHaveLength(0);
    expect(res.body.total).toBe(5);
  });

  it('refuses a negative or non-numeric _count with 400', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient?_count=-1'), 400, { expression: '_count' });
    expectOutcome(await t.request('GET', '/fhir/Patient?_count=ten'), 400, { expression: '_count' });
  });

  it('caps a huge _count at the server maximum (1000) instead of failing', async () => {
    const entry = Array.from({ length: 1003 }, (_, i) => ({ resource: { resourceType: 'Basic', code: { text: `cap${i}` } }, request: { method: 'POST', url: 'Basic' } }));
    expect((await t.request('POST', '/fhir', { body: { resourceType: 'Bundle', type: 'transaction', entry } })).status).toBe(200);
    const res = await t.request('GET', '/fhir/Basic?_count=100000');
    expect(matchIds(res)).toHaveLength(1000);
    expect(res.body.total).toBe(1003);
    const next = await t.request('GET', linkOf(res, 'next')!);
    expect(matchIds(next)).toHaveLength(3);
  });
});

describe('_total', () => {
  it('accurate gives the count, none leaves it out, anything else is 400', async () => {
    const accurate = await t.request('GET', `/fhir/Patient?${SET}&_count=1&_total=accurate`);
    expect(accurate.body.total).toBe(5);
    const none = await t.request('GET', `/fhir/Patient?${SET}&_count=1&_total=none`);
    expect(none.status).toBe(200);
    expect(none.body.total).toBeUndefined();
    expect(matchIds(none)).toHaveLength(1);
    expectOutcome(await t.request('GET', `/fhir/Patient?${SET}&_total=lots`), 400, { expression: '_total' });
  });

  it('does not count deleted resources', async () => {
    const gone = await create(t, patient('Gone', { identifier: [{ system: `${SORT_SYSTEM}-deleted`, value: 'x' }] }));
    await create(t, patient('Stays', { identifier: [{ system: `${SORT_SYSTEM}-deleted`, value: 'y' }] }));
    await t.request('DELETE', `/fhir/Patient/${gone.id}`);
    const res = await t.request('GET', `/fhir/Patient?identifier=${SORT_SYSTEM}-deleted|&_total=accurate`);
    expect(res.body.total).toBe(1);
    expect(matchIds(res)).not.toContain(gone.id);
  });
});

describe('_summary and _elements', () => {
  it('_summary=count returns only the total', async () => {
    const res = await t.request('GET', `/fhir/Patient?${SET}&_summary=count`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.entry ?? []).toHaveLength(0);
  });

  it('_summary=true keeps summary elements only and tags entries SUBSETTED', async () => {
    const res = await t.request('GET', `/fhir/Patient?${SET}&_summary=true`);
    expect(matchIds(res)).toHaveLength(5);
    for (const { resource } of res.body.entry) {
      expect(resource.name).toBeDefined();
      expect(resource.identifier).toBeDefined();
      expect(resource.maritalStatus).toBeUndefined();
      expect(resource.text).toBeUndefined();
      expect(resource.meta.tag).toContainEqual(expect.objectContaining({ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' }));
    }
  });

  it('_summary=data drops the narrative, _summary=false returns everything', async () => {
    const data = await t.request('GET', `/fhir/Patient?${SET}&_summary=data&_count=1`);
    expect(data.body.entry[0].resource.text).toBeUndefined();
    expect(data.body.entry[0].resource.maritalStatus).toBeDefined();
    const full = await t.request('GET', `/fhir/Patient?${SET}&_summary=false&_count=1`);
    expect(full.body.entry[0].resource.text).toBeDefined();
    expect(full.body.entry[0].resource.meta.tag).toBeUndefined();
    expectOutcome(await t.request('GET', `/fhir/Patient?${SET}&_summary=maybe`), 400, { expression: '_summary' });
  });

  it('_elements returns the listed elements (and mandatory ones), tagged SUBSETTED', async () => {
    const res = await t.request('GET', `/fhir/Patient?${SET}&_elements=birthDate,gender`);
    for (const { resource } of res.body.entry) {
      expect(Object.keys(resource).sort()).toEqual(expect.arrayContaining(['gender', 'id', 'meta', 'resourceType']));
      expect(resource.name).toBeUndefined();
      expect(resource.identifier).toBeUndefined();
      expect(resource.meta.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    }
    const withBirthDate = res.body.entry.filter((e: any) => e.resource.birthDate);
    expect(withBirthDate).toHaveLength(4);
  });
});

describe('POST [type]/_search', () => {
  it('takes parameters from a form body, alone or with URL parameters', async () => {
    const res = await t.request('POST', '/fhir/Patient/_search', {
      body: `${SET.replace('|', '%7C')}&_sort=family,-birthdate&_count=2`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(named(res)).toEqual(['adams-2000', 'adams-1990']);
    expect(res.body.total).toBe(5);
    // The next link is a GET that carries the body's parameters.
    const next = await t.request('GET', linkOf(res, 'next')!);
    expect(named(next)).toEqual(['baker-1980', 'baker-none']);
    const mixed = await t.request('POST', '/fhir/Patient/_search?family=carter', {
      body: `${SET.replace('|', '%7C')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(named(mixed)).toEqual(['carter-1975']);
  });

  it('refuses unknown parameters in the body too', async () => {
    const res = await t.request('POST', '/fhir/Patient/_search', { body: 'shoe-size=9', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectOutcome(res, 400, { expression: 'shoe-size' });
  });
});
