// The team inbox in a real browser: a Hackney social worker sees the admission notice the Homerton's
// ADT feed raised for a person Hackney supports, acknowledges it and completes it with a note, and
// the Task changes in the API; a change someone else made first is reported, not overwritten; staff
// of another organisation never see Hackney's notices; roles that do not care for people get no list.
import type { Task } from '@medplum/fhirtypes';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAdwMessage } from '../../src/events/adw/adw-builder.ts';
import { NOTIFICATION_SYSTEM } from '../../src/events/event-codes.ts';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { admitToHomerton, notificationTasks, openHackneyCase, pickPerson, type HackneyCase } from '../support/hackney-case.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';
import { hasMore, rowsOf, type Inbox } from '../../web/src/pages/inbox/team-tasks.ts';

let world: ViewerWorld;
let browser: Browser;
let first: HackneyCase;
let second: HackneyCase;

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
  first = await openHackneyCase(world, await pickPerson(world, 0), 'inbox-1');
  second = await openHackneyCase(world, await pickPerson(world, 1), 'inbox-2');
  await admitToHomerton(world, first, 'RQXT9000001');
  await admitToHomerton(world, second, 'RQXT9000002');
  // The Homerton's Care Act assessment notice names the council only by its code.
  const homerton = await world.t.token('system/*.cruds', { subject: 'homerton-epr', kind: 'system', organization: 'RQX' });
  const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
  const notice = await world.t.request('POST', '/fhir/$process-message', { token: homerton, body: buildAdwMessage({
    kind: 'assessment-notice', messageId: 'inbox-adw-1', issued: at(0),
    stay: { encounter: { system: 'urn:sharedcare:id:epr-rqx:spell', value: 'V-RQXT9000001' }, hospital: { ods: 'RQX', name: 'Homerton Healthcare NHS Foundation Trust' },
      ward: 'ELD1', admitted: at(-1), proposedDischarge: at(96) },
    patient: { nhsNumber: first.nhsNumber, name: { family: first.patient.name![0]!.family!, given: first.patient.name![0]!.given! }, birthDate: first.patient.birthDate! },
    council: { gss: 'E09000012', name: 'London Borough of Hackney' }, statements: { patientConsulted: true, objection: false, chcConsidered: false },
    liaison: { name: { family: 'Adeyemi', given: ['Tola'] }, telecom: [{ system: 'phone', value: '020 7946 0999' }] },
  }) });
  expect(notice.status, notice.text).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const admissionCard = (page: Page, known: HackneyCase): Locator =>
  page.locator('li.nhsuk-card', { has: page.getByRole('heading', { name: `Admitted to hospital: ${known.name}` }) });

async function taskOf(known: HackneyCase): Promise<Task> {
  const [task] = (await notificationTasks(world, known)).filter((t) => t.code?.coding?.[0]?.code === 'admission');
  expect(task, 'an admission Task was raised').toBeDefined();
  return task!;
}

describe('the team inbox', () => {
  it('shows a social worker the admission of a person Hackney supports, and takes it through acknowledge and complete', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker', '/inbox');
    const card = admissionCard(page, first);
    await card.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Team inbox');
    const text = (await card.textContent())!;
    expect(text).toContain(`NHS number ${first.nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3')}`);
    expect(text).toContain('Homerton Healthcare NHS Foundation Trust');
    expect(text).toContain('Hospital Social Work Team');
    expect(text).toContain('New');
    expect(await card.getByRole('link', { name: first.name }).getAttribute('href')).toBe(`/record/Patient/${first.councilPatientId}`);
    await expectAccessible(page, 'the team inbox');
    await screenshot(page, 'inbox');

    await card.getByRole('button', { name: /^Acknowledge/ }).click();
    await page.getByText(`Admitted to hospital for ${first.name} acknowledged`).waitFor();
    await admissionCard(page, first).getByText('Acknowledged', { exact: true }).first().waitFor();
    const acknowledged = await taskOf(first);
    expect(acknowledged.status).toBe('in-progress');
    expect(acknowledged.note?.at(-1)).toMatchObject({ text: 'Acknowledged', authorString: 'Sam Okafor, London Borough of Hackney' });
    expect(acknowledged.meta?.source, 'the Task is still the events worker\'s').toBe('urn:sharedcare:derived:events');

    const open = admissionCard(page, first);
    await open.getByText('Complete this task').click();
    await open.getByLabel('Note (optional)').fill('Spoke to the ward; discharge planning meeting booked for Friday.');
    await expectAccessible(page, 'the inbox with the complete form open');
    await open.getByRole('button', { name: /^Mark as complete/ }).click();
    await page.getByText(`Admitted to hospital for ${first.name} marked as complete`).waitFor();
    await page.getByRole('heading', { name: `Admitted to hospital: ${second.name}` }).waitFor();
    expect(await admissionCard(page, first).count(), 'a completed task leaves the open list').toBe(0);
    const done = await taskOf(first);
    expect(done.status).toBe('completed');
    expect(done.executionPeriod?.end).toBeDefined();
    expect(done.note?.at(-1)).toMatchObject({ text: 'Spoke to the ward; discharge planning meeting booked for Friday.', authorString: 'Sam Okafor, London Borough of Hackney' });

    await page.getByRole('link', { name: 'Completed tasks' }).click();
    const closed = admissionCard(page, first);
    await closed.waitFor();
    expect(await closed.textContent()).toContain('discharge planning meeting booked');
    expect(await closed.getByRole('button').count(), 'a completed task has nothing left to do').toBe(0);
    await expectAccessible(page, 'the completed tasks');
  });

  it('shows a Care Act notice addressed to the council by its code, with the date to respond by', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker', '/inbox');
    const card = page.locator('li.nhsuk-card', { has: page.getByRole('heading', { name: `Care Act Schedule 3 notice received: ${first.name}` }) });
    await card.waitFor();
    const text = (await card.textContent())!;
    expect(text).toContain('Respond by');
    expect(text).toContain('Homerton Healthcare NHS Foundation Trust');
    expect(text).toContain('London Borough of Hackney');
    expect(text).toContain('awaiting response');
    await card.getByText('Complete this task').click();
    await card.getByText('the council\'s answer to the hospital is sent from its case system').waitFor();
    const [task] = await world.search<Task>('Task', `code=${encodeURIComponent(`${NOTIFICATION_SYSTEM}|adw-notice`)}`);
    expect(task?.owner?.identifier?.value, 'owned by the council\'s code, not a reference').toBe('E09000012');
    await expectAccessible(page, 'the inbox with a Care Act notice');
  });

  it('tells the user when someone else changed the task first, and saves nothing over it', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker', '/inbox');
    const card = admissionCard(page, second);
    await card.waitFor();
    // Someone else (the council's case system) records progress on the same Task meanwhile.
    const before = await taskOf(second);
    const changed = await world.t.request('PUT', `/fhir/Task/${before.id}`, {
      headers: { 'if-match': `W/"${before.meta!.versionId}"` }, body: { ...before, businessStatus: { text: 'Ward called the duty team' } } });
    expect(changed.status, changed.text).toBe(200);

    await card.getByRole('button', { name: /^Acknowledge/ }).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Someone else changed this task, reload');
    const after = await taskOf(second);
    expect(after.status, 'the stale acknowledgement was not saved').toBe('requested');
    expect(after.businessStatus?.text).toBe('Ward called the duty team');
    await expectAccessible(page, 'the inbox with a conflict');

    await alert.getByRole('button', { name: 'Reload the inbox' }).click();
    const reloaded = admissionCard(page, second);
    await reloaded.getByText('Ward called the duty team').waitFor();
    await reloaded.getByRole('button', { name: /^Acknowledge/ }).click();
    await page.getByText(`Admitted to hospital for ${second.name} acknowledged`).waitFor();
    expect((await taskOf(second)).status).toBe('in-progress');
  });

  it('refuses a stale update through the API with 412 and a clear code', async () => {
    const task = await taskOf(second);
    const social = await world.t.token('user/*.cruds', { kind: 'user', role: 'R8014', organization: 'E09000012', subject: '555000000001', name: 'Sam Okafor' });
    const stale = await world.t.request('PUT', `/fhir/Task/${task.id}`, { token: social,
      headers: { 'if-match': `W/"${Number(task.meta!.versionId) - 1}"` }, body: { ...task, status: 'completed' } });
    expect(stale.status).toBe(412);
    expect(stale.body.issue[0].details.coding[0].code).toBe('STORE_VERSION_CONFLICT');
  });

  it('never shows Hackney\'s notices to staff of another organisation', async () => {
    const page = await newPage(browser);
    const asked: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/fhir/Task')) asked.push(decodeURIComponent(r.url())); });
    await signInAs(page, world.origin, 'ae.doctor', '/inbox');
    await page.getByText('There are no open tasks for your team.').waitFor();
    expect(await page.locator('li.nhsuk-card').count()).toBe(0);
    expect(await page.content()).not.toContain(second.name);
    // The inbox asked for the Homerton's own notices only.
    expect(asked.length).toBeGreaterThan(0);
    for (const url of asked) expect(url).not.toMatch(/E09000012|la-E09000012/);
    await expectAccessible(page, 'an empty team inbox');
  });

  it('gives a role that does not care for people no task list, and asks for none', async () => {
    const page = await newPage(browser);
    const asked: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/fhir/')) asked.push(r.url()); });
    await signInAs(page, world.origin, 'privacy.officer', '/inbox');
    await page.getByText('The team inbox is for staff who care for people').waitFor();
    expect(asked.filter((u) => u.includes('/fhir/Task'))).toEqual([]);
  });
});

describe('the inbox\'s two searches, read side by side', () => {
  const task = (id: string, authoredOn: string): Task => ({ resourceType: 'Task', id, status: 'requested', intent: 'order', authoredOn });
  const inbox = (feeds: Inbox['feeds']): Inbox => ({ feeds, related: new Map() });

  it('shows only what no unread page can come before, newest first', () => {
    const byTeam = { tasks: [task('a', '2026-01-05'), task('b', '2026-01-03')], next: 'Task?page=2' };
    const byCode = { tasks: [task('c', '2026-01-04'), task('d', '2026-01-01')] };
    expect(rowsOf(inbox([byTeam, byCode])).map((r) => r.task.id)).toEqual(['a', 'c', 'b']);
    expect(hasMore(inbox([byTeam, byCode]))).toBe(true);
  });

  it('shows everything once every search is read to the end', () => {
    const byTeam = { tasks: [task('a', '2026-01-05'), task('b', '2026-01-03'), task('e', '2026-01-02')] };
    const byCode = { tasks: [task('c', '2026-01-04'), task('d', '2026-01-01')] };
    expect(rowsOf(inbox([byTeam, byCode])).map((r) => r.task.id)).toEqual(['a', 'c', 'b', 'e', 'd']);
    expect(hasMore(inbox([byTeam, byCode]))).toBe(false);
  });
});
