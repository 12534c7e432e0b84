// Search parameter semantics over HTTP: string, token, date (every prefix and precision),
// reference (chains, :identifier, _has), number, quantity, uri and the Resource-level parameters.
// See: https://hl7.org/fhir/R4/search.html
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, matchIds, patient, TEST_ID_SYSTEM } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';
import { LOINC_SYSTEM, UCUM_SYSTEM } from '../../src/fhir/systems.ts';

let t: TestPlatform;
const OTHER_SYSTEM = 'urn:sharedcare:test:other';
const TAG_SYSTEM = 'urn:sharedcare:test:tags';
const ids: Record<string, string> = {};

/** Names of the fixture resources whose ids are in `res`'s matches, sorted. */
async function search(url: string): Promise<string[]> {
  const res = await t.request('GET', url);
  const found = matchIds(res);
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return found.map((id) => byId.get(id) ?? `?${id}`).sort();
}

beforeAll(async () => {
  t = await startTestPlatform();
  const p1 = await create(t, patient('Müller', {
    name: [{ family: 'Müller', given: ['Anna'] }],
    birthDate: '1970-05-01',
    gender: 'female',
    identifier: [{ system: TEST_ID_SYSTEM, value: 'p1' }],
    maritalStatus: { text: 'Married' },
    meta: { tag: [{ system: TAG_SYSTEM, code: 'vip' }], profile: ['http://example.org/StructureDefinition/profile-a'], source: 'urn:source:gp-system' },
    telecom: [{ system: 'email', value: 'anna@example.org' }],
  }));
  const p2 = await create(t, patient('Muller', { name: [{ family: 'Muller', given: ['Ben'] }], birthDate: '1970', gender: 'male', identifier: [{ system: TEST_ID_SYSTEM, value: 'p2' }] }));
  const p3 = await create(t, patient('Smithson', { name: [{ family: 'Smithson', given: ['Carl'] }], birthDate: '1985-12-24', gender: 'male', identifier: [{ system: OTHER_SYSTEM, value: 'p3' }] }));
  const p4 = await create(t, patient('Smith', { name: [{ family: 'Smith', given: ['Dora'] }], birthDate: '1969-12-31', gender: 'female', identifier: [{ value: 'nosys' }] }));
  const p5 = await create(t, patient('Jones', { name: [{ family: 'Jones', given: ['Émile'] }] }));
  Object.assign(ids, { p1: p1.id, p2: p2.id, p3: p3.id, p4: p4.id, p5: p5.id });
  const systolic = { coding: [{ system: LOINC_SYSTEM, code: '8480-6', display: 'Systolic blood pressure' }], text: 'Blood pressure systolic' };
  const o1 = await create(t, {
    resourceType: 'Observation', status: 'final', code: systolic, subject: { reference: `Patient/${p1.id}` },
    effectiveDateTime: '2021-03-04T10:00:00+01:00', valueQuantity: { value: 120, unit: 'mmHg', system: UCUM_SYSTEM, code: 'mm[Hg]' },
  });
  const o2 = await create(t, {
    resourceType: 'Observation', status: 'final', code: { coding: [{ system: LOINC_SYSTEM, code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${p1.id}` }, effectiveDateTime: '2021-03-05', valueQuantity: { value: 80, unit: 'beats/min', system: UCUM_SYSTEM, code: '/min' },
  });
  const o3 = await create(t, {
    resourceType: 'Observation', status: 'preliminary', code: { coding: [{ system: LOINC_SYSTEM, code: '8480-6' }] },
    subject: { reference: `Patient/${p2.id}`, identifier: { system: TEST_ID_SYSTEM, value: 'p2' } }, valueQuantity: { value: 130, system: UCUM_SYSTEM, code: 'mm[Hg]' },
  });
  const o4 = await create(t, {
    resourceType: 'Observation', status: 'final', code: { text: 'Body weight' }, subject: { reference: `Patient/${p3.id}` },
    valueQuantity: { value: 70.5, unit: 'kg', system: UCUM_SYSTEM, code: 'kg' },
  });
  const r1 = await create(t, { resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${p1.id}` }, prediction: [{ probabilityDecimal: 0.25 }] });
  const r2 = await create(t, { resourceType: 'RiskAssessment', status: 'final', subject: { reference: `Patient/${p2.id}` }, prediction: [{ probabilityDecimal: 0.8 }] });
  const vs = await create(t, { resourceType: 'ValueSet', status: 'active', url: 'http://example.org/fhir/ValueSet/colours' });
  Object.assign(ids, { o1: o1.id, o2: o2.id, o3: o3.id, o4: o4.id, r1: r1.id, r2: r2.id, vs: vs.id });
});
afterAll(async () => {
  await t?.close();
});

describe('string', () => {
  it('matches the start of any name part, ignoring case and accents', async () => {
    expect(await search('/fhir/Patient?name=mul')).toEqual(['p1', 'p2']);
    expect(await search('/fhir/Patient?family=MÜLLER')).toEqual(['p1', 'p2']);
    expect(await search('/fhir/Patient?family=smith')).toEqual(['p3', 'p4']);
    expect(await search('/fhir/Patient?given=emile')).toEqual(['p5']);
    expect(await search('/fhir/Patient?family=ith')).toEqual([]);
  });

  it(':exact is case- and accent-sensitive and whole-value', async () => {
    expect(await search('/fhir/Patient?family:exact=Müller')).toEqual(['p1']);
    expect(await search('/fhir/Patient?family:exact=müller')).toEqual([]);
    expect(await search('/fhir/Patient?family:exact=Smith')).toEqual(['p4']);
  });

  it(':contains matches anywhere in the value, ignoring case', async () => {
    expect(await search('/fhir/Patient?family:contains=MIT')).toEqual(['p3', 'p4']);
    expect(await search('/fhir/Patient?family:contains=son')).toEqual(['p3']);
    expect(await search('/fhir/Patient?family:contains=ull')).toEqual(['p1', 'p2']);
  });

  it('ORs comma-separated values and ANDs repeated parameters', async () => {
    expect(await search('/fhir/Patient?family=jones,smithson')).toEqual(['p3', 'p5']);
    expect(await search('/fhir/Patient?family=smith&given=dora')).toEqual(['p4']);
  });
});

describe('token', () => {
  it('system|code, code, |code and system|', async () => {
    expect(await search(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|p1`)).toEqual(['p1']);
    expect(await search(`/fhir/Patient?identifier=${OTHER_SYSTEM}|p1`)).toEqual([]);
    expect(await search('/fhir/Patient?identifier=p3')).toEqual(['p3']);
    expect(await search('/fhir/Patient?identifier=|nosys')).toEqual(['p4']);
    expect(await search('/fhir/Patient?identifier=|p1')).toEqual([]);
    expect(await search(`/fhir/Patient?identifier=${TEST_ID_SYSTEM}|`)).toEqual(['p1', 'p2']);
    expect(await search(`/fhir/Observation?code=${LOINC_SYSTEM}|8480-6`)).toEqual(['o1', 'o3']);
    expect(await search('/fhir/Patient?gender=female')).toEqual(['p1', 'p4']);
  });

  it(':not excludes matches, including resources with no value', async () => {
    expect(await search('/fhir/Patient?gender:not=male')).toEqual(['p1', 'p4', 'p5']);
    expect(await search('/fhir/Observation?status:not=final')).toEqual(['o3']);
  });

  it(':text searches the text and display of codes', async () => {
    expect(await search('/fhir/Observation?code:text=blood')).toEqual(['o1']);
    expect(await search('/fhir/Observation?code:text=heart')).toEqual(['o2']);
    expect(await search('/fhir/Observation?code:text=BODY%20weight')).toEqual(['o4']);
    expect(await search('/fhir/Observation?code:text=pressure')).toEqual([]);
  });

  it('matches ContactPoint values (email)', async () => {
    expect(await search('/fhir/Patient?email=anna@example.org')).toEqual(['p1']);
  });
});

describe('date', () => {
  it('a date matches when its range lies within the search value (precision)', async () => {
    expect(await search('/fhir/Patient?birthdate=1970')).toEqual(['p1', 'p2']);
    expect(await search('/fhir/Patient?birthdate=1970-05')).toEqual(['p1']);
    expect(await search('/fhir/Patient?birthdate=eq1970-05-01')).toEqual(['p1']);
    expect(await search('/fhir/Patient?birthdate=1970-05-02')).toEqual([]);
  });

  it('every prefix: ne gt lt ge le sa eb ap', async () => {
    expect(await search('/fhir/Patient?birthdate=ne1970')).toEqual(['p3', 'p4']);
    expect(await search('/fhir/Patient?birthdate=gt1970-05')).toEqual(['p2', 'p3']);
    expect(await search('/fhir/Patient?birthdate=lt1970-05')).toEqual(['p2', 'p4']);
    expect(await search('/fhir/Patient?birthdate=ge1970-05-01')).toEqual(['p1', 'p2', 'p3']);
    expect(await search('/fhir/Patient?birthdate=le1970-05-01')).toEqual(['p1', 'p2', 'p4']);
    expect(await search('/fhir/Patient?birthdate=sa1970')).toEqual(['p3']);
    expect(await search('/fhir/Patient?birthdate=eb1970')).toEqual(['p4']);
    const approx = await search('/fhir/Patient?birthdate=ap1970-05-01');
    expect(approx).toEqual(expect.arrayContaining(['p1', 'p2', 'p4']));
    expect(approx).not.toContain('p3');
  });

  it('a range of two parameters (ge and lt) selects between them', async () => {
    expect(await search('/fhir/Patient?birthdate=ge1970-01-01&birthdate=lt1986')).toEqual(['p1', 'p2', 'p3']);
  });

  it('compares dateTimes across time zones', async () => {
    expect(await search('/fhir/Observation?date=2021-03-04T09:00:00Z')).toEqual(['o1']);
    expect(await search('/fhir/Observation?date=2021-03-04T10:00:00Z')).toEqual([]);
    expect(await search('/fhir/Observation?date=2021-03-04')).toEqual(['o1']);
    expect(await search('/fhir/Observation?date=gt2021-03-04T09:30:00%2B00:00')).toEqual(['o2']);
  });

  it('dates at the ends of the calendar neither fail nor match wrongly', async () => {
    const far = await create(t, patient('Farfuture', { birthDate: '9999-12-31' }));
    const early = await create(t, patient('Farfuture', { birthDate: '0001-01-01' }));
    Object.assign(ids, { far: far.id, early: early.id });
    expect(await search('/fhir/Patient?family=farfuture&birthdate=9999-12-31')).toEqual(['far']);
    expect(await search('/fhir/Patient?family=farfuture&birthdate=gt9999-12-31')).toEqual([]);
    expect(await search('/fhir/Patient?family=farfuture&birthdate=ge9999')).toEqual(['far']);
    expect(await search('/fhir/Patient?family=farfuture&birthdate=ap0001')).toEqual(['early']);
    expect(await search('/fhir/Patient?family=farfuture&birthdate=lt0001-01-02')).toEqual(['early']);
    expect(await search('/fhir/Patient?family=farfuture&birthdate=ap9999')).toEqual(['far']);
    expectOutcome(await t.request('GET', '/fhir/Patient?birthdate=0000'), 400, { expression: 'birthdate' });
  });

  it('refuses malformed dates with 400 and an OperationOutcome free of SQL', async () => {
    for (const value of ['1970-13', 'yesterday', '1970-02-30', 'gt', '19700501']) {
      const res = await t.request('GET', `/fhir/Patient?birthdate=${value}`);
      const outcome = expectOutcome(res, 400, { expression: 'birthdate' });
      const text = outcome.issue.map((i: any) => `${i.diagnostics} ${i.details?.text}`).join(' ');
      expect(text).not.toMatch(/select |where |\$\d|search_date|timestamptz|syntax|::/i);
    }
  });
});

describe('reference', () => {
  it('by Type/id, by bare id, with a type modifier, and by absolute URL', async () => {
    expect(await search(`/fhir/Observation?subject=Patient/${ids.p1}`)).toEqual(['o1', 'o2']);
    expect(await search(`/fhir/Observation?subject=${ids.p1}`)).toEqual(['o1', 'o2']);
    expect(await search(`/fhir/Observation?subject:Patient=${ids.p1}`)).toEqual(['o1', 'o2']);
    expect(await search(`/fhir/Observation?patient=${ids.p2}`)).toEqual(['o3']);
    expect(await search(`/fhir/Observation?subject=http://sharedcare.test/fhir/Patient/${ids.p3}`)).toEqual(['o4']);
    expect(await search('/fhir/Observation?subject=Patient/unknown')).toEqual([]);
  });

  it(':identifier matches the identifier in the reference', async () => {
    expect(await search(`/fhir/Observation?subject:identifier=${TEST_ID_SYSTEM}|p2`)).toEqual(['o3']);
    expect(await search(`/fhir/Observation?subject:identifier=${TEST_ID_SYSTEM}|p1`)).toEqual([]);
  });

  it('one level of chaining, with and without a type', async () => {
    expect(await search('/fhir/Observation?subject.name=muller')).toEqual(['o1', 'o2', 'o3']);
    expect(await search(`/fhir/Observation?subject:Patient.identifier=${TEST_ID_SYSTEM}|p1`)).toEqual(['o1', 'o2']);
    expect(await search('/fhir/Observation?subject:Patient.birthdate=1985&code:text=body')).toEqual(['o4']);
    expectOutcome(await t.request('GET', '/fhir/Observation?subject.organization.name=x'), 400);
    expectOutcome(await t.request('GET', '/fhir/Observation?subject:Patient.nonsense=x'), 400);
  });

  it('_has selects resources referred to by matching resources', async () => {
    expect(await search(`/fhir/Patient?_has:Observation:subject:code=${LOINC_SYSTEM}|8480-6`)).toEqual(['p1', 'p2']);
    expect(await search('/fhir/Patient?_has:Observation:subject:status=preliminary')).toEqual(['p2']);
    expect(await search('/fhir/Patient?_has:Observation:patient:code:text=body')).toEqual(['p3']);
    expectOutcome(await t.request('GET', '/fhir/Patient?_has:Observation:subject'), 400);
  });
});

describe('number and quantity', () => {
  it('number with implicit precision and prefixes', async () => {
    expect(await search('/fhir/RiskAssessment?probability=0.25')).toEqual(['r1']);
    expect(await search('/fhir/RiskAssessment?probability=gt0.5')).toEqual(['r2']);
    expect(await search('/fhir/RiskAssessment?probability=lt0.5')).toEqual(['r1']);
    // 0.3 means [0.25, 0.35): one significant figure.
    expect(await search('/fhir/RiskAssessment?probability=0.3')).toEqual(['r1']);
    expect(await search('/fhir/RiskAssessment?probability=0.2')).toEqual([]);
    expect(await search('/fhir/RiskAssessment?probability=0.250')).toEqual(['r1']);
    expect(await search('/fhir/RiskAssessment?probability=0.251')).toEqual([]);
    expectOutcome(await t.request('GET', '/fhir/RiskAssessment?probability=lots'), 400);
  });

  it('quantity with and without units', async () => {
    expect(await search('/fhir/Observation?value-quantity=120')).toEqual(['o1']);
    expect(await search(`/fhir/Observation?value-quantity=gt100|${UCUM_SYSTEM}|mm[Hg]`)).toEqual(['o1', 'o3']);
    expect(await search('/fhir/Observation?value-quantity=120||mm[Hg]')).toEqual(['o1']);
    expect(await search(`/fhir/Observation?value-quantity=120|${UCUM_SYSTEM}|kg`)).toEqual([]);
    expect(await search('/fhir/Observation?value-quantity=le80')).toEqual(['o2', 'o4']);
    expect(await search('/fhir/Observation?value-quantity=70.5||kg')).toEqual(['o4']);
    expect(await search('/fhir/Observation?value-quantity=ge130')).toEqual(['o3']);
  });
});

describe('uri and Resource parameters', () => {
  it('uri matches the whole value', async () => {
    expect(await search('/fhir/ValueSet?url=http://example.org/fhir/ValueSet/colours')).toEqual(['vs']);
    expect(await search('/fhir/ValueSet?url=http://example.org/fhir/ValueSet')).toEqual([]);
  });

  it('_id, _tag, _profile and _source', async () => {
    expect(await search(`/fhir/Patient?_id=${ids.p1},${ids.p3}`)).toEqual(['p1', 'p3']);
    expect(await search(`/fhir/Patient?_tag=${TAG_SYSTEM}|vip`)).toEqual(['p1']);
    expect(await search('/fhir/Patient?_tag=vip')).toEqual(['p1']);
    expect(await search('/fhir/Patient?_profile=http://example.org/StructureDefinition/profile-a')).toEqual(['p1']);
    expect(await search('/fhir/Patient?_source=urn:source:gp-system')).toEqual(['p1']);
    expect(await search('/fhir/Patient?_source=urn:source:other')).toEqual([]);
  });

  it('_lastUpdated compares the instant a version was stored', async () => {
    const before = await create(t, patient('Lastupdated'));
    await new Promise((r) => setTimeout(r, 20));
    const after = await create(t, patient('Lastupdated'));
    Object.assign(ids, { lu1: before.id, lu2: after.id });
    const stamp = encodeURIComponent(before.meta.lastUpdated);
    expect(await search(`/fhir/Patient?family=lastupdated&_lastUpdated=gt${stamp}`)).toEqual(['lu2']);
    expect(await search(`/fhir/Patient?family=lastupdated&_lastUpdated=le${stamp}`)).toEqual(['lu1']);
    expect(await search(`/fhir/Patient?family=lastupdated&_lastUpdated=${before.meta.lastUpdated.slice(0, 10)}`)).toEqual(['lu1', 'lu2']);
    expect(await search('/fhir/Patient?family=lastupdated&_lastUpdated=lt2000')).toEqual([]);
  });

  it(':missing', async () => {
    expect(await search('/fhir/Patient?birthdate:missing=true&family=jones,smith,muller')).toEqual(['p5']);
    expect(await search('/fhir/Patient?birthdate:missing=false&family=jones,smith,muller')).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(await search('/fhir/Observation?date:missing=true')).toEqual(['o3', 'o4']);
    expectOutcome(await t.request('GET', '/fhir/Patient?birthdate:missing=maybe'), 400);
  });
});

describe('unknown parameters and modifiers', () => {
  it('refuses an unknown parameter with 400 naming it in expression', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient?shoe-size=42'), 400, { expression: 'shoe-size' });
  });

  it('refuses an unsupported modifier with 400', async () => {
    const res = await t.request('GET', '/fhir/Patient?gender:contains=ma');
    expectOutcome(res, 400, { expression: 'gender:contains' });
  });

  it('ignores unknown parameters under Prefer: handling=lenient', async () => {
    const res = await t.request('GET', '/fhir/Patient?shoe-size=42&family=jones', { headers: { prefer: 'handling=lenient' } });
    expect(matchIds(res)).toEqual([ids.p5]);
  });
});
