// The citizen's own area in a real browser, signed in as the demo citizen (Marco Hassan, NHS number
// 999 700 8340, the third person of the demo population): their record in plain words, who has
// looked at it and why, and their opt-out from research and planning, recorded and withdrawn. A
// citizen never reaches anyone else's record, by address or by API.
import type { Bundle, Consent, Patient } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NHS_NUMBER_SYSTEM } from '../../src/fhir/systems.ts';
import { directiveOf } from '../../src/governance/policy/consent-directives.ts';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';

const CITIZEN_NHS = '9997008340';

let world: ViewerWorld;
let browser: Browser;
let marco: Patient;
let other: Patient;

const tokenOf = (page: Page) => page.evaluate(() => (JSON.parse(sessionStorage.getItem('sharedcare.session')!) as { accessToken: string }).accessToken);
const errorCode = (body: any): string | undefined => body?.issue?.[0]?.details?.coding?.[0]?.code;

async function signedInCitizen(path = '/'): Promise<Page> {
  const page = await newPage(browser);
  await signInAs(page, world.origin, 'citizen', path);
  return page;
}

/** The citizen's national-data-opt-out Consents, as the citizen reads them through the API. */
async function optOutConsents(token: string): Promise<Consent[]> {
  const res = await world.t.request('GET', `/fhir/Consent?patient=Patient/${marco.id}`, { token });
  expect(res.status, res.text).toBe(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as Consent)
    .filter((c) => c.policyRule?.coding?.some((x) => x.code === 'national-data-opt-out'));
}

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
  [marco] = await world.search<Patient>('Patient', `identifier=${NHS_NUMBER_SYSTEM}|${CITIZEN_NHS}`);
  other = (await world.search<Patient>('Patient', '_count=50')).find((p) => !p.identifier?.some((i) => i.value === CITIZEN_NHS))!;
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('the citizen\'s own record', () => {
  it('signs in and lands on their record in plain words: who looks after them, medicines, conditions, visits', async () => {
    expect(marco, 'the demo citizen is in the first 20 people of seed 1').toBeDefined();
    const page = await signedInCitizen();
    expect(new URL(page.url()).pathname).toBe('/me');
    await page.getByText('Who looks after you').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your health and care record');
    const lede = await page.locator('.nhsuk-lede-text').textContent();
    expect(lede).toContain('Hassan');
    expect(lede).toContain('born 28 June 2018');
    expect(lede).toContain('NHS number 999 700 8340');
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('Meadowbank');
    expect(text).toContain('Selam Hassan');
    expect(text).toContain('Paracetamol 500mg tablets');
    expect(text).toContain('Conjunctivitis');
    expect(text).toContain('Rotavirus');
    expect(text).toMatch(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/);
    // No codes, systems or machine dates: SNOMED (9826008 conjunctivitis), dm+d, URIs, ISO dates.
    expect(text).not.toMatch(/9826008|322236009|https?:\/\/|urn:|\d{4}-\d{2}-\d{2}/);
    expect(await page.getByRole('link', { name: 'Find a person' }).count()).toBe(0);
    await expectAccessible(page, 'the citizen\'s record');
    await screenshot(page, 'citizen-record');
  });

  it('is usable on a tablet held upright: nothing wider than the screen', async () => {
    const page = await newPage(browser, { width: 768, height: 1024 });
    await signInAs(page, world.origin, 'citizen');
    await page.getByText('Who looks after you').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectAccessible(page, 'the citizen\'s record at 768 wide');
  });
});

describe('who has looked at the record', () => {
  it('lists a clinician\'s break glass with their reason, and a system\'s read, but not the citizen\'s own visits', async () => {
    const doctor = await world.t.token('user/*.rs', { kind: 'user', subject: 'ae-doc-1', name: 'Dr Priya Raman', role: 'R8000', organization: 'RQX' });
    const claim = await world.t.request('POST', `/fhir/Patient/${marco.id}/$claim-access`, {
      token: doctor,
      body: { resourceType: 'Parameters', parameter: [{ name: 'kind', valueCode: 'break-glass' }, { name: 'reason', valueString: 'Brought in unconscious, checking allergies' }] },
    });
    expect(claim.status, claim.text).toBe(200);
    expect((await world.t.request('GET', `/fhir/Patient/${marco.id}/$everything`, { token: doctor })).status).toBe(200);
    const system = await world.t.token('system/*.rs', { organization: 'E09000012', clientId: 'hackney-case-system' });
    expect((await world.t.request('GET', `/fhir/Patient/${marco.id}`, { token: system })).status).toBe(200);

    const page = await signedInCitizen('/me/views');
    const table = page.getByRole('table', { name: /Who has looked at your record/ });
    await table.waitFor();
    const text = (await table.textContent())!;
    expect(text).toContain('Dr Priya Raman');
    expect(text).toContain('Doctor or other clinician');
    expect(text).toContain('Homerton');
    expect(text).toContain('Emergency access (break glass)');
    expect(text).toContain('Brought in unconscious, checking allergies');
    expect(text).toContain('Your whole record');
    expect(text).toContain('A computer system (hackney-case-system)');
    expect(text).not.toContain('Marco');
    await expectAccessible(page, 'who has looked at the record');
    await screenshot(page, 'citizen-views');
  });
});

describe('data choices', () => {
  it('records the opt-out from research and planning, shows it, and withdraws it; the API shows the Consent', async () => {
    const page = await signedInCitizen('/me/choices');
    const current = page.locator('#current-choice');
    await current.waitFor();
    expect(await current.textContent()).toContain('You have not opted out');
    await expectAccessible(page, 'the data choices page');

    await page.getByRole('button', { name: 'Save my choice' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Select whether your information can be used');
    await expectAccessible(page, 'the data choices page with an error');

    await page.getByLabel('No, do not use my information for research and planning (opt out)').check();
    await page.getByRole('button', { name: 'Save my choice' }).click();
    await page.getByText('Your choice has been saved').waitFor();
    await page.getByText('You have opted out since').waitFor();
    await expectAccessible(page, 'the data choices page after opting out');
    await screenshot(page, 'citizen-choices');

    const token = await tokenOf(page);
    const [consent] = await optOutConsents(token);
    expect(consent).toMatchObject({ status: 'active', patient: { reference: `Patient/${marco.id}` }, provision: { type: 'deny' } });
    expect(directiveOf(consent!, new Date())).toBe('opt-out');
    // The choice is in the audit trail, with what was written.
    const audit = await world.search('AuditEvent', `patient=${marco.id}&subtype=opt-out`);
    expect(JSON.stringify(audit)).toContain('opt-out recorded');

    await page.getByLabel('Yes, my information can be used for research and planning').check();
    await page.getByRole('button', { name: 'Save my choice' }).click();
    await page.getByText('You have withdrawn your opt-out').waitFor();
    await page.getByText('You have not opted out').waitFor();
    const [ended] = await optOutConsents(token);
    expect(ended).toMatchObject({ id: consent!.id, status: 'inactive' });
    expect(ended!.provision?.period?.end).toBeDefined();
    expect(directiveOf(ended!, new Date())).toBeUndefined();
  });

  it('over the API: only the citizen, only for their own record; staff and systems are refused', async () => {
    const page = await signedInCitizen();
    const token = await tokenOf(page);
    const optOut = (id: string, bearer: string) => world.t.request('POST', `/fhir/Patient/${id}/$opt-out`, {
      token: bearer, body: { resourceType: 'Parameters', parameter: [{ name: 'choice', valueCode: 'opt-out' }] },
    });
    const others = await optOut(other.id!, token);
    expect([others.status, errorCode(others.body)]).toEqual([404, 'STORE_NOT_FOUND']);
    expect((await world.t.request('GET', `/fhir/Patient/${other.id}/$opt-out`, { token })).status).toBe(404);
    const staff = await world.t.token('user/*.cruds', { kind: 'user', subject: 'gp-1', role: 'R8000', organization: 'F84001' });
    const byStaff = await optOut(marco.id!, staff);
    expect([byStaff.status, errorCode(byStaff.body)]).toEqual([403, 'POLICY_OPT_OUT_CALLER']);
    const system = await world.t.token('system/*.cruds', { organization: 'E09000012' });
    expect((await optOut(marco.id!, system)).status).toBe(403);
    const bad = await world.t.request('POST', `/fhir/Patient/${marco.id}/$opt-out`, { token, body: { resourceType: 'Parameters', parameter: [{ name: 'choice', valueCode: 'maybe' }] } });
    expect(bad.status).toBe(400);
    // Nothing refused wrote anything: no opt-out is in force.
    expect((await optOutConsents(token)).filter((c) => c.status === 'active')).toEqual([]);
    // The citizen's token may still not write a Consent directly.
    const direct = await world.t.request('POST', '/fhir/Consent', { token, body: { resourceType: 'Consent', status: 'active', patient: { reference: `Patient/${marco.id}` } } });
    expect(direct.status).toBe(403);
  });
});

describe('nobody else\'s record', () => {
  it('a citizen typing another person\'s record address sees it is not available, and the API finds nothing', async () => {
    const page = await signedInCitizen(`/record/Patient/${other.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This page is not available');
    const family = other.name?.[0]?.family ?? '';
    expect(await page.locator('main').textContent()).not.toContain(family);
    await expectAccessible(page, 'another person\'s record, as a citizen');

    const token = await tokenOf(page);
    for (const path of [`Patient/${other.id}`, `Patient/${other.id}/$summary`, `Patient/${other.id}/$everything`]) {
      const res = await world.t.request('GET', `/fhir/${path}`, { token });
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain(family);
    }
    const search = await world.t.request('GET', `/fhir/Patient?_id=${other.id}`, { token });
    expect(search.body.total ?? search.body.entry?.length ?? 0).toBe(0);
    const audit = await world.t.request('GET', `/fhir/AuditEvent?patient=${other.id}`, { token });
    expect(audit.body.entry ?? []).toEqual([]);
  });

  it('their own record\'s staff address takes them to their own area', async () => {
    const page = await signedInCitizen(`/record/Patient/${marco.id}`);
    await page.waitForURL((u) => u.pathname === '/me');
    await page.getByText('Who looks after you').waitFor();
  });

  it('a member of staff has no citizen area', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker', '/me/choices');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This page is for people seeing their own record');
    expect(await page.getByRole('button', { name: 'Save my choice' }).count()).toBe(0);
  });
});
