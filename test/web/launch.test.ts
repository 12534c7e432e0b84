// Opening the viewer in context from a case-management system, in a real browser: a SMART EHR launch
// (the system asks POST /oauth/launch for a launch, the viewer's /launch page starts sign-in with it)
// and a signed launch link for systems without SMART. The user still signs in and lands on the
// person's record; a reused, expired, forged or foreign link is refused with a clear message.
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NHS_NUMBER_SYSTEM } from '../../src/fhir/systems.ts';
import { ClientRegistry } from '../../src/governance/clients.ts';
import { LaunchStore } from '../../src/server/oauth/launch-store.ts';
import { expectAccessible, launchBrowser, newPage } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';

const CLIENT = 'hackney-case-system';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let world: ViewerWorld;
let browser: Browser;
let privateKey: CryptoKey;
let systemToken: string;
/** Two demo people, by Patient id and NHS number. */
let first: { id: string; nhs: string };
let second: { id: string; nhs: string };

const now = () => Math.floor(Date.now() / 1000);

function signed(claims: Record<string, unknown>, key: CryptoKey = privateKey): Promise<string> {
  return new SignJWT({ iss: CLIENT, sub: CLIENT, exp: now() + 240, iat: now(), jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'case-system-1', typ: 'JWT' })
    .sign(key);
}

/** The system's access token, by client credentials with a signed assertion, as a real client gets it. */
async function clientCredentials(scope = 'system/*.rs'): Promise<string> {
  const assertion = await signed({ aud: `${world.origin}/oauth/token` });
  const res = await fetch(`${world.origin}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: ASSERTION_TYPE, client_assertion: assertion }),
  });
  const body = (await res.json()) as { access_token: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.access_token;
}

async function askForLaunch(form: Record<string, string>, token: string | null = systemToken): Promise<{ status: number; body: any }> {
  const res = await fetch(`${world.origin}/oauth/launch`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() };
}

/** Opens a launch URL and signs in on sharedcare's page as a demo user. */
async function openAndSignIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL(/\/oauth\/authorize/);
  await page.locator(`form:has(input[name="username"][value="${username}"]) button`).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/oauth') && u.pathname !== '/callback');
}

/** Opens a launch URL that must be refused; returns the alert the viewer shows. */
async function refusal(url: string): Promise<{ page: Page; text: string }> {
  const page = await newPage(browser);
  await page.goto(url);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return { page, text: (await alert.textContent()) ?? '' };
}

const sessionPatient = (page: Page) => page.evaluate(() => (JSON.parse(sessionStorage.getItem('sharedcare.session') ?? '{}') as { patient?: string }).patient);

function personOf(patient: Patient): { id: string; nhs: string } {
  return { id: patient.id!, nhs: patient.identifier!.find((i) => i.system === NHS_NUMBER_SYSTEM)!.value! };
}

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'case-system-1', alg: 'ES256' };
  await new ClientRegistry(world.t.platform.driver).add({
    clientId: CLIENT, name: 'Hackney case system', kind: 'system', jwks: { keys: [publicJwk as Record<string, unknown>] }, jkuUrls: [],
    scope: 'system/*.rs', organization: 'E09000012', redirectUris: [], trusted: false,
  });
  systemToken = await clientCredentials();
  // People whose NHS number is on one source record only, so the record a launch opens is known.
  const people = (await world.search<Patient>('Patient', '_count=200')).filter((p) => p.identifier?.some((i) => i.system === NHS_NUMBER_SYSTEM && i.value)).map(personOf);
  const single = people.filter((p) => people.filter((q) => q.nhs === p.nhs).length === 1);
  [first, second] = [single[0]!, single[1]!];
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('SMART EHR launch', () => {
  it('a registered system gets a single-use launch URL for an NHS number; it is audited', async () => {
    const res = await askForLaunch({ nhs_number: first.nhs });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.expires_in).toBe(300);
    const url = new URL(res.body.url);
    expect(url.origin + url.pathname).toBe(`${world.origin}/launch`);
    expect(url.searchParams.get('iss')).toBe(`${world.origin}/fhir`);
    expect(url.searchParams.get('launch')).toBe(res.body.launch);
    const audit = await world.search('AuditEvent', `patient=${first.id}&subtype=launch`);
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit[0])).toContain(CLIENT);
  });

  it('opens the viewer, the social worker signs in, and lands on that person\'s record', async () => {
    const { body } = await askForLaunch({ nhs_number: first.nhs });
    const page = await newPage(browser);
    await openAndSignIn(page, body.url, 'social.worker');
    expect(new URL(page.url()).pathname).toBe(`/record/Patient/${first.id}`);
    expect(await sessionPatient(page)).toBe(first.id);
  });

  it('names the person by Patient id as well', async () => {
    const { status, body } = await askForLaunch({ patient: `Patient/${second.id}` });
    expect(status).toBe(200);
    const page = await newPage(browser);
    await openAndSignIn(page, body.url, 'ae.doctor');
    expect(new URL(page.url()).pathname).toBe(`/record/Patient/${second.id}`);
  });

  it('a launch opens no door: without a relationship the record stays closed (the code behind the claim-or-break-glass choice)', async () => {
    const { body } = await askForLaunch({ nhs_number: first.nhs });
    const page = await newPage(browser);
    await openAndSignIn(page, body.url, 'receptionist');
    expect(new URL(page.url()).pathname).toBe(`/record/Patient/${first.id}`);
    const answer = await page.evaluate(async (id) => {
      const token = (JSON.parse(sessionStorage.getItem('sharedcare.session')!) as { accessToken: string }).accessToken;
      const res = await fetch(`/fhir/Patient/${id}/$everything`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, code: ((await res.json()) as any).issue?.[0]?.details?.coding?.[0]?.code };
    }, first.id);
    expect(answer).toEqual({ status: 403, code: 'POLICY_RELATIONSHIP_REQUIRED' });
  });

  it('a used launch is refused with a clear message', async () => {
    const { body } = await askForLaunch({ nhs_number: first.nhs });
    await openAndSignIn(await newPage(browser), body.url, 'social.worker');
    const { page, text } = await refusal(body.url);
    expect(text).toContain('already been used');
    expect(new URL(page.url()).pathname).toBe('/callback');
    expect(await page.evaluate(() => sessionStorage.getItem('sharedcare.session'))).toBeNull();
    await expectAccessible(page, 'a refused launch');
  });

  it('an expired launch is refused with a clear message', async () => {
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    const launch = await new LaunchStore(world.t.platform.driver).issue({ clientId: CLIENT, patient: first.id }, sixMinutesAgo);
    const { text } = await refusal(`${world.origin}/launch?${new URLSearchParams({ iss: `${world.origin}/fhir`, launch })}`);
    expect(text).toContain('has expired');
  });

  it('an unknown launch is refused', async () => {
    const { text } = await refusal(`${world.origin}/launch?${new URLSearchParams({ iss: `${world.origin}/fhir`, launch: 'made-up-launch-id' })}`);
    expect(text).toContain('not known');
  });

  it('a launch naming another server as iss is refused on the launch page, before any sign-in', async () => {
    const { body } = await askForLaunch({ nhs_number: first.nhs });
    const { page, text } = await refusal(`${world.origin}/launch?${new URLSearchParams({ iss: 'https://record.elsewhere.example/fhir', launch: body.launch })}`);
    expect(text).toContain('another record service');
    expect(new URL(page.url()).pathname).toBe('/launch');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link cannot open a record');
    await expectAccessible(page, 'the launch page refusing a link');
  });

  it('only a registered system with a Patient-reading token may ask for a launch', async () => {
    const anonymous = await askForLaunch({ nhs_number: first.nhs }, null);
    expect([anonymous.status, anonymous.body.error]).toEqual([401, 'invalid_token']);
    const user = await world.t.token('user/*.rs', { kind: 'user', subject: 'sw', role: 'R8014', organization: 'E09000012' });
    const asUser = await askForLaunch({ nhs_number: first.nhs }, user);
    expect([asUser.status, asUser.body.error]).toEqual([403, 'insufficient_scope']);
    const narrow = await askForLaunch({ nhs_number: first.nhs }, await clientCredentials('system/Observation.rs'));
    expect([narrow.status, narrow.body.error]).toEqual([403, 'insufficient_scope']);
    const unknown = await askForLaunch({ nhs_number: '9000000009' });
    expect([unknown.status, unknown.body.error]).toEqual([400, 'invalid_request']);
    expect((await askForLaunch({ nhs_number: '1234567890' })).body.error).toBe('invalid_request');
    expect((await askForLaunch({})).body.error).toBe('invalid_request');
  });
});

describe('signed launch link (systems without SMART)', () => {
  const linkFor = (token: string) => `${world.origin}/launch?${new URLSearchParams({ token })}`;

  it('a JWT signed with the system\'s own key opens the person\'s record after sign-in; its use is audited', async () => {
    const token = await signed({ aud: `${world.origin}/launch`, nhs_number: second.nhs });
    const page = await newPage(browser);
    await openAndSignIn(page, linkFor(token), 'social.worker');
    expect(new URL(page.url()).pathname).toBe(`/record/Patient/${second.id}`);
    expect(await sessionPatient(page)).toBe(second.id);
    const audit = await world.search<Bundle>('AuditEvent', `patient=${second.id}&subtype=launch`);
    expect(JSON.stringify(audit)).toContain(CLIENT);

    const again = await refusal(linkFor(token));
    expect(again.text).toContain('already been used');
  });

  it('an expired link is refused', async () => {
    const token = await signed({ aud: `${world.origin}/launch`, nhs_number: second.nhs, iat: now() - 600, exp: now() - 300 });
    expect((await refusal(linkFor(token))).text).toContain('has expired');
  });

  it('a link signed with another key is refused', async () => {
    const forger = await generateKeyPair('ES256');
    const token = await signed({ aud: `${world.origin}/launch`, nhs_number: second.nhs }, forger.privateKey);
    expect((await refusal(linkFor(token))).text).toContain('signature does not verify');
  });

  it('a link for another audience, or living longer than five minutes, is refused', async () => {
    const elsewhere = await signed({ aud: `${world.origin}/oauth/token`, nhs_number: second.nhs });
    expect((await refusal(linkFor(elsewhere))).text).toContain('aud claim');
    const long = await signed({ aud: `${world.origin}/launch`, nhs_number: second.nhs, exp: now() + 3600 });
    expect((await refusal(linkFor(long))).text).toContain('more than five minutes');
  });
});
