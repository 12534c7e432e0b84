// $locate over HTTP against the shipped sample table (src/events/locator/sample/): which council
// answers for an address, by GET and by POST, down to a single property at a straddling postcode;
// the errors never echo the postcode; and an external client (fhir-kit-client) over a real socket.
import type { Parameters } from '@medplum/fhirtypes';
import { Client as FhirKitClient } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONS_GSS_CODE_SYSTEM } from '../../src/fhir/systems.ts';
import { expectOutcome } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

// Rows of the sample table: postcodes.csv `NG1` and `NG2 4PD`, councils.csv E06000018 and E10000024,
// overrides.csv `NG2 4PD,41` / `Trent View House` / UPRN 999000000047, postcodes.csv `LN` and `S10`.
const CITY = { gss: 'E06000018', name: 'Nottingham City Council', officeHoursPhone: '0115 496 0200', emergencyDutyPhone: '0115 496 0299' };
const COUNTY = { gss: 'E10000024', name: 'Nottinghamshire County Council', officeHoursPhone: '0115 496 0100', emergencyDutyPhone: '0115 496 0199' };
const POST_LOCATION = "Parameters.parameter.where(name='postcode')";

let t: TestPlatform;
let base: string;
let hospitalSystem: string;
let patientsOnly: string;

beforeAll(async () => {
  t = await startTestPlatform({ baseUrl: undefined });
  base = `${await t.app.listen({ port: 0, host: '127.0.0.1' })}/fhir`;
  hospitalSystem = await t.token('system/Organization.rs', { subject: 'qmc-epr', kind: 'system', organization: 'RX1' });
  patientsOnly = await t.token('system/Patient.rs system/Encounter.cruds', { subject: 'ward-system', kind: 'system', organization: 'RX1' });
});

afterAll(async () => t?.close());

/** The answer's parameters by name. */
function answer(body: Parameters): Record<string, unknown> {
  expect(body.resourceType).toBe('Parameters');
  const out: Record<string, unknown> = {};
  for (const p of body.parameter ?? []) {
    const { name, ...value } = p;
    expect(Object.keys(value)).toHaveLength(1);
    out[name] = Object.values(value)[0];
  }
  return out;
}

const locate = (query: string, token = hospitalSystem) => t.request('GET', `/fhir/$locate?${query}`, { token });
const locatePost = (parameter: Parameters['parameter'], token = hospitalSystem) =>
  t.request('POST', '/fhir/$locate', { token, body: { resourceType: 'Parameters', parameter } });

describe('GET $locate', () => {
  it('answers with the council of the postcode district, and how to reach it', async () => {
    const res = await locate('postcode=NG1%205DT');
    expect(res.status, res.text).toBe(200);
    expect(answer(res.body)).toEqual({
      localAuthority: { system: ONS_GSS_CODE_SYSTEM, code: CITY.gss, display: CITY.name },
      name: CITY.name, matchedBy: 'district', local: true, officeHoursPhone: CITY.officeHoursPhone, emergencyDutyPhone: CITY.emergencyDutyPhone,
    });
  });

  it('reads a postcode in any spelling', async () => {
    const res = await locate('postcode=%20ng15dt%20');
    expect(res.status, res.text).toBe(200);
    expect(answer(res.body)).toMatchObject({ name: CITY.name, matchedBy: 'district' });
  });

  it('prefers a full-postcode row, then settles a straddling postcode property by property', async () => {
    expect(answer((await locate('postcode=NG2%204PD')).body)).toMatchObject({ localAuthority: { code: CITY.gss }, matchedBy: 'postcode' });
    const byHouse = await locate(`postcode=NG2%204PD&address=${encodeURIComponent('41 Trent Side Road')}&address=Nottingham`);
    expect(byHouse.status, byHouse.text).toBe(200);
    expect(answer(byHouse.body)).toEqual({
      localAuthority: { system: ONS_GSS_CODE_SYSTEM, code: COUNTY.gss, display: COUNTY.name },
      name: COUNTY.name, matchedBy: 'property', local: true, officeHoursPhone: COUNTY.officeHoursPhone, emergencyDutyPhone: COUNTY.emergencyDutyPhone,
    });
    // One value, lines parted by commas: the building is on the second line.
    const flat = await locate(`address=${encodeURIComponent('Flat 3,Trent View House,Trent Side Road')}&postcode=NG2%204PD`);
    expect(answer(flat.body)).toMatchObject({ localAuthority: { code: COUNTY.gss }, matchedBy: 'property' });
    // 141 and 41A are other properties: the postcode's own council.
    for (const line of ['141 Trent Side Road', '41A Trent Side Road']) {
      expect(answer((await locate(`postcode=NG2%204PD&address=${encodeURIComponent(line)}`)).body)).toMatchObject({ localAuthority: { code: CITY.gss }, matchedBy: 'postcode' });
    }
  });

  it('finds a property by its UPRN', async () => {
    const res = await locate('postcode=NG2%204PD&uprn=999000000047&address=Unknown%20House');
    expect(answer(res.body)).toMatchObject({ localAuthority: { code: COUNTY.gss }, matchedBy: 'property' });
  });

  it('names an area row and a council reached by endpoint or email', async () => {
    expect(answer((await locate('postcode=LN1%201AA')).body)).toEqual({
      localAuthority: { system: ONS_GSS_CODE_SYSTEM, code: 'E10000019', display: 'Lincolnshire County Council' }, name: 'Lincolnshire County Council',
      matchedBy: 'area', email: 'customer.service.hospitals@lincolnshire.example', officeHoursPhone: '01632 960300', emergencyDutyPhone: '01632 960399',
    });
    expect(answer((await locate('postcode=S10%202TN')).body)).toMatchObject({ name: 'Sheffield City Council', endpoint: 'https://fhir.sheffield.example/R4' });
  });

  it('refuses a malformed or missing postcode without echoing it', async () => {
    const bad = await locate('postcode=NG1%205D');
    expectOutcome(bad, 400, { id: 'LOCATOR_POSTCODE', expression: 'postcode' });
    expect(bad.text).not.toContain('NG1 5D');
    expectOutcome(await locate('address=41%20Trent%20Side%20Road'), 400, { id: 'LOCATOR_POSTCODE', expression: 'postcode' });
    expectOutcome(await locate('postcode=NG1%205DT&postcode=NG2%204PD'), 400, { id: 'OPERATION_PARAMETER_REPEATED' });
  });

  it('answers 404 for a postcode no council in the table covers', async () => {
    const res = await locate('postcode=ZE1%200AA');
    expectOutcome(res, 404, { id: 'LOCATOR_NOT_FOUND' });
    expect(res.text).not.toContain('ZE1');
  });

  it('refuses a caller who may not read Organization', async () => {
    expectOutcome(await locate('postcode=NG1%205DT', patientsOnly), 403);
    expectOutcome(await locatePost([{ name: 'postcode', valueString: 'NG1 5DT' }], patientsOnly), 403);
    expect((await locate('postcode=NG1%205DT', '')).status).toBe(401);
  });
});

describe('POST $locate', () => {
  it('takes the same parameters in a Parameters body', async () => {
    const res = await locatePost([
      { name: 'postcode', valueString: 'ng2 4pd' },
      { name: 'address', valueString: 'Trent View House' },
      { name: 'address', valueString: 'Trent Side Road' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(answer(res.body)).toMatchObject({ localAuthority: { code: COUNTY.gss }, name: COUNTY.name, matchedBy: 'property' });
    expect(answer((await locatePost([{ name: 'postcode', valueString: 'NG1 5DT' }])).body)).toMatchObject({ localAuthority: { code: CITY.gss }, matchedBy: 'district' });
  });

  it('names the parameter in the body when the postcode is malformed, and 404s an unknown one', async () => {
    const bad = await locatePost([{ name: 'postcode', valueString: 'not a postcode' }]);
    expectOutcome(bad, 400, { id: 'LOCATOR_POSTCODE', expression: POST_LOCATION });
    expect(bad.text).not.toContain('not a postcode');
    expectOutcome(await locatePost([{ name: 'address', valueString: '41 Trent Side Road' }]), 400, { id: 'LOCATOR_POSTCODE', expression: POST_LOCATION });
    expectOutcome(await locatePost([{ name: 'postcode', valueString: 'ZE1 0AA' }]), 404, { id: 'LOCATOR_NOT_FOUND' });
  });

  it('refuses a body that is not Parameters', async () => {
    const res = await t.request('POST', '/fhir/$locate', { token: hospitalSystem, body: { resourceType: 'Patient' } });
    expectOutcome(res, 400, { id: 'OPERATION_BODY' });
  });
});

describe('fhir-kit-client', () => {
  const kit = () => new FhirKitClient({ baseUrl: base, bearerToken: hospitalSystem });

  it('calls $locate with GET and with POST through its operation method', async () => {
    const got = await kit().operation({ name: 'locate', method: 'GET', input: { postcode: 'NG2 4PD', address: ['43 Trent Side Road', 'Nottingham'] } });
    expect(answer(got as Parameters)).toMatchObject({ localAuthority: { code: COUNTY.gss }, matchedBy: 'property' });
    const posted = await kit().operation({ name: '$locate', input: { resourceType: 'Parameters', parameter: [{ name: 'postcode', valueString: 'NG1 5DT' }] } });
    expect(answer(posted as Parameters)).toMatchObject({ localAuthority: { code: CITY.gss }, name: CITY.name, matchedBy: 'district' });
  });

  it('rejects with the server’s status for an unknown postcode', async () => {
    const err = await kit().operation({ name: 'locate', method: 'GET', input: { postcode: 'ZE1 0AA' } }).then(() => undefined, (e: unknown) => e);
    const e = err as { response?: { status?: number; data?: any }; status?: number };
    expect(e?.response?.status ?? e?.status).toBe(404);
  });
});
