// How the server serves the viewer: the app's page for browser navigation to any app path, with a
// strict CSP; hashed assets cached; nothing outside the assets folder; API clients still get
// OperationOutcomes; and without a build, a landing page that says how to build it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

const HTML = { accept: 'text/html,application/xhtml+xml' };
let built: TestPlatform;
let unbuilt: TestPlatform;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sharedcare-viewer-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>viewer</title><div id="root"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not an asset');
  [built, unbuilt] = await Promise.all([startTestPlatform({ viewerDir: dir }), startTestPlatform({ viewerDir: join(dir, 'missing') })]);
});

afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
});

describe('serving the viewer', () => {
  it('answers a browser navigating to any app path with the app page and a strict CSP', async () => {
    for (const path of ['/', '/record/Patient/abc?tab=medications', '/inbox', '/callback?code=x&state=y']) {
      const res = await built.request('GET', path, { headers: HTML, token: null });
      expect(res.status, path).toBe(200);
      expect(res.text).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves hashed assets with a long cache, and nothing outside the assets folder', async () => {
    const asset = await built.request('GET', '/assets/index-abc123.js', { token: null });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const path of ['/assets/missing.js', '/assets/../secret.txt', '/assets/%2e%2e/secret.txt']) {
      const res = await built.request('GET', path, { token: null });
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('not an asset');
    }
  });

  it('keeps OperationOutcomes for API clients and the API paths', async () => {
    const api = await built.request('GET', '/nothing-here', { headers: { accept: 'application/fhir+json' }, token: null });
    expect(api.status).toBe(404);
    expect(api.body.resourceType).toBe('OperationOutcome');
    const fhir = await built.request('GET', '/fhir/Nothing', { headers: HTML });
    expect(fhir.body.resourceType).toBe('OperationOutcome');
  });

  it('without a built viewer, says how to build it', async () => {
    const res = await unbuilt.request('GET', '/', { headers: HTML, token: null });
    expect(res.status).toBe(200);
    expect(res.text).toContain('npm run build:web');
  });
});
