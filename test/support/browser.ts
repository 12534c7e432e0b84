// A real headless Chromium (Debian's, driven by playwright-core) for the viewer's end-to-end tests,
// with sign-in as a demo user, an axe-core accessibility check and screenshots for the docs.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchBrowser(): Promise<Browser> {
  // Without the background-networking flags Chromium keeps trying Google's hosts on this closed network.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page (own cookies and storage) the size of a tablet in landscape unless told otherwise. */
export async function newPage(browser: Browser, viewport = { width: 1024, height: 768 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

/**
 * Signs in through the viewer's start page and sharedcare's sign-in page as a demo user, and waits
 * until the app has its session (the URL has left /oauth and /callback).
 */
export async function signInAs(page: Page, origin: string, username: string, startPath = '/'): Promise<void> {
  await page.goto(origin + startPath);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/\/oauth\/authorize/);
  await page.locator(`form:has(input[name="username"][value="${username}"]) button`).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/oauth') && url.pathname !== '/callback');
}

/** WCAG 2.2 AA by axe-core on the page as it is; fails with each violation and where. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the debugging protocol: the viewer's CSP rightly refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  });
  if (violations.length) throw new Error(`Accessibility violations on ${what}:\n${violations.join('\n')}`);
}

/** Saves a screenshot under docs/screenshots when SHAREDCARE_SCREENSHOTS=1 (they are committed, not made on every run). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SHAREDCARE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
