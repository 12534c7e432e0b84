// The matching review queue in a real browser: a Health Records Manager sees pairs of records that
// matching would not link on its own, compares them side by side with their match weights, links one
// pair and says another is two people; a pair decided meanwhile is explained. Other roles never get
// the queue, in the viewer or from the API.
import type { Parameters, ParametersParameter, Person } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { nhsNumber } from '../support/fhir-fixtures.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';

let world: ViewerWorld;
let browser: Browser;

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const RECORDS_MANAGER = { subject: '555000000010', kind: 'user' as const, name: 'Morgan Ellis', role: 'R8013', organization: 'RQX' };
const SOCIAL_WORKER = { subject: '555000000001', kind: 'user' as const, name: 'Sam Okafor', role: 'R8014', organization: 'E09000012' };

interface Sent {
  id: string;
  family: string;
  given: string;
  birthDate: string;
  gender: 'female' | 'male';
  postcode: string;
  line: string;
  nhs?: string;
}

/** One source record, sent the way a source system sends it: matched to a person as it arrives. */
async function sendRecord(source: string, r: Sent): Promise<void> {
  const patient = {
    resourceType: 'Patient', id: r.id, name: [{ family: r.family, given: [r.given] }], gender: r.gender, birthDate: r.birthDate,
    address: [{ use: 'home', line: [r.line], city: 'London', postalCode: r.postcode }],
    ...(r.nhs ? { identifier: [{ system: NHS, value: r.nhs }] } : {}),
  };
  const res = await world.t.request('POST', `/fhir/$import?source=${source}`, { body: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: patient }] } });
  expect(res.status, res.text).toBe(200);
}

const part = (p: ParametersParameter | undefined, name: string) => p?.part?.find((x) => x.name === name);
const sidePart = (c: ParametersParameter, side: 'left' | 'right', name: string) => part(part(c, side), name);

/** The queue as the API gives it, with each pair's surnames and patient ids. */
async function queue(status = 'open', token?: string) {
  const res = await world.t.request('GET', `/fhir/$match-review?status=${status}&_count=500`, token ? { token } : {});
  expect(res.status, res.text).toBe(200);
  return ((res.body as Parameters).parameter ?? []).filter((p) => p.name === 'candidate').map((c) => ({
    id: part(c, 'id')!.valueString!,
    families: [sidePart(c, 'left', 'family')?.valueString, sidePart(c, 'right', 'family')?.valueString],
    patients: [sidePart(c, 'left', 'patient')!.valueReference!.reference!, sidePart(c, 'right', 'patient')!.valueReference!.reference!],
    decidedBy: part(c, 'decidedBy')?.valueString,
    decisionReason: part(c, 'decisionReason')?.valueString,
  }));
}

async function pairOf(family: string, status = 'open') {
  const found = (await queue(status)).find((c) => c.families.includes(family.toUpperCase()));
  expect(found, `a ${status} candidate for ${family}`).toBeDefined();
  return found!;
}

async function personOf(patient: string): Promise<Person> {
  const people = await world.search<Person>('Person', `link=${patient}`);
  expect(people).toHaveLength(1);
  return people[0]!;
}

/** Every request the page makes, to show that a refused page fetched nothing. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
  // The hospital and the council each send a record of one woman; the council's NHS number was mistyped, so
  // matching will not link them however alike they are: a person must look.
  await sendRecord('epr-rqx', { id: 'mrn-4401', family: 'Marsh', given: 'Olivia', birthDate: '1984-06-02', gender: 'female', postcode: 'E8 1AA', line: '12 Mare Street', nhs: nhsNumber(987650) });
  await sendRecord('mosaic-hackney', { id: 'P-7781', family: 'Marsch', given: 'Olivia', birthDate: '1984-06-02', gender: 'female', postcode: 'E8 1AA', line: '12 Mare St', nhs: nhsNumber(987660) });
  // A father and son of one name at one address: dates of birth years apart.
  await sendRecord('epr-rqx', { id: 'mrn-5502', family: 'Osei', given: 'Daniel', birthDate: '1961-02-10', gender: 'male', postcode: 'N16 7AB', line: '4 Albion Road' });
  await sendRecord('mosaic-hackney', { id: 'P-9913', family: 'Osei', given: 'Daniel', birthDate: '1966-09-21', gender: 'male', postcode: 'N16 7AB', line: '4 Albion Road' });
  // A third pair, decided behind the reviewer's back.
  await sendRecord('epr-rqx', { id: 'mrn-6603', family: 'Khan', given: 'Aisha', birthDate: '1990-11-05', gender: 'female', postcode: 'E5 0LL', line: '7 Clapton Square', nhs: nhsNumber(987670) });
  await sendRecord('mosaic-hackney', { id: 'P-1204', family: 'Kahn', given: 'Aisha', birthDate: '1990-11-05', gender: 'female', postcode: 'E5 0LL', line: '7 Clapton Sq', nhs: nhsNumber(987680) });
  // A fourth, left open for the roles that must not decide it.
  await sendRecord('epr-rqx', { id: 'mrn-7704', family: 'Adeyemi', given: 'Grace', birthDate: '1975-01-30', gender: 'female', postcode: 'E9 6DB', line: '30 Well Street', nhs: nhsNumber(987690) });
  await sendRecord('mosaic-hackney', { id: 'P-3310', family: 'Adeyemy', given: 'Grace', birthDate: '1975-01-30', gender: 'female', postcode: 'E9 6DB', line: '30 Well St', nhs: nhsNumber(987700) });
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('matching review for a Health Records Manager', () => {
  it('lists the possible matches, strongest evidence first, on their home page', async () => {
    const open = await queue();
    expect(open.length).toBeGreaterThanOrEqual(4);
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'records.manager');
    await page.getByRole('heading', { level: 1, name: 'Possible matches to review' }).waitFor();
    expect(await page.getByRole('link', { name: 'Matching review' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Record access' }).count()).toBe(0);
    const table = page.getByRole('table');
    await table.waitFor();
    expect(await table.locator('caption').textContent()).toContain(`${open.length} ${open.length === 1 ? 'pair' : 'pairs'} waiting for review`);
    const text = await table.textContent();
    for (const name of ['Olivia Marsh', 'Olivia Marsch', 'Daniel Osei', 'Aisha Khan', 'Aisha Kahn']) expect(text).toContain(name);
    expect(text).toContain('From epr-rqx');
    expect(text).toContain('From mosaic-hackney');
    await expectAccessible(page, 'the matching review queue');
    await screenshot(page, 'matching-queue');
  });

  it('compares a pair side by side with its match weights, links it, and the API shows one person with both records', async () => {
    const pair = await pairOf('Marsch');
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'records.manager', '/matching');
    await page.getByRole('link', { name: /Compare Olivia Marsc?h and Olivia Marsc?h/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Are these the same person?' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/matching/${pair.id}`);
    const comparison = page.getByRole('table', { name: 'The two records side by side' });
    await comparison.waitFor();
    const row = async (label: string) => (await comparison.getByRole('row', { name: new RegExp(`^${label}`) }).first().textContent()) ?? '';
    expect(await row('Name')).toMatch(/Olivia Marsh.*Olivia Marsch|Olivia Marsch.*Olivia Marsh/);
    expect(await row('Name')).toMatch(/Same first name, similar surname\s*\+\d+\.\d/);
    expect(await row('Date of birth')).toContain('2 June 1984');
    expect(await row('Date of birth')).toMatch(/Same date\s*\+\d+\.\d/);
    expect(await row('NHS number')).toContain('Different');
    expect(await row('Address')).toMatch(/12 Mare Street/);
    expect(await row('Source system')).toMatch(/epr-rqx.*mosaic-hackney|mosaic-hackney.*epr-rqx/);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toMatch(/(Very strong|Strong|Some) evidence these are the same person/);
    expect(main).toContain('The NHS numbers are different');
    await expectAccessible(page, 'the comparison of two records');
    await screenshot(page, 'matching-compare');

    await page.getByLabel('Note (optional)').fill('Same address and date of birth; NHS number mistyped at registration');
    await page.getByRole('button', { name: 'Link these records' }).click();
    await page.waitForURL((url) => url.pathname === '/matching' && url.searchParams.has('linked'));
    await page.getByRole('status').filter({ hasText: 'Linked:' }).waitFor();
    await page.getByRole('table').waitFor();
    expect(await page.getByRole('table').textContent()).not.toContain('Olivia Marsch');

    const decided = (await queue('linked')).find((c) => c.id === pair.id);
    expect(decided).toMatchObject({ decidedBy: RECORDS_MANAGER.subject, decisionReason: 'Same address and date of birth; NHS number mistyped at registration' });
    const [left, right] = [await personOf(pair.patients[0]!), await personOf(pair.patients[1]!)];
    expect(left.id).toBe(right.id);
    expect(left.link?.map((l) => l.target.reference)).toEqual(expect.arrayContaining(pair.patients));
  });

  it('records that two records are different people, and they stay apart (on a tablet held upright)', async () => {
    const pair = await pairOf('Osei');
    const page = await newPage(browser, { width: 768, height: 1024 });
    await signInAs(page, world.origin, 'records.manager', `/matching/${pair.id}`);
    await page.getByRole('heading', { level: 1, name: 'Are these the same person?' }).waitFor();
    await page.getByRole('table', { name: 'The two records side by side' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
    await expectAccessible(page, 'the comparison on a portrait tablet');
    expect(await page.locator('main').textContent()).toContain('The dates of birth are years apart');
    await page.getByRole('button', { name: 'Not the same person' }).click();
    await page.getByRole('status').filter({ hasText: 'Recorded as not the same person' }).waitFor();
    expect(await page.getByRole('table').textContent()).not.toContain('Daniel Osei');

    const rejected = (await queue('rejected')).find((c) => c.id === pair.id);
    expect(rejected).toMatchObject({ decidedBy: RECORDS_MANAGER.subject, decisionReason: 'Compared side by side: not the same person' });
    expect((await personOf(pair.patients[0]!)).id).not.toBe((await personOf(pair.patients[1]!)).id);
  });

  it('explains a pair someone else decided while the reviewer was looking, and shows a decided pair as decided', async () => {
    const pair = await pairOf('Kahn');
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'records.manager', `/matching/${pair.id}`);
    await page.getByRole('button', { name: 'Link these records' }).waitFor();
    const other = await world.t.token('user/*.cruds', { subject: 'another-reviewer', kind: 'user', name: 'Another Reviewer', role: 'R8013', organization: 'RQX' });
    const decidedElsewhere = await world.t.request('POST', '/fhir/$match-review-decide', {
      token: other,
      body: { resourceType: 'Parameters', parameter: [{ name: 'candidate', valueString: pair.id }, { name: 'decision', valueCode: 'reject' }, { name: 'reason', valueString: 'Different people: checked with the council' }] },
    });
    expect(decidedElsewhere.status, decidedElsewhere.text).toBe(200);

    await page.getByRole('button', { name: 'Link these records' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'This pair has already been decided' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('your decision was not recorded');
    expect((await queue('rejected')).find((c) => c.id === pair.id)?.decidedBy).toBe('another-reviewer');
    await expectAccessible(page, 'a pair decided meanwhile');

    await page.goto(`${world.origin}/matching/${pair.id}`);
    await page.getByText('This pair has already been recorded as not the same person by another-reviewer').waitFor();
    expect(await page.getByRole('button', { name: 'Link these records' }).count()).toBe(0);
  });
});

describe('matching review for anyone else', () => {
  it('is not offered to a social worker, even by typing the address, and the API refuses them', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker');
    expect(await page.getByRole('link', { name: 'Matching review' }).count()).toBe(0);
    const requests = recordRequests(page);
    await page.goto(`${world.origin}/matching`);
    await page.getByRole('heading', { level: 1, name: 'Matching review is not available to your role' }).waitFor();
    const pair = await pairOf('Adeyemy');
    await page.goto(`${world.origin}/matching/${pair.id}`);
    await page.getByRole('heading', { level: 1, name: 'Matching review is not available to your role' }).waitFor();
    expect(requests.filter((url) => url.includes('/fhir/'))).toEqual([]);
    expect(await page.locator('main').textContent()).not.toMatch(/Olivia|Daniel|Aisha|Grace/);
    await expectAccessible(page, 'matching review refused to a social worker');

    const token = await world.t.token('user/*.cruds', SOCIAL_WORKER);
    const list = await world.t.request('GET', '/fhir/$match-review', { token });
    expect(list.status).toBe(403);
    expect(JSON.stringify(list.body)).toContain('POLICY_MATCH_REVIEW');
    const decide = await world.t.request('POST', '/fhir/$match-review-decide', {
      token, body: { resourceType: 'Parameters', parameter: [{ name: 'candidate', valueString: pair.id }, { name: 'decision', valueCode: 'link' }, { name: 'reason', valueString: 'trying' }] },
    });
    expect(decide.status).toBe(403);
    expect((await queue()).some((c) => c.id === pair.id)).toBe(true);
  });

  it('keeps the records manager out of the IG pages', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'records.manager', '/ig');
    await page.getByRole('heading', { level: 1, name: 'Record access is not available to your role' }).waitFor();
    const token = await world.t.token('user/*.cruds', RECORDS_MANAGER);
    expect((await world.t.request('GET', '/fhir/$audit-report?report=weekly-views', { token })).status).toBe(403);
  });
});

