// Without a legitimate relationship a member of staff is shown whose record it is and a choice —
// self-claim with a reason, or break glass if their role may — never the data first: no request for
// the record is made, and nothing clinical reaches the page, until they have chosen. A person's
// dissent is explained, with break glass only for roles allowed it. Claims reach the IG reports.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Condition, MedicationRequest, Parameters } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';
import { attendHomerton, dissent, peopleOnRepeats, type TestPerson } from './record-people.ts';

const PEOPLE = 40;
let world: ViewerWorld;
let browser: Browser;
/** No relationship with Homerton or Hackney; has medicines and conditions on record. */
let stranger: TestPerson;
/** Another such person, for the social worker. */
let otherStranger: TestPerson;
/** At Homerton's A&E now, and has dissented from sharing. */
let dissenter: TestPerson;
let clinicalWords: string[];

async function isVisibleTo(person: TestPerson, role: string, organization: string): Promise<boolean> {
  const token = await world.t.token('user/*.cruds', { kind: 'user', role, organization, subject: `probe-${role}` });
  const res = await world.t.request('GET', `/fhir/Patient/${person.patientId}/$access`, { token });
  return (res.body as Parameters).parameter!.find((p) => p.name === 'visible')!.valueBoolean!;
}

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: PEOPLE }), launchBrowser()]);
  const candidates: TestPerson[] = [];
  for (const person of await peopleOnRepeats(world)) {
    if (!(await isVisibleTo(person, 'R8000', 'RQX')) && !(await isVisibleTo(person, 'R8014', 'E09000012'))) candidates.push(person);
    if (candidates.length === 3) break;
  }
  [stranger, otherStranger, dissenter] = candidates as [TestPerson, TestPerson, TestPerson];
  await attendHomerton(world, dissenter);
  await dissent(world, dissenter);
  const meds = await world.search<MedicationRequest>('MedicationRequest', `subject=Patient/${stranger.patientId}`);
  const conditions = await world.search<Condition>('Condition', `subject=Patient/${stranger.patientId}`);
  clinicalWords = [...meds.map((m) => m.medicationCodeableConcept?.text), ...conditions.map((c) => c.code?.coding?.[0]?.display)]
    .filter((w): w is string => !!w);
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const recordPath = (p: TestPerson) => `/record/Patient/${p.patientId}`;
const nameOf = (p: TestPerson) => `${p.given} ${p.family}`;
const RECORD_OPERATIONS = /\/fhir\/(Patient|Person)\/[^/?]+\/\$(summary|everything|cpis)|\/fhir\/(MedicationRequest|MedicationStatement|Condition|AllergyIntolerance|Encounter|EpisodeOfCare|Flag)\b/;

/** Every /fhir request the page makes from now on, method and path. */
function fhirRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/fhir/')) seen.push(`${r.method()} ${decodeURIComponent(url.pathname)}${url.search}`);
  });
  return seen;
}

async function choicePage(page: Page): Promise<void> {
  await page.locator('#record[data-view="choice"]').waitFor();
  expect(await page.locator('#record').getAttribute('data-ready')).toBe('false');
}

async function radioLabels(page: Page): Promise<string[]> {
  return page.locator('.nhsuk-radios__label').allTextContents();
}

describe('an A&E doctor with no relationship to the person', () => {
  let page: Page;
  let requests: string[];

  beforeAll(async () => {
    page = await newPage(browser);
    requests = fhirRequests(page);
    await signInAs(page, world.origin, 'ae.doctor', recordPath(stranger));
  });

  it('sees whose record it is and the choice, and nothing of the record', async () => {
    await choicePage(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`You need a reason to see ${nameOf(stranger)}'s record`);
    expect(await page.locator('dl[aria-label="Whose record this is"]').textContent()).toContain(nameOf(stranger));
    expect(await page.locator('main').textContent()).toContain('no open case, care team or referral');
    expect(await radioLabels(page)).toEqual(['I have a legitimate relationship (self-claim)', 'Emergency access (break glass)']);
    expect(requests).toEqual([`GET /fhir/Patient/${stranger.patientId}/$access`, `GET /fhir/Patient/${stranger.patientId}`]);
    const shown = (await page.locator('body').textContent()) ?? '';
    expect(clinicalWords.length).toBeGreaterThan(0);
    for (const word of clinicalWords) expect(shown).not.toContain(word);
    expect(await page.locator('.nhsuk-tabs').count()).toBe(0);
    await expectAccessible(page, 'the access choice');
    await screenshot(page, 'access-choice');
  });

  it('refuses a self-claim with a reason under 10 characters, without sending it', async () => {
    await page.getByRole('button', { name: /Continue|Break glass/ }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Select how you want to see the record');
    await page.getByLabel('I have a legitimate relationship (self-claim)').check();
    await page.getByLabel('Reason', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Continue to the record' }).click();
    await page.getByRole('alert').filter({ hasText: 'Reason must be 10 characters or more' }).waitFor();
    expect(await page.locator('#claim-reason-error').textContent()).toContain('Reason must be 10 characters or more');
    expect(await page.getByRole('alert').evaluate((el) => el === document.activeElement)).toBe(true);
    await expectAccessible(page, 'the access choice with an error');
    expect(requests.filter((r) => r.includes('$claim-access') || RECORD_OPERATIONS.test(r))).toEqual([]);
  });

  it('breaks glass with a reason, then sees the record; the claim is in the break-glass report', async () => {
    const reason = 'Unconscious in resus, need medication history';
    await page.getByLabel('Emergency access (break glass)').check();
    await page.getByLabel('Reason', { exact: true }).fill(reason);
    await page.getByRole('button', { name: 'Break glass and see the record' }).click();
    await page.locator('#record[data-ready="true"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(nameOf(stranger));
    expect(await page.getByRole('heading', { level: 1 }).evaluate((h) => h === document.activeElement)).toBe(true);
    expect(await page.locator('#record').textContent()).toContain('you used emergency access (break glass)');
    const claim = requests.findIndex((r) => r === `POST /fhir/Patient/${stranger.patientId}/$claim-access`);
    const firstRecordRead = requests.findIndex((r) => RECORD_OPERATIONS.test(r));
    expect(claim).toBeGreaterThan(-1);
    expect(firstRecordRead).toBeGreaterThan(claim);

    const report = await world.t.request('GET', `/fhir/$audit-report?report=break-glass&patient=Patient/${stranger.patientId}`);
    expect(report.status).toBe(200);
    const rows = (report.body as Parameters).parameter!.filter((p) => p.name === 'row');
    const ours = rows.find((row) => row.part?.some((p) => p.name === 'reason' && p.valueString === reason));
    expect(ours).toBeDefined();
    expect(ours!.part!.find((p) => p.name === 'name')?.valueString).toBe('Dr Priya Raman');
    expect(ours!.part!.find((p) => p.name === 'patient')?.valueReference?.reference).toBe(`Patient/${stranger.patientId}`);
  });
});

describe('a social worker with no relationship to the person', () => {
  it('is offered self-claim only (the role may not break glass), and self-claims into the record', async () => {
    const page = await newPage(browser);
    const requests = fhirRequests(page);
    await signInAs(page, world.origin, 'social.worker', recordPath(otherStranger));
    await choicePage(page);
    expect(await radioLabels(page)).toEqual(['I have a legitimate relationship (self-claim)']);
    expect(await page.getByText(/break glass/i).count()).toBe(0);
    expect(requests.filter((r) => RECORD_OPERATIONS.test(r))).toEqual([]);

    // The server refuses break glass for the role whatever the page offers.
    const token = await world.t.token('user/*.cruds', { kind: 'user', role: 'R8014', organization: 'E09000012', subject: 'sw-api' });
    const refused = await world.t.request('POST', `/fhir/Patient/${otherStranger.patientId}/$claim-access`, {
      token, body: { resourceType: 'Parameters', parameter: [{ name: 'kind', valueCode: 'break-glass' }, { name: 'reason', valueString: 'Trying to break glass' }] },
    });
    expect(refused.status).toBe(403);

    const reason = 'Referred to our hospital discharge team today';
    await page.getByLabel('I have a legitimate relationship (self-claim)').check();
    await page.getByLabel('Reason', { exact: true }).fill(reason);
    await page.getByRole('button', { name: 'Continue to the record' }).click();
    await page.locator('#record[data-ready="true"]').waitFor();
    expect(await page.locator('#record').textContent()).toContain('you recorded a legitimate relationship');
    const report = await world.t.request('GET', `/fhir/$audit-report?report=self-claim&patient=Patient/${otherStranger.patientId}`);
    const reasons = (report.body as Parameters).parameter!.filter((p) => p.name === 'row').flatMap((row) => row.part!.filter((p) => p.name === 'reason').map((p) => p.valueString));
    expect(reasons).toContain(reason);
  });
});

describe('a person who has dissented from sharing', () => {
  it('is explained to an A&E doctor, who may break glass', async () => {
    const page = await newPage(browser);
    const requests = fhirRequests(page);
    await signInAs(page, world.origin, 'ae.doctor', recordPath(dissenter));
    await choicePage(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`${nameOf(dissenter)} has asked not to share their record`);
    expect(await radioLabels(page)).toEqual(['Emergency access (break glass)']);
    expect(requests.filter((r) => RECORD_OPERATIONS.test(r))).toEqual([]);
    await expectAccessible(page, 'the dissent explanation');
  });

  it('is explained to a receptionist, with no way round it', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'receptionist', recordPath(dissenter));
    await choicePage(page);
    expect(await page.locator('main').textContent()).toContain('Your role cannot override their choice');
    expect(await page.locator('form').count()).toBe(0);
    const token = await world.t.token('user/*.cruds', { kind: 'user', role: 'R8009', organization: 'RQX', subject: 'rc-api' });
    const everything = await world.t.request('GET', `/fhir/Patient/${dissenter.patientId}/$everything`, { token });
    expect(everything.status).toBe(403);
    expect(((everything.body as Bundle).resourceType)).toBe('OperationOutcome');
  });
});

describe('a deployment that asks for consent to view (Hackney)', () => {
  let consentWorld: ViewerWorld;
  let policyDir: string;
  let refuses: TestPerson;
  let agrees: TestPerson;

  beforeAll(async () => {
    policyDir = mkdtempSync(join(tmpdir(), 'sharedcare-policy-'));
    writeFileSync(join(policyDir, 'policy.json'), JSON.stringify({ consent: { consentToView: true } }));
    consentWorld = await startViewerWorld({ people: 12, config: { policyFile: join(policyDir, 'policy.json') } });
    [refuses, agrees] = (await peopleOnRepeats(consentWorld)) as [TestPerson, TestPerson];
    await attendHomerton(consentWorld, refuses);
    await attendHomerton(consentWorld, agrees);
  });

  afterAll(async () => {
    await consentWorld?.close();
    if (policyDir) rmSync(policyDir, { recursive: true, force: true });
  });

  it('asks the A&E doctor to record the person\'s answer first; a refusal is recorded and reported', async () => {
    const page = await newPage(browser);
    const requests = fhirRequests(page);
    await signInAs(page, consentWorld.origin, 'ae.doctor', recordPath(refuses));
    await choicePage(page);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Ask ${nameOf(refuses)} before viewing their record`);
    expect(await radioLabels(page)).toEqual(['Yes, they agree to me viewing their record now', 'No, they do not agree']);
    await expectAccessible(page, 'the consent-to-view question');

    await page.getByRole('button', { name: 'Record their answer' }).click();
    await page.getByRole('alert').filter({ hasText: `Select whether ${nameOf(refuses)} agrees` }).waitFor();
    await page.getByLabel('No, they do not agree').check();
    await page.getByLabel('Note (optional)').fill('Does not want the hospital to see GP notes');
    await page.getByRole('button', { name: 'Record their answer' }).click();
    await page.getByRole('heading', { level: 1, name: `${nameOf(refuses)} does not agree to you viewing their record` }).waitFor();
    expect(await radioLabels(page)).toEqual(['Emergency access (break glass)']);
    expect(requests.filter((r) => RECORD_OPERATIONS.test(r))).toEqual([]);

    const report = await consentWorld.t.request('GET', `/fhir/$audit-report?report=consent-refusals&patient=Patient/${refuses.patientId}`);
    const reasons = (report.body as Parameters).parameter!.filter((p) => p.name === 'row').flatMap((row) => row.part!.filter((p) => p.name === 'reason').map((p) => p.valueString));
    expect(reasons).toContain('refused: Does not want the hospital to see GP notes');
  });

  it('shows the record once the person agrees', async () => {
    const page = await newPage(browser);
    await signInAs(page, consentWorld.origin, 'ae.doctor', recordPath(agrees));
    await choicePage(page);
    await page.getByLabel('Yes, they agree to me viewing their record now').check();
    await page.getByRole('button', { name: 'Record their answer' }).click();
    await page.locator('#record[data-ready="true"]').waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(nameOf(agrees));
  });
});
