// Signing in to the viewer in a real browser: the start page, sharedcare's own sign-in page, the
// code exchange on /callback, and landing where each kind of user starts; a refused or forged
// callback ends in a clear message, never a half-signed-in app.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newPage, screenshot, signInAs } from '../support/browser.ts';
import { startViewerWorld, type ViewerWorld } from '../support/viewer-world.ts';

let world: ViewerWorld;
let browser: Browser;

beforeAll(async () => {
  [world, browser] = await Promise.all([startViewerWorld({ people: 20 }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('signing in to the viewer', () => {
  it('shows the start page, accessible, to someone not signed in', async () => {
    const page = await newPage(browser);
    await page.goto(world.origin + '/record/Patient/anything');
    await expect(page.getByRole('heading', { level: 1 })).toBeDefined();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Shared care record');
    await expectAccessible(page, 'the start page');
    await screenshot(page, 'start');
  });

  it('signs a social worker in through sharedcare and lands on finding a person', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText('Sam Okafor').first().waitFor();
    expect(await page.getByRole('link', { name: 'Team inbox' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Record access' }).count()).toBe(0);
  });

  it('keeps the page asked for across sign-in', async () => {
    const page = await newPage(browser);
    await signInAs(page, world.origin, 'social.worker', '/inbox');
    expect(new URL(page.url()).pathname).toBe('/inbox');
  });

  it('refuses a callback that did not start in this tab', async () => {
    const page = await newPage(browser);
    await page.goto(`${world.origin}/callback?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('did not start here');
    expect(await page.evaluate(() => sessionStorage.getItem('sharedcare.session'))).toBeNull();
  });

  it('serves the sign-in page with the demo users and refuses a wrong password', async () => {
    const page = await newPage(browser);
    await page.goto(world.origin + '/');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/oauth\/authorize/);
    await page.getByLabel('User name').fill('social.worker');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('not right');
  });
});
