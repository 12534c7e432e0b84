// Synthetic FHIR data for the HTTP tests: valid NHS numbers from the 999 test range, unique
// identifiers so tests in one file never see each other's resources, and small resource builders.
import { expect } from 'vitest';
import { nhsNumberCheckDigit } from '../../src/fhir/nhs-number.ts';
import { NHS_NUMBER_SYSTEM } from '../../src/fhir/systems.ts';
import type { TestPlatform, TestResponse } from './test-platform.ts';

export const FHIR_BASE = 'http://sharedcare.test/fhir';
export const TEST_ID_SYSTEM = 'urn:sharedcare:test:id';

let counter = 0;

/** A string unique within this test process, for identifiers and names. */
export function unique(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The n-th valid synthetic NHS number (999 range, Modulus 11 check digit correct). */
export function nhsNumber(n: number): string {
  for (let i = n; ; i++) {
    const firstNine = `999${String(i % 1_000_000).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(firstNine);
    if (check !== undefined && !/^(\d)\1{9}$/.test(`${firstNine}${check}`)) return `${firstNine}${check}`;
  }
}

/** Creates a resource and returns the stored resource; fails loudly if the server refused it. */
export async function create<T extends Record<string, any>>(t: TestPlatform, resource: T, token?: string): Promise<T & { id: string; meta: { versionId: string; lastUpdated: string } }> {
  const res = await t.request('POST', `/fhir/${resource.resourceType}`, { body: resource, ...(token ? { token } : {}) });
  if (res.status !== 201) throw new Error(`create ${resource.resourceType} failed: ${res.status} ${res.text}`);
  return res.body;
}

/** The ids of the `match` entries of a searchset, in order. */
export function matchIds(res: TestResponse): string[] {
  expectBundle(res);
  return (res.body.entry ?? []).filter((e: any) => e.search?.mode === 'match').map((e: any) => e.resource.id);
}

/** `Type/id` of every entry of a Bundle, in order. */
export function entryKeys(res: TestResponse, mode?: string): string[] {
  expectBundle(res);
  return (res.body.entry ?? [])
    .filter((e: any) => e.resource && (!mode || e.search?.mode === mode))
    .map((e: any) => `${e.resource.resourceType}/${e.resource.id}`);
}

/** The URL of a Bundle link relation, made relative to the server root for `request`. */
export function linkOf(res: TestResponse, relation: string): string | undefined {
  const url: string | undefined = res.body?.link?.find((l: any) => l.relation === relation)?.url;
  return url?.startsWith(FHIR_BASE) ? `/fhir${url.slice(FHIR_BASE.length)}` : url;
}

function expectBundle(res: TestResponse): void {
  if (res.status !== 200 || res.body?.resourceType !== 'Bundle') throw new Error(`expected a Bundle, got ${res.status} ${res.text.slice(0, 500)}`);
}

export const patient = (family: string, extra: Record<string, unknown> = {}) => ({ resourceType: 'Patient', name: [{ family }], ...extra });

export const nhsIdentifier = (value: string) => ({ system: NHS_NUMBER_SYSTEM, value });

/** Asserts an error answer: the status, FHIR JSON, and an OperationOutcome with an error issue. */
export function expectOutcome(res: TestResponse, status: number, expected: { code?: string; id?: string; expression?: string } = {}): any {
  expect(res.status, res.text.slice(0, 500)).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/fhir\+json/);
  expect(res.body?.resourceType).toBe('OperationOutcome');
  const issues: any[] = res.body.issue;
  expect(issues.length).toBeGreaterThan(0);
  expect(['error', 'fatal']).toContain(issues[0].severity);
  if (expected.code) expect(issues.map((i) => i.code)).toContain(expected.code);
  if (expected.id) expect(issues.flatMap((i) => i.details?.coding?.map((c: any) => c.code) ?? [])).toContain(expected.id);
  if (expected.expression) expect(issues.flatMap((i) => i.expression ?? [])).toContain(expected.expression);
  return res.body;
}

/** Follows `next` links from `url`, collecting the `match` and `include` entry keys of every page. */
export async function everyPage(t: TestPlatform, url: string, token?: string): Promise<{ matches: string[]; includes: string[]; pages: number }> {
  const matches: string[] = [];
  const includes: string[] = [];
  let pages = 0;
  let next: string | undefined = url;
  while (next) {
    const res = await t.request('GET', next, token ? { token } : {});
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    matches.push(...entryKeys(res, 'match'));
    includes.push(...entryKeys(res, 'include'));
    next = linkOf(res, 'next');
    pages += 1;
    expect(pages).toBeLessThan(20);
  }
  return { matches, includes, pages };
}
