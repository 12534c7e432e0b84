// Viewer benchmark (issue 7): in Debian's headless Chromium, the time from navigating to a person's
// record until it is readable (the record page marks itself data-ready), for the person of the demo
// population with the most resources; and the size of the JavaScript and CSS the viewer ships.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { loadDemoPopulation } from '../src/cli/demo-population.ts';
import { DEMO_SEED, demoPopulation } from '../src/cli/serve-command.ts';
import { DEMO_USERS } from '../src/governance/demo-users.ts';
import { issueToken } from '../src/server/auth/tokens.ts';
import { buildHttpServer } from '../src/server/http/http-server.ts';
import { launchBrowser, signInAs } from '../test/support/browser.ts';
import { VIEWER_DIR } from '../test/support/viewer-world.ts';
import { openBenchDatabase, type DriverName } from './bench-database.ts';
import { summarize, type LatencyStats } from './measure.ts';

export interface ViewerResult {
  benchmark: 'viewer';
  driver: DriverName;
  database: string;
  method: string;
  person: { patientId: string; resources: number };
  firstLoadMs: number;
  readable: LatencyStats & { targetMs: number };
  bundle: { files: Array<{ file: string; bytes: number; gzipBytes: number }>; jsBytes: number; jsGzipBytes: number; cssBytes: number; cssGzipBytes: number };
}

const TARGET_MS = 1000;
const WARMUP = 2;
const GP = DEMO_USERS.find((u) => u.username === 'gp')!;

/** The size of what the browser downloads: every JS and CSS file of the build, raw and gzipped. */
export function bundleSize(dir = VIEWER_DIR): ViewerResult['bundle'] {
  const assets = join(dir, 'assets');
  const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f)).map((file) => {
    const body = readFileSync(join(assets, file));
    return { file, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
  const sum = (ext: string, key: 'bytes' | 'gzipBytes') => files.filter((f) => f.file.endsWith(ext)).reduce((n, f) => n + f[key], 0);
  return { files, jsBytes: sum('.js', 'bytes'), jsGzipBytes: sum('.js', 'gzipBytes'), cssBytes: sum('.css', 'bytes'), cssGzipBytes: sum('.css', 'gzipBytes') };
}

async function timeToReadable(page: Page, url: string): Promise<number> {
  const started = performance.now();
  await page.goto(url);
  await page.locator('[data-ready="true"]').waitFor({ timeout: 30_000 });
  return performance.now() - started;
}

export async function runViewer(options: { driver: DriverName; people: number; iterations: number; databaseUrl?: string }): Promise<ViewerResult> {
  const db = await openBenchDatabase(options.driver, options.databaseUrl, { baseUrl: undefined, viewerDir: VIEWER_DIR });
  const { platform } = db;
  let browser: Browser | undefined;
  try {
    await loadDemoPopulation(platform.fhir, demoPopulation(options.people));
    const heaviest = await platform.driver.query<{ id: string; resources: string }>(
      `SELECT p.id, c.resources FROM (SELECT person_key, count(*) AS resources FROM resource WHERE person_key IS NOT NULL AND NOT deleted
         GROUP BY person_key ORDER BY 2 DESC LIMIT 1) c JOIN resource p ON p.person_key = c.person_key AND p.type = 'Patient' LIMIT 1`);
    const person = { patientId: heaviest.rows[0]!.id, resources: Number(heaviest.rows[0]!.resources) };
    // The demo GP has no standing with this person; a self-claim (as the GP would make in the viewer) gives it.
    if (GP.kind !== 'user') throw new Error('the demo GP must be staff');
    const gpToken = await issueToken(platform.key, { scope: 'user/*.cruds', kind: 'user', subject: GP.id, role: GP.roleCode, organization: GP.organizationCode });
    const app = await buildHttpServer(platform);
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const claim = await fetch(`${origin}/fhir/Patient/${person.patientId}/$claim-access`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gpToken}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'kind', valueString: 'self-claim' }, { name: 'reason', valueString: 'Benchmark: reviewing this patient at the practice' }] }),
    });
    if (!claim.ok) throw new Error(`self-claim answered ${claim.status}: ${await claim.text()}`);
    browser = await launchBrowser();
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await signInAs(page, origin, GP.username);
    const url = `${origin}/record/Patient/${person.patientId}`;
    const firstLoadMs = await timeToReadable(page, url);
    for (let i = 0; i < WARMUP; i++) await timeToReadable(page, url);
    const samples: number[] = [];
    for (let i = 0; i < options.iterations; i++) samples.push(await timeToReadable(page, url));
    await app.close();
    return {
      benchmark: 'viewer', driver: options.driver, database: db.version,
      method: `Demo population of ${options.people} people (seed ${DEMO_SEED}, ${demoPopulation(options.people).heavyPeople} of them with long records); the person with the most resources; the demo GP signed in (after a self-claim) in Debian headless Chromium ` +
        `at 1024×768 on the same machine as the server. Each sample: page.goto(record URL) until the record page sets data-ready="true" (the $access decision, the consolidated $summary and the CP-IS check ` +
        `all answered and rendered). firstLoadMs is the first navigation after sign-in (assets not yet cached); then ${WARMUP} unmeasured navigations, then ${options.iterations} measured ones. ` +
        'Bundle: every JS and CSS file of web/dist/assets, raw and gzip -9.',
      person,
      firstLoadMs,
      readable: { ...summarize(samples, WARMUP), targetMs: TARGET_MS },
      bundle: bundleSize(),
    };
  } finally {
    await browser?.close();
    await db.drop();
  }
}

export function formatViewerTable(results: ViewerResult[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const rows = results.map((r) => `| ${r.driver} | ${r.person.resources} | ${r.firstLoadMs.toFixed(0)} ms | ${r.readable.p50Ms.toFixed(0)} ms | ${r.readable.p95Ms.toFixed(0)} ms | ` +
    `${kb(r.bundle.jsBytes)} (${kb(r.bundle.jsGzipBytes)} gz) | ${kb(r.bundle.cssBytes)} (${kb(r.bundle.cssGzipBytes)} gz) |`);
  return ['Viewer: navigation → record readable (target ≤ 1 s)', '| database | resources | first | p50 | p95 | JS | CSS |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}
