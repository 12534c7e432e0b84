// The shared care plan in a real browser and through the API: Homerton clinicians with a relationship
// (an admission) and Hackney's social worker read the council's plan and add to it; what they add is
// signed by the server with who and when; roles that may not contribute get no form and a 403 with a
// clear code; a receptionist gets no care plan data at all; a contributor cannot rewrite the plan.
import type { CarePlan } from '@medplum/fhirtypes';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { admitToHomerton, openHackneyCase, pickPerson, type HackneyCase } from '../support/hackney-case.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';

let world: ViewerWorld;
let browser: Browser;
let known: HackneyCase;

const staff = {
  doctor: { role: 'R8000', organization: 'RQX', subject: '555000000002', name: 'Dr Priya Raman' },
  nurse: { role: 'R8001', organization: 'RQX', subject: '555000000004', name: 'Grace Mensah' },
  receptionist: { role: 'R8009', organization: 'RQX', subject: '555000000005', name: 'Lee Carter' },
  childProtection: { role: 'R9535', organization: 'E09000012', subject: '555000000008', name: 'Jordan Bell' },
} as const;

const tokenOf = (who: keyof typeof staff) => world.t.token('user/*.cruds', { kind: 'user', ...staff[who] });

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
  known = await openHackneyCase(world, await pickPerson(world, 2), 'plan-1');
  // The admission gives Homerton staff their relationship with the person.
  await admitToHomerton(world, known, 'RQXT9100001');
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

async function plan(): Promise<CarePlan> {
  const res = await world.t.request('GET', `/fhir/CarePlan/${known.carePlanId}`);
  expect(res.status, res.text).toBe(200);
  return res.body as CarePlan;
}

async function openCarePlans(page: Page, username: string): Promise<void> {
  await signInAs(page, world.origin, username, `/record/Patient/${known.councilPatientId}?tab=care-plans`);
  await page.locator('[data-care-plan]').first().waitFor();
}

const planCard = (page: Page) => page.locator(`[data-care-plan="${known.carePlanId}"]`);

describe('the shared care plan', () => {
  it('shows an A&E doctor the council\'s plan with its sources, and lets them add a note', async () => {
    const page = await newPage(browser);
    await openCarePlans(page, 'ae.doctor');
    const card = planCard(page);
    const text = (await card.textContent())!;
    expect(text).toContain('Care and support plan');
    expect(text).toContain('Active');
    expect(text).toContain('Hackney social care (Mosaic)');
    expect(text).toContain('To stay living at home with support');
    expect(text).toContain('Home care: two visits a day');
    expect(text).toContain('Hackney Home Care Ltd');
    expect(text).toContain('Prefers morning visits.');
    expect(text).toContain('Added by Hospital Social Work Team');
    await expectAccessible(page, 'the care plan tab');

    // Nothing written: the form says what is missing.
    await card.getByRole('button', { name: 'Add to the care plan' }).click();
    await card.getByRole('alert').getByText('Enter the note to add').waitFor();
    expect((await plan()).meta?.versionId).toBe('1');
    await expectAccessible(page, 'the care plan form with an error');

    await card.getByLabel('Note', { exact: true }).fill('Seen in A&E after a fall; OT assessment before discharge.');
    await card.getByRole('button', { name: 'Add to the care plan' }).click();
    await page.getByText('Your note was added to the care plan').waitFor();
    await planCard(page).getByText('Seen in A&E after a fall; OT assessment before discharge.').waitFor();
    expect(await planCard(page).textContent()).toContain('Added by Dr Priya Raman, Homerton Healthcare NHS Foundation Trust on ');
    await screenshot(page, 'care-plan');

    const stored = await plan();
    expect(stored.note?.at(-1)).toMatchObject({ text: 'Seen in A&E after a fall; OT assessment before discharge.', authorString: 'Dr Priya Raman, Homerton Healthcare NHS Foundation Trust' });
    expect(stored.note?.[0]?.text, 'the council\'s note is kept').toBe('Prefers morning visits.');
    expect(stored.meta?.source, 'the plan is still the council\'s').toBe('urn:sharedcare:source:mosaic-hackney');
  });

  it('lets a nurse add an activity her organisation will carry out', async () => {
    const page = await newPage(browser);
    await openCarePlans(page, 'nurse');
    const card = planCard(page);
    await card.getByLabel('An activity').check();
    await card.getByLabel('What will be done').fill('Falls clinic referral before discharge');
    await card.getByRole('button', { name: 'Add to the care plan' }).click();
    await page.getByText('Your activity was added to the care plan').waitFor();
    const row = planCard(page).getByRole('row', { name: /Falls clinic referral/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells[1]).toBe('Not started');
    expect(cells[2]).toBe('Homerton Healthcare NHS Foundation Trust');
    expect(cells[3]).toMatch(/^Added by Grace Mensah, Homerton Healthcare NHS Foundation Trust on /);
    const activity = (await plan()).activity?.at(-1);
    expect(activity?.detail).toMatchObject({ description: 'Falls clinic referral before discharge', status: 'not-started',
      performer: [{ identifier: { value: 'RQX' }, display: 'Homerton Healthcare NHS Foundation Trust' }] });
  });

  it('lets the social worker contribute too', async () => {
    const page = await newPage(browser);
    await openCarePlans(page, 'social.worker');
    const card = planCard(page);
    await card.getByLabel('Note', { exact: true }).fill('Home care to restart the day after discharge.');
    await card.getByRole('button', { name: 'Add to the care plan' }).click();
    await page.getByText('Your note was added to the care plan').waitFor();
    expect((await plan()).note?.at(-1)?.authorString).toBe('Sam Okafor, London Borough of Hackney');
  });

  it('reports a change someone else made first, and saves nothing over it', async () => {
    const page = await newPage(browser);
    await openCarePlans(page, 'ae.doctor');
    const card = planCard(page);
    const before = await plan();
    const changed = await world.t.request('PUT', `/fhir/CarePlan/${before.id}`, {
      headers: { 'if-match': `W/"${before.meta!.versionId}"` }, body: { ...before, description: 'Reviewed by the council' } });
    expect(changed.status, changed.text).toBe(200);
    await card.getByLabel('Note', { exact: true }).fill('A note written on an old version.');
    await card.getByRole('button', { name: 'Add to the care plan' }).click();
    await card.getByText('Someone else changed this care plan, reload').waitFor();
    expect(JSON.stringify(await plan())).not.toContain('A note written on an old version.');
  });

  it('shows a child protection worker the plan without the form, and the API refuses their write', async () => {
    const page = await newPage(browser);
    await openCarePlans(page, 'child.protection');
    expect(await planCard(page).textContent()).toContain('Home care: two visits a day');
    expect(await page.getByRole('heading', { name: 'Add to the care plan' }).count()).toBe(0);

    const token = await tokenOf('childProtection');
    const access = await world.t.request('GET', `/fhir/Patient/${known.councilPatientId}/$access`, { token });
    expect(access.body.parameter).toContainEqual({ name: 'canContributeCarePlan', valueBoolean: false });
    const current = await plan();
    const write = await world.t.request('PUT', `/fhir/CarePlan/${current.id}`, { token, headers: { 'if-match': `W/"${current.meta!.versionId}"` },
      body: { ...current, note: [...(current.note ?? []), { text: 'Not allowed' }] } });
    expect(write.status).toBe(403);
    expect(write.body.issue[0].details.coding[0].code).toBe('POLICY_CARE_PLAN_CONTRIBUTION');
  });

  it('gives a receptionist no care plan tab and no care plan data, even by address or API', async () => {
    const page = await newPage(browser);
    const asked: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/fhir/')) asked.push(r.url()); });
    await signInAs(page, world.origin, 'receptionist', `/record/Patient/${known.councilPatientId}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('[data-ready="true"]').waitFor();
    expect(await page.getByRole('link', { name: 'Care plans' }).count()).toBe(0);
    await page.goto(`${world.origin}/record/Patient/${known.councilPatientId}?tab=care-plans`);
    await page.getByText('not available to your role').waitFor();
    expect(await page.content()).not.toContain('Home care: two visits a day');
    expect(asked.filter((u) => u.includes('/fhir/CarePlan'))).toEqual([]);

    const token = await tokenOf('receptionist');
    const search = await world.t.request('GET', `/fhir/CarePlan?subject=Patient/${known.councilPatientId}`, { token });
    expect(search.status).toBe(403);
    expect(search.body.issue[0].details.coding[0].code).toBe('POLICY_CATEGORY');
    const current = await plan();
    const write = await world.t.request('PUT', `/fhir/CarePlan/${current.id}`, { token, headers: { 'if-match': `W/"${current.meta!.versionId}"` },
      body: { ...current, note: [...(current.note ?? []), { text: 'Not allowed' }] } });
    expect(write.status).toBe(403);
    expect(write.body.issue[0].details.coding[0].code).toBe('POLICY_CARE_PLAN_CONTRIBUTION');
    expect(write.body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(await plan())).not.toContain('Not allowed');
  });

  it('lets a contributor add, never rewrite, and signs what they add itself', async () => {
    const token = await tokenOf('nurse');
    const current = await plan();
    const put = (body: CarePlan) => world.t.request('PUT', `/fhir/CarePlan/${current.id}`, { token, headers: { 'if-match': `W/"${current.meta!.versionId}"` }, body });
    const refusedWith = async (res: Awaited<ReturnType<typeof put>>) => {
      expect(res.status, res.text).toBe(403);
      return res.body.issue[0].details.coding[0].code as string;
    };
    expect(await refusedWith(await put({ ...current, status: 'revoked' }))).toBe('POLICY_CARE_PLAN_CHANGE');
    expect(await refusedWith(await put({ ...current, note: [{ ...current.note![0]!, text: 'Edited' }, ...current.note!.slice(1)] }))).toBe('POLICY_CARE_PLAN_CHANGE');
    expect(await refusedWith(await put({ ...current, note: current.note!.slice(1) }))).toBe('POLICY_CARE_PLAN_CHANGE');
    const { id: _id, meta: _meta, ...copy } = current;
    expect(await refusedWith(await world.t.request('POST', '/fhir/CarePlan', { token, body: copy }))).toBe('POLICY_CARE_PLAN_CHANGE');
    expect(await refusedWith(await world.t.request('DELETE', `/fhir/CarePlan/${current.id}`, { token }))).toBe('POLICY_CARE_PLAN_CHANGE');
    expect((await plan()).meta?.versionId).toBe(current.meta?.versionId);

    // A contribution that claims to be someone else's is signed with who really made it.
    const patched = await world.t.request('PATCH', `/fhir/CarePlan/${current.id}`, { token,
      headers: { 'content-type': 'application/json-patch+json', 'if-match': `W/"${current.meta!.versionId}"` },
      body: [{ op: 'add', path: '/note/-', value: { authorString: 'The consultant', time: '2001-01-01T00:00:00Z', text: 'Checked with the family.' } }] });
    expect(patched.status, patched.text).toBe(200);
    const note = (await plan()).note!.at(-1)!;
    expect(note.text).toBe('Checked with the family.');
    expect(note.authorString).toBe('Grace Mensah, Homerton Healthcare NHS Foundation Trust');
    expect(note.time).not.toBe('2001-01-01T00:00:00Z');

    // Who the plan is shared with stays the source's: a contribution cannot relabel or re-source it.
    const now = await plan();
    const relabelled = await world.t.request('PUT', `/fhir/CarePlan/${now.id}`, { token, headers: { 'if-match': `W/"${now.meta!.versionId}"` },
      body: { ...now, meta: { ...now.meta, source: 'urn:sharedcare:source:epr-rqx', security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
        note: [...now.note!, { text: 'Family meeting on Monday.' }] } });
    expect(relabelled.status, relabelled.text).toBe(200);
    const kept = await plan();
    expect(kept.note!.at(-1)!.text).toBe('Family meeting on Monday.');
    expect(kept.meta?.source).toBe('urn:sharedcare:source:mosaic-hackney');
    expect(kept.meta?.security).toBeUndefined();

    // An addition on a version that is no longer current is a conflict, not a rewrite.
    const stale = await put({ ...current, note: [...current.note!, { text: 'Written on the old version.' }] });
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].details.coding[0].code).toBe('STORE_VERSION_CONFLICT');
  });
});
