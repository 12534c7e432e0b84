// The information-governance pages in a real browser. Activity is made first through the API: an
// A&E doctor is refused a record, breaks glass and opens it; a social worker self-claims and records
// a consent refusal; a connected system reads the record; earlier weeks' views stand in the trail.
// Then a privacy officer sees who viewed the record, reviews the break glass, reads the refusals and
// the weekly chart, whose numbers match the report API. A social worker never gets any of it.
import type { Parameters, Person } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/governance/audit/audit-log.ts';
import { accessRecord, principal } from '../support/audit-records.ts';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';

let world: ViewerWorld;
let browser: Browser;

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
const AE_DOCTOR = { subject: '555000000002', kind: 'user' as const, name: 'Dr Priya Raman', role: 'R8000', organization: 'RQX' };
const SOCIAL_WORKER = { subject: '555000000001', kind: 'user' as const, name: 'Sam Okafor', role: 'R8014', organization: 'E09000012' };
const PRIVACY_OFFICER = { subject: '555000000006', kind: 'user' as const, name: 'Alex Novak', role: 'R0001', organization: 'RQX' };
const BREAK_GLASS_REASON = 'Unconscious in A&E, need medication history';
const REFUSAL_NOTE = 'does not want the council to see hospital letters';
const REVIEW_NOTE = 'Checked with the A&E consultant: unconscious on arrival, access justified';
/** Record reads by a connected system, before the people below: the access log's first page ends among them. */
const SYSTEM_READS = 26;
const DAY = 86_400_000;

let person: { name: string; nhsNumber: string; patients: string[] };
let tokens: { doctor: string; socialWorker: string; privacyOfficer: string };

const parameters = (values: Record<string, string>): Parameters =>
  ({ resourceType: 'Parameters', parameter: Object.entries(values).map(([name, value]) => ({ name, valueString: value })) });

async function api(method: string, path: string, token: string, body?: unknown) {
  return world.t.request(method, `/fhir/${path}`, { token, ...(body ? { body } : {}) });
}

/** A person with an NHS number whom the A&E doctor and the social worker have no relationship with. */
async function strangerToBoth(): Promise<typeof person> {
  for (const p of await world.search<Person>('Person', '_count=100')) {
    const nhsNumber = p.identifier?.find((i) => i.system === NHS)?.value;
    const patients = (p.link ?? []).map((l) => l.target.reference!).filter((r) => r.startsWith('Patient/'));
    if (!nhsNumber || patients.length === 0) continue;
    const visible = async (token: string) => {
      const res = await api('GET', `${patients[0]}/$access`, token);
      return (res.body as Parameters).parameter?.find((x) => x.name === 'visible')?.valueBoolean;
    };
    if ((await visible(tokens.doctor)) === false && (await visible(tokens.socialWorker)) === false) {
      const name = p.name?.[0];
      return { name: [...(name?.given ?? []), name?.family].join(' '), nhsNumber, patients };
    }
  }
  throw new Error('No person in the demo population is unknown to both the A&E doctor and the social worker');
}

/** The week's Monday (UTC) `weeksAgo` weeks before this one. */
function mondayWeeksAgo(weeksAgo: number): Date {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - ((now.getUTCDay() + 6) % 7) * DAY - weeksAgo * 7 * DAY);
}

/** Views in earlier weeks, as a trail that has run for a while holds them (the append keeps the chain intact). */
async function seedEarlierWeeks(): Promise<void> {
  const gp = principal({ subject: 'gp-demo', name: 'Dr Tom Hale', role: 'R8000', organization: 'F84001' });
  const sw = principal({ subject: SOCIAL_WORKER.subject, name: SOCIAL_WORKER.name, role: 'R8014', organization: 'E09000012' });
  const nurse = principal({ subject: 'nurse-demo', name: 'Grace Mensah', role: 'R8001', organization: 'RQX' });
  const plan: Array<[number, typeof gp, number]> = [[1, sw, 4], [1, nurse, 2], [2, gp, 3], [3, sw, 5], [3, gp, 1], [5, nurse, 6], [6, sw, 2]];
  for (const [weeksAgo, who, count] of plan) {
    for (let i = 0; i < count; i++) {
      const recorded = new Date(mondayWeeksAgo(weeksAgo).getTime() + (i + 1) * 3_600_000 + DAY);
      const patient = person.patients[i % person.patients.length]!;
      await world.t.platform.driver.transaction((tx) => appendAudit(tx, accessRecord({ recorded, principal: who, patients: [patient], resources: [patient], query: patient })));
    }
  }
}

function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (req) => urls.push(req.url()));
  return urls;
}

async function signedInPrivacyOfficer(path = '/'): Promise<Page> {
  const page = await newPage(browser);
  await signInAs(page, world.origin, 'privacy.officer', path);
  return page;
}

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
  tokens = {
    doctor: await world.t.token('user/*.cruds', AE_DOCTOR),
    socialWorker: await world.t.token('user/*.cruds', SOCIAL_WORKER),
    privacyOfficer: await world.t.token('user/*.cruds', PRIVACY_OFFICER),
  };
  person = await strangerToBoth();
  const [patient] = person.patients;
  await seedEarlierWeeks();
  // A connected system reads the record: with the earlier weeks, more than a page of the access log.
  for (let i = 0; i < SYSTEM_READS; i++) expect((await world.t.request('GET', `/fhir/${patient}`)).status).toBe(200);
  // The doctor is refused, breaks glass, and opens the record.
  expect((await api('GET', `${patient}/$everything`, tokens.doctor)).status).toBe(403);
  const claim = await api('POST', `${patient}/$claim-access`, tokens.doctor, parameters({ kind: 'break-glass', reason: BREAK_GLASS_REASON }));
  expect(claim.status, claim.text).toBe(200);
  expect((await api('GET', `${patient}/$everything`, tokens.doctor)).status).toBe(200);
  // The social worker self-claims, then records that the person refused consent to view.
  const selfClaim = await api('POST', `${patient}/$claim-access`, tokens.socialWorker, parameters({ kind: 'self-claim', reason: 'New safeguarding referral from the GP' }));
  expect(selfClaim.status, selfClaim.text).toBe(200);
  const refusal = await api('POST', `${patient}/$consent-to-view`, tokens.socialWorker, parameters({ answer: 'refused', note: REFUSAL_NOTE }));
  expect(refusal.status, refusal.text).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('the IG lead: who viewed a record', () => {
  it('finds the person by NHS number and lists every access, refusals included, newest first, a page at a time', async () => {
    const page = await signedInPrivacyOfficer();
    await page.getByRole('heading', { level: 1, name: 'Who viewed a record' }).waitFor();
    expect(await page.getByRole('link', { name: 'Record access' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Team inbox' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Show who viewed' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Enter an NHS number');
    await page.getByLabel('NHS number').fill('123 456 7890');
    await page.getByRole('button', { name: 'Show who viewed' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Enter a valid NHS number');

    const spaced = `${person.nhsNumber.slice(0, 3)} ${person.nhsNumber.slice(3, 6)} ${person.nhsNumber.slice(6)}`;
    await page.getByLabel('NHS number').fill(spaced);
    await page.getByRole('button', { name: 'Show who viewed' }).click();
    await page.waitForURL((url) => url.searchParams.get('nhs') === person.nhsNumber);
    await page.getByRole('heading', { level: 2, name: person.name }).waitFor();
    const log = page.getByRole('table', { name: `Who accessed ${person.name}’s record, newest first` });
    await log.waitFor();
    const rows = () => log.locator('tbody tr').allTextContents();
    const firstPage = await rows();
    expect(firstPage).toHaveLength(25);
    expect(firstPage.join('\n')).toContain('A connected system (local-tool)');
    expect(firstPage.join('\n')).not.toContain('Grace Mensah');

    await expectAccessible(page, 'who viewed a record');
    await screenshot(page, 'ig-access-log');

    await page.getByRole('button', { name: 'Show older' }).click();
    await page.waitForFunction(() => document.querySelectorAll('main tbody tr').length > 25);
    const all = await rows();
    // The earlier weeks' views are older than a page.
    expect(all.slice(25).join('\n')).toContain('Grace Mensah');
    const at = (pattern: RegExp) => all.findIndex((row) => pattern.test(row));
    const refused = at(/Dr Priya Raman.*Opened the whole record.*Refused/);
    const brokeGlass = at(/Dr Priya Raman.*Claimed access.*Break glass \(emergency\)/);
    const opened = at(/Dr Priya Raman.*Opened the whole record.*Break glass \(emergency\).*Basis: break glass.*Allowed/);
    const selfClaimed = at(/Sam Okafor.*Social Worker.*Claimed access.*Basis: a self-claimed relationship/);
    const consent = at(/Sam Okafor.*Recorded the person’s answer to consent to view/);
    for (const index of [refused, brokeGlass, opened, selfClaimed, consent]) expect(index).toBeGreaterThanOrEqual(0);
    expect(refused).toBeLessThan(25);
    // Newest first: the order they happened in, reversed.
    expect([consent, selfClaimed, opened, brokeGlass, refused]).toEqual([...[consent, selfClaimed, opened, brokeGlass, refused]].sort((a, b) => a - b));
    expect(all[refused]).toContain('Homerton Healthcare NHS Foundation Trust (RQX)');
    expect(all[refused]).toContain('Clinical Practitioner');

    // The same events the report API gives, in the same order.
    const report = await api('GET', `$audit-report?report=access-log&${person.patients.map((p) => `patient=${p}`).join('&')}&_count=1000`, tokens.privacyOfficer);
    const apiRows = ((report.body as Parameters).parameter ?? []).filter((p) => p.name === 'row');
    const part = (row: (typeof apiRows)[number], name: string) => row.part?.find((x) => x.name === name)?.valueString;
    const apiWho = new Map(apiRows.map((r) => [part(r, 'seq'), part(r, 'name') ?? `A connected system (${part(r, 'agent')})`]));
    const shownSeqs = await log.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-seq')));
    // The API's newest rows include this page's own lookups, made after the table was loaded.
    const start = apiRows.findIndex((r) => part(r, 'seq') === shownSeqs[0]);
    expect(apiRows.slice(start, start + shownSeqs.length).map((r) => part(r, 'seq'))).toEqual(shownSeqs);
    all.forEach((row, i) => expect(row, `row ${i}`).toContain(apiWho.get(shownSeqs[i]!)));
    await expectAccessible(page, 'who viewed a record, two pages');
  });

  it('says so when nobody has the NHS number', async () => {
    const page = await signedInPrivacyOfficer('/ig?nhs=9434765919');
    await page.getByText('No one with NHS number 943 476 5919 is in the shared care record').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
  });
});

describe('the IG lead: break glass and self-claim review', () => {
  it('lists the claims with who, whose record, when and why, and records a review through $audit-review', async () => {
    const page = await signedInPrivacyOfficer();
    await page.getByRole('link', { name: 'Break glass and self-claims' }).click();
    await page.getByRole('heading', { level: 1, name: 'Break glass and self-claim review' }).waitFor();
    const breakGlass = page.getByRole('region', { name: 'Break glass' });
    const cards = breakGlass.locator('.nhsuk-card');
    await cards.first().waitFor();
    const pendingBefore = await cards.count();
    expect(pendingBefore).toBeGreaterThanOrEqual(2);
    const card = cards.first();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('Access by Dr Priya Raman under break glass');
    expect(text).toContain(BREAK_GLASS_REASON);
    expect(text).toContain(person.name);
    expect(text).toContain('Clinical Practitioner, Homerton Healthcare NHS Foundation Trust (RQX)');
    expect(text).toContain('Not yet reviewed');
    const selfClaims = page.getByRole('region', { name: 'Self-claimed relationships' });
    expect(await selfClaims.textContent()).toContain('Access by Sam Okafor on a self-claimed relationship');
    expect(await selfClaims.textContent()).toContain('New safeguarding referral from the GP');

    await card.getByText('Review this access').click();
    await card.getByRole('button', { name: 'Mark as reviewed' }).click();
    const problems = await card.getByRole('alert').textContent();
    expect(problems).toContain('Select whether this access was appropriate');
    expect(problems).toContain('Enter a note saying what you found');
    await expectAccessible(page, 'the break-glass review with its errors');

    await card.getByLabel('Yes, appropriate').check();
    await card.getByLabel('Note').fill(REVIEW_NOTE);
    await expectAccessible(page, 'the break-glass review with its form filled in');
    await screenshot(page, 'ig-break-glass-review');
    await card.getByRole('button', { name: 'Mark as reviewed' }).click();
    await page.getByRole('status').filter({ hasText: 'is marked as reviewed: appropriate' }).waitFor();
    await page.waitForFunction((before) => document.querySelectorAll('[aria-labelledby="break-glass-heading"] .nhsuk-card').length === before - 1, pendingBefore);

    // The API has it, with the reviewer.
    const reviewed = await api('GET', '$audit-report?report=break-glass&review=reviewed', tokens.privacyOfficer);
    const rows = ((reviewed.body as Parameters).parameter ?? []).filter((p) => p.name === 'row');
    expect(rows).toHaveLength(1);
    const value = (name: string) => rows[0]!.part?.find((x) => x.name === name);
    expect(value('review')?.valueCode).toBe('appropriate');
    expect(value('reviewNote')?.valueString).toBe(REVIEW_NOTE);
    expect(value('reviewer')?.valueString).toContain('Alex Novak');

    await page.getByRole('link', { name: 'Show all, including reviewed' }).click();
    const reviewedCard = page.getByRole('region', { name: 'Break glass' }).locator('.nhsuk-card').filter({ hasText: 'Reviewed by Alex Novak' });
    await reviewedCard.waitFor();
    expect(await reviewedCard.textContent()).toContain(REVIEW_NOTE);
    expect(await reviewedCard.textContent()).toContain('Appropriate');
    expect(await reviewedCard.getByText('Review this access').count()).toBe(0);
    await expectAccessible(page, 'every break glass and self-claim');
  });
});

describe('the IG lead: consent refusals', () => {
  it('lists who was refused, whose record and what was noted', async () => {
    const page = await signedInPrivacyOfficer('/ig/consent-refusals');
    const table = page.getByRole('table', { name: 'Consent to view refused, newest first' });
    await table.waitFor();
    const row = (await table.locator('tbody tr').first().textContent()) ?? '';
    expect(row).toContain(person.name);
    expect(row).toContain('Sam Okafor');
    expect(row).toContain('London Borough of Hackney (E09000012)');
    expect(row).toContain(REFUSAL_NOTE);
    await expectAccessible(page, 'consent refusals');
  });
});

describe('the IG lead: record views by week', () => {
  /** The report as the API gives it, summed per week and group. */
  async function expectedViews(weeks: number, by: 'organization' | 'role'): Promise<Map<string, Map<string, number>>> {
    const since = mondayWeeksAgo(weeks - 1).toISOString().slice(0, 10);
    const res = await api('GET', `$audit-report?report=weekly-views&since=${since}`, tokens.privacyOfficer);
    expect(res.status).toBe(200);
    const sums = new Map<string, Map<string, number>>();
    for (const row of ((res.body as Parameters).parameter ?? []).filter((p) => p.name === 'row')) {
      const get = (name: string) => row.part?.find((x) => x.name === name);
      const week = get('week')!.valueString!;
      const group = get(by)?.valueString ?? get(by)?.valueCode ?? '';
      const byGroup = sums.get(week) ?? new Map<string, number>();
      byGroup.set(group, (byGroup.get(group) ?? 0) + get('views')!.valueInteger!);
      sums.set(week, byGroup);
    }
    return sums;
  }

  /** The table as shown: for each week row, each column header's number. */
  async function shownViews(page: Page): Promise<{ headers: string[]; weeks: Array<{ week: string; cells: number[] }> }> {
    return page.evaluate(() => {
      const table = document.querySelector('main table')!;
      const headers = [...table.querySelectorAll('thead th')].slice(1).map((th) => th.textContent!.trim());
      const weeks = [...table.querySelectorAll('tbody tr')].map((tr) => ({
        week: tr.getAttribute('data-week')!,
        cells: [...tr.querySelectorAll('td')].map((td) => Number(td.textContent)),
      }));
      return { headers, weeks };
    });
  }

  it('draws weekly views by organisation as a chart, with a table whose numbers match the report API', async () => {
    const page = await signedInPrivacyOfficer();
    await page.getByRole('link', { name: 'Record views by week' }).click();
    await page.getByRole('heading', { level: 1, name: 'Record views by week' }).waitFor();
    const chart = page.getByRole('img', { name: /Bar chart of record views per week by organisation over the last 8 weeks/ });
    await chart.waitFor();
    await page.getByRole('table', { name: 'Record views per week by organisation, last 8 weeks' }).waitFor();

    const expected = await expectedViews(8, 'organization');
    const shown = await shownViews(page);
    expect(shown.weeks).toHaveLength(8);
    const codeOf = (header: string) => /\(([^)]+)\)$/.exec(header)?.[1] ?? '';
    let nonZeroWeeks = 0;
    for (const { week, cells } of shown.weeks) {
      const want = expected.get(week) ?? new Map<string, number>();
      const total = [...want.values()].reduce((a, b) => a + b, 0);
      expect(cells.at(-1), `total for ${week}`).toBe(total);
      shown.headers.slice(0, -1).forEach((header, i) => {
        if (header === 'Connected systems') expect(cells[i], `${week} systems`).toBe(want.get('') ?? 0);
        else expect(cells[i], `${week} ${header}`).toBe(want.get(codeOf(header)) ?? 0);
      });
      if (total > 0) nonZeroWeeks++;
    }
    expect(nonZeroWeeks).toBeGreaterThanOrEqual(5);
    expect(shown.headers).toEqual(expect.arrayContaining(['London Borough of Hackney (E09000012)', 'Homerton Healthcare NHS Foundation Trust (RQX)', 'Total']));

    // The chart draws one bar per week, as tall as the table's total.
    const bars = await page.locator('svg[role="img"] g[data-week]').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-week'), Number(g.getAttribute('data-views'))]));
    expect(bars).toEqual(shown.weeks.map((w) => [w.week, w.cells.at(-1)]));
    const busiest = Math.max(...shown.weeks.map((w) => w.cells.at(-1)!));
    expect(await chart.getAttribute('aria-label')).toContain(`with ${busiest}.`);
    await expectAccessible(page, 'weekly record views by organisation');
    await screenshot(page, 'ig-weekly-views');

    await page.getByLabel('Role').check();
    await page.getByLabel('Weeks to show').selectOption('12');
    await page.getByRole('button', { name: 'Update chart' }).click();
    await page.getByRole('table', { name: 'Record views per week by role, last 12 weeks' }).waitFor();
    const byRole = await expectedViews(12, 'role');
    const shownByRole = await shownViews(page);
    expect(shownByRole.weeks).toHaveLength(12);
    const socialWorkers = shownByRole.headers.indexOf('Social Worker');
    expect(socialWorkers).toBeGreaterThanOrEqual(0);
    for (const { week, cells } of shownByRole.weeks) expect(cells[socialWorkers], week).toBe(byRole.get(week)?.get('R8014') ?? 0);
    await expectAccessible(page, 'weekly record views by role');
  });

  it('fits a tablet held upright, for a Caldicott Guardian too', async () => {
    const page = await newPage(browser, { width: 768, height: 1024 });
    await signInAs(page, world.origin, 'caldicott.guardian', '/ig/weekly-views');
    await page.getByRole('table', { name: /Record views per week/ }).waitFor();
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await fits()).toBeLessThanOrEqual(768);
    await expectAccessible(page, 'weekly record views on a portrait tablet');
    await page.goto(`${world.origin}/ig?nhs=${person.nhsNumber}`);
    await page.getByRole('table', { name: /Who accessed/ }).waitFor();
    expect(await fits()).toBeLessThanOrEqual(768);
    await page.goto(`${world.origin}/ig/claims?show=all`);
    await page.locator('.nhsuk-card').first().waitFor();
    expect(await fits()).toBeLessThanOrEqual(768);
  });
});

describe('the IG pages for anyone else', () => {
  it('are not offered to a social worker, even by typing the address, and the API refuses them', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker');
    expect(await page.getByRole('link', { name: 'Record access' }).count()).toBe(0);
    const requests = recordRequests(page);
    for (const path of ['/ig', `/ig?nhs=${person.nhsNumber}`, '/ig/claims', '/ig/consent-refusals', '/ig/weekly-views']) {
      await page.goto(world.origin + path);
      await page.getByRole('heading', { level: 1, name: 'Record access is not available to your role' }).waitFor();
      expect(await page.locator('table, svg[role="img"]').count(), path).toBe(0);
      expect(await page.locator('main').textContent(), path).not.toMatch(/Dr Priya Raman|Who accessed|Break glass/);
    }
    expect(requests.filter((url) => url.includes('/fhir/'))).toEqual([]);
    await expectAccessible(page, 'record access refused to a social worker');

    for (const report of ['access-log', 'break-glass', 'weekly-views']) {
      const res = await api('GET', `$audit-report?report=${report}&patient=${person.patients[0]}`, tokens.socialWorker);
      expect(res.status, report).toBe(403);
      expect(JSON.stringify(res.body)).toContain('AUTH_AUDIT_ROLE');
    }
    const review = await api('POST', '$audit-review', tokens.socialWorker, parameters({ seq: '1', outcome: 'appropriate', note: 'not mine to judge' }));
    expect(review.status).toBe(403);
  });
});
