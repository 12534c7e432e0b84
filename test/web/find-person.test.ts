// Finding a person in a real browser: by NHS number (spaces allowed, the Modulus 11 check made
// before any search, an unknown number answered plainly) and by name and date of birth; one result
// per person however many systems hold a record of them, each linking to the record.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nhsNumberCheckDigit } from '../../src/fhir/nhs-number.ts';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';
import { addHeavyPerson, openHackneyCase, type TestPerson } from './record-people.ts';

const PEOPLE = 40;
let world: ViewerWorld;
let browser: Browser;
let person: TestPerson;

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: PEOPLE }), launchBrowser()]);
  person = await addHeavyPerson(world, PEOPLE);
  // The council's record of the same person: linked by NHS number, so one person with two records.
  await openHackneyCase(world, person);
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const inWords = (date: string) => new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Every /fhir request the page makes from now on. */
function fhirRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/fhir/')) urls.push(decodeURIComponent(r.url()));
  });
  return urls;
}

async function signedIn(): Promise<Page> {
  const page = await newPage(browser);
  await signInAs(page, world.origin, 'social.worker');
  await page.getByRole('heading', { level: 1, name: 'Find a person' }).waitFor();
  return page;
}

async function resultRows(page: Page): Promise<string[][]> {
  await page.locator('#results-heading').waitFor();
  return page.locator('#results tbody tr').evaluateAll((rows) => rows.map((row) =>
    [...row.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())));
}

describe('finding a person', () => {
  it('finds a person by NHS number typed with spaces, as one result listing every source', async () => {
    const page = await signedIn();
    expect(new URL(page.url()).pathname).toBe('/');
    const requests = fhirRequests(page);
    await page.getByLabel('NHS number', { exact: true }).fill(spaced(person.nhsNumber));
    await page.getByRole('button', { name: 'Search' }).first().click();
    const rows = await resultRows(page);
    expect(await page.locator('#results-heading').textContent()).toBe('1 person found');
    expect(rows).toHaveLength(1);
    const [name, nhs, born, , sources] = rows[0]!;
    expect(name).toContain(`${person.given} ${person.family}`);
    expect(nhs).toContain(spaced(person.nhsNumber));
    expect(born).toContain(inWords(person.birthDate));
    expect(sources).toMatch(/GP: (EMIS|SystmOne) \([A-Z]\d{5}\)/);
    expect(sources).toContain('Hackney social care (Mosaic)');
    expect(requests.some((u) => u.includes(`Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|${person.nhsNumber}`))).toBe(true);
    expect(new URL(page.url()).search).toBe(`?nhsNumber=${person.nhsNumber}`);
    await expectAccessible(page, 'the find-a-person page with a result');
    await screenshot(page, 'find-person');

    await page.getByRole('link', { name: `${person.given} ${person.family}` }).click();
    await page.waitForURL(/\/record\/Patient\//);
    await page.locator('#record[data-ready="true"]').waitFor();
    // Back to the results, which the address kept.
    await page.goBack();
    expect((await resultRows(page))).toHaveLength(1);
  });

  it('refuses an NHS number whose check digit is wrong, before searching', async () => {
    const page = await signedIn();
    const requests = fhirRequests(page);
    const wrong = person.nhsNumber.slice(0, 9) + String((Number(person.nhsNumber[9]) + 1) % 10);
    await page.getByLabel('NHS number', { exact: true }).fill(wrong);
    await page.getByRole('button', { name: 'Search' }).first().click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('This is not a valid NHS number');
    expect(await page.locator('#nhs-number-error').textContent()).toContain('not a valid NHS number');
    expect(await page.getByLabel('NHS number', { exact: true }).getAttribute('aria-describedby')).toContain('nhs-number-error');
    expect(await summary.evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(page, 'the find page with an NHS number error');
    expect(requests.filter((u) => u.includes('/fhir/Patient'))).toEqual([]);

    await page.getByLabel('NHS number', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Search' }).first().click();
    await page.getByText('NHS number must be 10 numbers').first().waitFor();
  });

  it('says plainly when no one has a valid NHS number', async () => {
    let unknown = '';
    for (let n = 100_000; !unknown; n++) {
      const nine = `999${n}`;
      const check = nhsNumberCheckDigit(nine);
      if (check !== undefined && (await world.search('Patient', `identifier=https://fhir.nhs.uk/Id/nhs-number|${nine}${check}`)).length === 0) unknown = `${nine}${check}`;
    }
    const page = await signedIn();
    await page.getByLabel('NHS number', { exact: true }).fill(unknown);
    await page.getByRole('button', { name: 'Search' }).first().click();
    await page.locator('#results-heading').waitFor();
    expect(await page.locator('#results-heading').textContent()).toBe('No one found');
    expect(await page.locator('#results').textContent()).toContain(`No one was found with NHS number ${spaced(unknown)}`);
    expect(await page.locator('#results table').count()).toBe(0);
  });

  it('finds a person by name and date of birth, and checks the date first', async () => {
    const page = await signedIn();
    const [year, month, day] = person.birthDate.split('-') as [string, string, string];
    await page.getByLabel('Last name').fill(person.family);
    await page.getByLabel('Day').fill(String(Number(day)));
    await page.getByLabel('Month').fill(month);
    await page.getByRole('button', { name: 'Search' }).nth(1).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Date of birth must include a year');

    const requests = fhirRequests(page);
    await page.getByLabel('Year').fill(year);
    await page.getByRole('button', { name: 'Search' }).nth(1).click();
    const rows = await resultRows(page);
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]).toContain(`${person.given} ${person.family}`);
    expect(requests.some((u) => u.includes(`Patient?name=${person.family}&birthdate=${person.birthDate}`))).toBe(true);
    await expectAccessible(page, 'the find page after a name search');

    await page.getByLabel('Day').fill('31');
    await page.getByLabel('Month').fill('2');
    await page.getByRole('button', { name: 'Search' }).nth(1).click();
    await page.getByText('Date of birth must be a real date').first().waitFor();
  });

  it('fits a tablet held upright (768 × 1024) without scrolling sideways', async () => {
    const page = await newPage(browser, { width: 768, height: 1024 });
    await signInAs(page, world.origin, 'social.worker', `/find?nhsNumber=${person.nhsNumber}`);
    expect(await resultRows(page)).toHaveLength(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
  });

  it('serves /find to staff and answers a name with no match plainly', async () => {
    const page = await signedIn();
    await page.goto(`${world.origin}/find?family=Nobodyhere&birthDate=1950-01-01`);
    await page.locator('#results-heading').waitFor();
    expect(await page.locator('#results-heading').textContent()).toBe('No one found');
    expect(await page.getByLabel('Last name').inputValue()).toBe('Nobodyhere');
  });
});
