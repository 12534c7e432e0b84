// One person from two sources over HTTP: a GP bundle and a council bundle with the same NHS number
// arrive through $import and form one Person, found by NHS number or by either record; its
// $everything returns both sources' compartments, pages, and keeps to what the token may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkStore } from '../../src/identity/links/link-store.ts';
import { sourceResourceId } from '../../src/ingest/provenance.ts';
import { entryKeys, everyPage, expectOutcome, nhsIdentifier, nhsNumber } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const nhs = nhsNumber(5150);
const details = { name: [{ family: 'Featherstone', given: ['Winifred'] }], gender: 'female', birthDate: '1944-05-17', address: [{ postalCode: 'S10 2TN' }] };

/** Imports a collection Bundle from `source`; returns the stored `Type/id` of each resource. */
async function importBundle(source: string, resources: Array<Record<string, any>>): Promise<string[]> {
  const res = await t.request('POST', `/fhir/$import?source=${source}`, { body: { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.parameter.find((x: any) => x.name === 'quarantined').valueInteger).toBe(0);
  return resources.map((r) => `${r.resourceType}/${sourceResourceId(source, `${r.resourceType}/${r.id}`, r.resourceType)}`);
}

const idOf = (key: string) => key.split('/')[1]!;
let gp: string[];
let council: string[];
let practitioner: string;
let personId: string;
let otherPerson: string;
let other: string[];

beforeAll(async () => {
  gp = await importBundle('gp-everything', [
    { resourceType: 'Patient', id: 'p1', identifier: [nhsIdentifier(nhs)], ...details },
    { resourceType: 'Observation', id: 'o1', status: 'final', code: { text: 'blood pressure' }, subject: { reference: 'Patient/p1' }, performer: [{ reference: 'Practitioner/dr1' }] },
    { resourceType: 'Condition', id: 'c1', code: { text: 'Type 2 diabetes' }, subject: { reference: 'Patient/p1' } },
    { resourceType: 'Practitioner', id: 'dr1', name: [{ family: 'Okafor' }] },
  ]);
  practitioner = gp.pop()!;
  // The council sends the same NHS number but spells the forename differently.
  council = await importBundle('council-everything', [
    { resourceType: 'Patient', id: 'w-77', identifier: [nhsIdentifier(nhs)], ...details, name: [{ family: 'Featherstone', given: ['Winnie'] }] },
    { resourceType: 'EpisodeOfCare', id: 'ep1', status: 'active', patient: { reference: 'Patient/w-77' } },
    { resourceType: 'Observation', id: 'o2', status: 'final', code: { text: 'care needs assessment' }, subject: { reference: 'Patient/w-77' } },
    { resourceType: 'Flag', id: 'f1', status: 'active', code: { text: 'key safe' }, subject: { reference: 'Patient/w-77' } },
  ]);
  other = await importBundle('gp-everything', [
    { resourceType: 'Patient', id: 'p2', identifier: [nhsIdentifier(nhsNumber(6160))], name: [{ family: 'Ashworth', given: ['Harold'] }], birthDate: '1950-01-01' },
    { resourceType: 'Observation', id: 'o3', status: 'final', code: { text: 'not theirs' }, subject: { reference: 'Patient/p2' } },
  ]);
  const found = await t.request('GET', `/fhir/Person?identifier=${NHS}|${nhs}`);
  expect(found.body.total, found.text).toBe(1);
  personId = found.body.entry[0].resource.id;
  otherPerson = (await t.request('GET', `/fhir/Person?patient=${other[0]}`)).body.entry[0].resource.id;
});

describe('Person search', () => {
  it('one Person links both sources\' records and carries the NHS number', async () => {
    const person = (await t.request('GET', `/fhir/Person/${personId}`)).body;
    expect(person.active).toBe(true);
    expect(person.link.map((l: any) => l.target.reference).sort()).toEqual([gp[0], council[0]].sort());
    expect(person.identifier).toContainEqual(expect.objectContaining({ system: NHS, value: nhs }));
  });

  it('Person?identifier finds a person whose number came from another source than the matching record', async () => {
    // A council record without the number, linked by its details, is found through the GP's number.
    const [late] = await importBundle('council-everything', [{ resourceType: 'Patient', id: 'w-78', ...details, name: [{ family: 'Featherstone', given: ['Winifred'] }] }]);
    const byRecord = await t.request('GET', `/fhir/Person?patient=${late}`);
    expect(byRecord.body.entry.map((e: any) => e.resource.id)).toEqual([personId]);
    const byNumber = await t.request('GET', `/fhir/Person?identifier=${NHS}|${nhs}`);
    expect(byNumber.body.entry.map((e: any) => e.resource.id)).toEqual([personId]);
    expect(byNumber.body.entry[0].resource.link.map((l: any) => l.target.reference)).toContain(late);
    expect((await t.request('GET', `/fhir/Person?identifier=${nhs}`)).body.total).toBe(1);
  });

  it('Person?patient= and Person?link= find a record\'s person, whichever record is named', async () => {
    for (const record of [gp[0], council[0]]) {
      expect((await t.request('GET', `/fhir/Person?patient=${record}`)).body.entry.map((e: any) => e.resource.id)).toEqual([personId]);
      expect((await t.request('GET', `/fhir/Person?link=${record}`)).body.entry.map((e: any) => e.resource.id)).toEqual([personId]);
    }
    expect((await t.request('GET', `/fhir/Person?patient=${other[0]}`)).body.entry.map((e: any) => e.resource.id)).toEqual([otherPerson]);
  });

  it('_include=Person:patient brings the records; _revinclude=Person:patient brings a record\'s person', async () => {
    const res = await t.request('GET', `/fhir/Person?identifier=${NHS}|${nhs}&_include=Person:patient`);
    expect(entryKeys(res, 'include').sort()).toEqual(expect.arrayContaining([gp[0], council[0]]));
    const rev = await t.request('GET', `/fhir/Patient?_id=${idOf(council[0]!)}&_revinclude=Person:patient`);
    expect(entryKeys(rev, 'match')).toEqual([council[0]]);
    expect(entryKeys(rev, 'include')).toEqual([`Person/${personId}`]);
  });
});

describe('Person/$everything', () => {
  it('returns the person, both records and both sources\' compartments, with referenced shared resources', async () => {
    const res = await t.request('GET', `/fhir/Person/${personId}/$everything`);
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const matches = entryKeys(res, 'match');
    expect(matches).toEqual(expect.arrayContaining([`Person/${personId}`, ...gp, ...council]));
    expect(entryKeys(res, 'include')).toContain(practitioner);
    for (const key of [...other, `Person/${otherPerson}`]) expect(entryKeys(res)).not.toContain(key);
  });

  it('pages with _count and next links, without repeats or losses, and honours _type', async () => {
    const all = entryKeys(await t.request('GET', `/fhir/Person/${personId}/$everything`), 'match');
    const { matches, pages } = await everyPage(t, `/fhir/Person/${personId}/$everything?_count=2`);
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect(new Set(matches).size).toBe(matches.length);
    expect(matches.sort()).toEqual([...all].sort());
    const typed = await everyPage(t, `/fhir/Person/${personId}/$everything?_type=Observation&_count=1`);
    expect(typed.matches.sort()).toEqual([gp[1], council[2]].sort());
  });

  it('answers 404 for an unknown person, 400 for a bad _count, and Patient/$everything stays one record', async () => {
    expectOutcome(await t.request('GET', '/fhir/Person/nobody/$everything'), 404);
    expectOutcome(await t.request('GET', `/fhir/Person/${personId}/$everything?_count=lots`), 400);
    const one = entryKeys(await t.request('GET', `/fhir/Patient/${idOf(council[0]!)}/$everything`), 'match');
    expect(one).toEqual(expect.arrayContaining(council));
    for (const key of gp) expect(one).not.toContain(key);
  });

  it('a patient-context token sees nothing of another person, and the whole of its own person', async () => {
    const stranger = await t.token('patient/*.rs', { patient: idOf(other[0]!) });
    expectOutcome(await t.request('GET', `/fhir/Person/${personId}/$everything`, { token: stranger }), 404);
    // A launch on one source record is a launch on the person: every linked record comes along.
    const person = (await t.request('GET', `/fhir/Person/${personId}`)).body;
    const first = person.link[0].target.reference as string;
    const own = await t.token('patient/*.rs', { patient: idOf(first) });
    const res = await t.request('GET', `/fhir/Person/${personId}/$everything`, { token: own });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(entryKeys(res, 'match')).toEqual(expect.arrayContaining([`Person/${personId}`, ...gp, ...council]));
    for (const key of other) expect(entryKeys(res)).not.toContain(key);
    expectOutcome(await t.request('GET', `/fhir/Person/${personId}/$everything`, { token: await t.token('user/Observation.rs') }), 403);
  });

  it('a person merged into another answers 410 naming the survivor', async () => {
    const [lone] = await importBundle('council-everything', [{ resourceType: 'Patient', id: 'lone', name: [{ family: 'Quigley', given: ['Mabel'] }], birthDate: '1930-03-03' }]);
    const loneId = idOf(lone!);
    const retired = (await t.request('GET', `/fhir/Person?patient=${lone}`)).body.entry[0].resource.id;
    await t.platform.repo.transaction((repo, sql) => new LinkStore(repo, sql).applyLinks([
      { patientId: loneId, personId: otherPerson, kind: 'manual', basis: 'manual', reason: 'same person, maiden name' },
    ], 'reviewer-test'));
    expect((await t.request('GET', `/fhir/Person/${retired}`)).body.active).toBe(false);
    const res = expectOutcome(await t.request('GET', `/fhir/Person/${retired}/$everything`), 410, { id: 'IDENTITY_PERSON_MERGED' });
    expect(res.issue[0].diagnostics).toContain(`Person/${otherPerson}`);
    expect(entryKeys(await t.request('GET', `/fhir/Person/${otherPerson}/$everything`), 'match')).toContain(lone);
  });

  it('is listed on Person in the CapabilityStatement', async () => {
    const cs = await t.request('GET', '/fhir/metadata', { token: null });
    expect(cs.body.rest[0].resource.find((r: any) => r.type === 'Person').operation.map((o: any) => o.name)).toContain('everything');
  });
});
