// A browser's part of the authorization code flow, driven through in-process HTTP requests: open the
// authorise URL, read the sign-in form, post it back with credentials, and read the redirect.
import { createHash, randomBytes } from 'node:crypto';
import type { TestPlatform, TestResponse } from './test-platform.ts';

export interface Pkce {
  verifier: string;
  challenge: string;
}

/** A fresh PKCE pair (RFC 7636, S256). */
export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams(params).toString()}`;
}

const unescapeHtml = (value: string) => value.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

/** The hidden fields of the page's first form (the sign-in form), as a browser would send them. */
export function hiddenFields(html: string): Array<[string, string]> {
  const form = /<form method="post" action="authorize">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  return [...form.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescapeHtml(m[1]!), unescapeHtml(m[2]!)]);
}

export function postForm(t: TestPlatform, url: string, fields: Array<[string, string]>): Promise<TestResponse> {
  return t.request('POST', url, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, token: null });
}

/** Opens the authorise URL and signs in on its page; returns the response to the posted form. */
export async function signIn(t: TestPlatform, params: Record<string, string>, username: string, password = 'demo'): Promise<TestResponse> {
  const page = await t.request('GET', authorizeUrl(params), { token: null });
  if (page.status !== 200) throw new Error(`authorize page: ${page.status} ${page.text.slice(0, 300)}`);
  return postForm(t, '/oauth/authorize', [...hiddenFields(page.text), ['username', username], ['password', password]]);
}

/** The query parameters of a redirect's Location. */
export function redirectParams(res: TestResponse): URLSearchParams {
  const location = res.headers.location;
  if (res.status !== 303 || typeof location !== 'string') throw new Error(`expected a redirect, got ${res.status} ${res.text.slice(0, 300)}`);
  return new URL(location).searchParams;
}

export function exchangeCode(t: TestPlatform, params: Record<string, string>): Promise<TestResponse> {
  return t.request('POST', '/oauth/token', {
    body: new URLSearchParams({ grant_type: 'authorization_code', ...params }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    token: null,
  });
}
