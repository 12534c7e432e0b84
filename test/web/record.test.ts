// The record page in a real browser: a social worker with an open Hackney case sees the summary
// (NHS number and its status, GP practice), the alerts (CP-IS, safeguarding, allergies) and every
// tab their role has, each item with its source and a disagreement between sources in words; a
// receptionist sees only visits, is refused a tab by address, and never receives medication data,
// in the browser or through the API with their token.
import type { AllergyIntolerance, Bundle, Resource } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';
import {
  HACKNEY_CASE, addHeavyPerson, attendHomerton, findChild, openHackneyCase, putOnChildProtectionPlan, recordMedicinesOnArrival, type TestPerson,
} from './record-people.ts';

const PEOPLE = 50;
const MEDICATION_TYPES = ['MedicationRequest', 'MedicationStatement', 'MedicationAdministration', 'MedicationDispense'];
let world: ViewerWorld;
let browser: Browser;
let heavy: TestPerson;
let child: TestPerson;
let medicine: { medicine: string; gpDose: string; homertonDose: string };

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: PEOPLE }), launchBrowser()]);
  heavy = await addHeavyPerson(world, PEOPLE);
  await openHackneyCase(world, heavy);
  medicine = await recordMedicinesOnArrival(world, heavy, await attendHomerton(world, heavy));
  child = await findChild(world);
  await putOnChildProtectionPlan(world, child);
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const recordPath = (p: TestPerson, tab?: string) => `/record/Patient/${p.patientId}${tab ? `?tab=${tab}` : ''}`;
const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ');

async function openRecord(page: Page, path: string): Promise<void> {
  await page.goto(world.origin + path);
  await page.locator('#record[data-ready="true"]').waitFor();
  expect(await page.locator('#record').getAttribute('aria-busy')).toBe('false');
}

async function tabNames(page: Page): Promise<string[]> {
  return page.locator('.nhsuk-tabs__list a').allTextContents();
}

/** Every /fhir response body the page receives from now on, with its URL. */
function fhirResponses(page: Page): Array<Promise<{ url: string; body: string }>> {
  const seen: Array<Promise<{ url: string; body: string }>> = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/fhir/')) seen.push(r.text().then((body) => ({ url: r.url(), body }), () => ({ url: r.url(), body: '' })));
  });
  return seen;
}

describe('the record for a social worker with an open case', () => {
  let page: Page;

  beforeAll(async () => {
    page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker', recordPath(heavy));
  });

  it('is readable quickly for a person with ~300 resources', async () => {
    const everything = await world.t.request('GET', `/fhir/Patient/${heavy.patientId}/$everything?_count=1000`);
    const resources = ((everything.body as Bundle).entry ?? []).length;
    expect(resources).toBeGreaterThan(250);
    const started = Date.now();
    await openRecord(page, recordPath(heavy));
    const ms = Date.now() - started;
    console.log(`record readable ${ms} ms after navigation (social worker, person with ${resources} resources in their source records)`);
    expect(ms).toBeLessThan(5000);
  });

  it('shows the summary: name, NHS number and its status, date of birth, GP practice, linked records', async () => {
    await openRecord(page, recordPath(heavy));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`${heavy.given} ${heavy.family}`);
    const about = await text(page, 'dl[aria-label="About this person"]');
    expect(about).toContain(heavy.nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3'));
    expect(about).toContain('Verified');
    expect(about).toMatch(/GP practice.+\([A-Z]\d{5}\)/);
    expect(about).toContain('Hackney social care (Mosaic)');
    expect(about).toMatch(/years old/);
    expect(await text(page, '#record')).toContain('your organisation has an open case');
  });

  it('shows alerts: the safeguarding concern and the allergies, with their sources', async () => {
    await openRecord(page, recordPath(heavy));
    const alerts = page.getByRole('region', { name: /Alerts/ });
    const said = ((await alerts.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(said).toContain(`Safeguarding concern: ${HACKNEY_CASE.safeguarding}`);
    expect(said).toContain('Hackney social care (Mosaic)');
    const allergies = (await world.search<AllergyIntolerance>('AllergyIntolerance', `patient=Patient/${heavy.patientId}`))
      .filter((a) => a.clinicalStatus?.coding?.[0]?.code === 'active');
    if (allergies.length > 0) expect(said).toContain(`Allergies (${allergies.length})`);
    for (const a of allergies) expect(said).toContain(a.code?.text ?? a.code?.coding?.[0]?.display ?? '');
  });

  it('shows every tab the role has; the social care tab has the allocated worker and team with their numbers', async () => {
    await openRecord(page, recordPath(heavy));
    expect(await tabNames(page)).toEqual(['Social care', 'Medications', 'Allergies', 'Conditions', 'Visits', 'Care plans']);
    expect(await page.locator('.nhsuk-tabs__list a[aria-current="page"]').textContent()).toBe('Social care');
    const tab = await text(page, '#record-tab-panel');
    const c = HACKNEY_CASE;
    for (const expected of [c.team, `Phone: ${c.teamPhone}`, c.worker, `Phone: ${c.workerPhone}`, c.supportReason, c.service, c.provider, c.providerPhone, c.carer,
      'daughter', c.safeguarding, 'Review']) {
      expect(tab).toContain(expected);
    }
    expect(tab).toContain('Hackney social care (Mosaic), updated');
    await expectAccessible(page, 'the social care tab');
    await screenshot(page, 'record-social-care');
  });

  it('shows medications from every source, a merged item with both sources and the dose each gave', async () => {
    await openRecord(page, recordPath(heavy));
    await page.locator('.nhsuk-tabs__list a', { hasText: 'Medications' }).click();
    await page.waitForURL(/\?tab=medications$/);
    const row = page.locator('#record-tab-panel tr', { hasText: medicine.medicine }).filter({ hasText: 'Sources differ' });
    expect(await row.count()).toBe(1);
    const said = ((await row.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(said).toMatch(new RegExp(`GP: (EMIS|SystmOne) \\([A-Z]\\d{5}\\): ${medicine.gpDose}`));
    expect(said).toContain(`Homerton EPR: ${medicine.homertonDose}`);
    expect(said).toMatch(/GP: (EMIS|SystmOne) \([A-Z]\d{5}\), updated/);
    expect(said).toContain('Homerton EPR, updated');
    expect(await page.locator('#record-tab-panel caption', { hasText: 'Current medications' }).count()).toBe(1);
    await expectAccessible(page, 'the medications tab');
    await screenshot(page, 'record-medications');
  });

  it('gives each tab its own address, reachable from the keyboard, and each tab is accessible', async () => {
    await openRecord(page, recordPath(heavy, 'allergies'));
    expect(await page.locator('.nhsuk-tabs__list a[aria-current="page"]').textContent()).toBe('Allergies');
    await expectAccessible(page, 'the allergies tab');
    // Switching tabs reads nothing more: the page already has what the role may see.
    const requests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/fhir/')) requests.push(r.url());
    });
    await page.locator('.nhsuk-tabs__list a', { hasText: 'Conditions' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?tab=conditions$/);
    await page.getByRole('heading', { level: 2, name: 'Conditions' }).waitFor();
    expect(await text(page, '#record-tab-panel')).not.toContain(HACKNEY_CASE.supportReason);
    await expectAccessible(page, 'the conditions tab');
    await page.locator('.nhsuk-tabs__list a', { hasText: 'Visits' }).click();
    await page.getByRole('heading', { level: 2, name: 'Visits' }).waitFor();
    expect(await text(page, '#record-tab-panel')).toContain('Homerton EPR');
    await expectAccessible(page, 'the visits tab');
    expect(requests).toEqual([]);
    await page.locator('.nhsuk-tabs__list a', { hasText: 'Care plans' }).click();
    await page.waitForURL(/\?tab=care-plans$/);
    await expectAccessible(page, 'the care plans tab');
    await page.goBack();
    await page.waitForURL(/\?tab=visits$/);
    await page.getByRole('heading', { level: 2, name: 'Visits' }).waitFor();
  });

  it('shows a child protection plan from CP-IS in the alerts, with the council and its numbers', async () => {
    await openRecord(page, recordPath(child));
    const said = ((await page.getByRole('region', { name: /Alerts/ }).textContent()) ?? '').replace(/\s+/g, ' ');
    expect(said).toContain('Child protection (CP-IS): Subject to child protection plan');
    expect(said).toContain('London Borough of Hackney');
    expect(said).toMatch(/Office hours: [\d ]+/);
    expect(said).toMatch(/Out of hours: [\d ]+/);
    await expectAccessible(page, 'the record summary with a CP-IS alert');
    await screenshot(page, 'record-summary');
  });

  it('fits a tablet held upright (768 × 1024) without scrolling sideways', async () => {
    const upright = await newPage(browser, { width: 768, height: 1024 });
    await signInAs(upright, world.origin, 'social.worker', recordPath(heavy, 'medications'));
    await upright.locator('#record[data-ready="true"]').waitFor();
    for (const tab of ['medications', 'social-care', 'visits']) {
      await openRecord(upright, recordPath(heavy, tab));
      expect(await upright.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    }
  });

  it('opens a person (Person/{id}) on their record', async () => {
    const [person] = await world.search<Resource & { id: string }>('Person', `patient=Patient/${heavy.patientId}`);
    await page.goto(`${world.origin}/record/Person/${person!.id}`);
    await page.locator('#record[data-ready="true"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`${heavy.given} ${heavy.family}`);
    expect(new URL(page.url()).pathname).toMatch(/^\/record\/Patient\//);
  });
});

describe('the record for a receptionist', () => {
  it('has no medications, conditions or social care tabs; asking by address is refused without a request', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'receptionist', recordPath(heavy));
    await page.locator('#record[data-ready="true"]').waitFor();
    expect(await tabNames(page)).toEqual(['Visits']);
    expect(await page.getByRole('link', { name: 'Medications' }).count()).toBe(0);
    await expectAccessible(page, 'the record as a receptionist');

    const responses = fhirResponses(page);
    await openRecord(page, recordPath(heavy, 'medications'));
    expect(await text(page, '#record-tab-panel')).toContain('This information is not available to your role');
    expect(await tabNames(page)).toEqual(['Visits']);
    const bodies = await Promise.all(responses);
    expect(bodies.length).toBeGreaterThan(0);
    for (const { url, body } of bodies) {
      for (const type of MEDICATION_TYPES) {
        expect(url).not.toContain(type);
        expect(body).not.toContain(`"resourceType":"${type}"`);
      }
    }
    expect(await text(page, 'body')).not.toContain(medicine.medicine);
  });

  it('gets no medication data through the API with its own token either', async () => {
    const token = await world.t.token('user/*.cruds', { kind: 'user', role: 'R8009', organization: 'RQX', subject: 'receptionist-test' });
    const access = await world.t.request('GET', `/fhir/Patient/${heavy.patientId}/$access`, { token });
    expect(access.body.parameter.find((p: { name: string }) => p.name === 'visible').valueBoolean).toBe(true);
    for (const operation of ['$summary', '$everything']) {
      const res = await world.t.request('GET', `/fhir/Patient/${heavy.patientId}/${operation}`, { token });
      expect(res.status).toBe(200);
      const types = new Set(((res.body as Bundle).entry ?? []).map((e): string => e.resource!.resourceType));
      expect(types.has('Encounter')).toBe(true);
      for (const type of MEDICATION_TYPES) expect(types.has(type)).toBe(false);
    }
    const search = await world.t.request('GET', `/fhir/MedicationRequest?subject=Patient/${heavy.patientId}`, { token });
    expect(search.status).toBe(403);
    // The same person's medications are there for a role that needs them.
    const operator = await world.t.request('GET', `/fhir/Patient/${heavy.patientId}/$summary`);
    expect(((operator.body as Bundle).entry ?? []).some((e) => e.resource!.resourceType === 'MedicationRequest')).toBe(true);
  });
});
