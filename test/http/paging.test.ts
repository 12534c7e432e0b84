// Paging through searchsets while others write: next/previous links neither repeat nor skip
// resources that existed at the first page, and sorted searches page over a frozen snapshot.
// See: https://hl7.org/fhir/R4/http.html#paging
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOutcome, linkOf, matchIds, patient } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

async function createSet(system: string, n: number, family: (i: number) => string): Promise<Array<Record<string, any>>> {
  const entry = Array.from({ length: n }, (_, i) => ({
    resource: patient(family(i), { identifier: [{ system, value: String(i) }] }),
    request: { method: 'POST', url: 'Patient' },
  }));
  const res = await t.request('POST', '/fhir', { body: { resourceType: 'Bundle', type: 'transaction', entry } });
  expect(res.status).toBe(200);
  return res.body.entry.map((e: any) => e.resource);
}

/** Follows next links from `first`, returning every page's match ids. */
async function followNext(first: Awaited<ReturnType<TestPlatform['request']>>, token?: string): Promise<string[][]> {
  const pages = [matchIds(first)];
  let next = linkOf(first, 'next');
  while (next) {
    const page = await t.request('GET', next, token ? { token } : {});
    pages.push(matchIds(page));
    next = linkOf(page, 'next');
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

describe('default order (keyset paging)', () => {
  it('next links neither repeat nor skip pre-existing resources while others create and update', async () => {
    const system = 'urn:sharedcare:test:paging-keyset';
    const existing = await createSet(system, 30, (i) => `Keyset${i}`);
    const first = await t.request('GET', `/fhir/Patient?identifier=${system}|&_count=10`);
    expect(matchIds(first)).toHaveLength(10);
    expect(first.body.total).toBe(30);
    // Concurrent writers: new matches, updates to resources on every page, and a deletion from
    // the page already read (offset paging would then skip a resource).
    await createSet(system, 5, (i) => `Late${i}`);
    const deleted = matchIds(first)[1]!;
    expect((await t.request('DELETE', `/fhir/Patient/${deleted}`)).status).toBe(200);
    for (const r of [existing[0], existing[15], existing[29]].filter((x) => x.id !== deleted)) {
      const res = await t.request('PUT', `/fhir/Patient/${r.id}`, { body: { ...r, gender: 'other' } });
      expect(res.status).toBe(200);
    }
    const pages = await followNext(first);
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(existing.map((r) => r.id).filter((id) => id !== deleted)));
    expect(pages.slice(0, -1).every((p) => p.length === 10)).toBe(true);
  });

  it('previous links lead back to the same pages', async () => {
    const system = 'urn:sharedcare:test:paging-prev';
    await createSet(system, 25, (i) => `Prev${i}`);
    const first = await t.request('GET', `/fhir/Patient?identifier=${system}|&_count=10`);
    expect(linkOf(first, 'previous')).toBeUndefined();
    const second = await t.request('GET', linkOf(first, 'next')!);
    const third = await t.request('GET', linkOf(second, 'next')!);
    expect(matchIds(third)).toHaveLength(5);
    expect(linkOf(third, 'next')).toBeUndefined();
    const backToSecond = await t.request('GET', linkOf(third, 'previous')!);
    expect(matchIds(backToSecond)).toEqual(matchIds(second));
    const backToFirst = await t.request('GET', linkOf(backToSecond, 'previous')!);
    expect(matchIds(backToFirst)).toEqual(matchIds(first));
  });

  it('refuses malformed paging parameters with 400', async () => {
    expectOutcome(await t.request('GET', '/fhir/Patient?_cursor=abc&_maxrid=10'), 400);
    expectOutcome(await t.request('GET', '/fhir/Patient?_page=not-a-page-id'), 400);
  });
});

describe('sorted searches (snapshot paging)', () => {
  it('pages from a snapshot frozen at the first page', async () => {
    const system = 'urn:sharedcare:test:paging-sorted';
    const created = await createSet(system, 30, (i) => `Sorted${String(i).padStart(2, '0')}`);
    const url = `/fhir/Patient?identifier=${system}|&_sort=family&_count=10`;
    const first = await t.request('GET', url);
    const expected = [...created].sort((a, b) => a.name[0].family.localeCompare(b.name[0].family)).map((r) => r.id);
    expect(matchIds(first)).toEqual(expected.slice(0, 10));
    // Moves the last resource to the front and adds one that would sort first.
    const last = created[29];
    await t.request('PUT', `/fhir/Patient/${last.id}`, { body: { ...last, name: [{ family: 'Sorted-first' }] } });
    await createSet(system, 1, () => 'Sorted-aaa');
    const pages = await followNext(first);
    expect(pages.flat()).toEqual(expected);
    // A fresh search sees the changes.
    const fresh = matchIds(await t.request('GET', url));
    expect(fresh[fresh.length - 1]).not.toBe(expected[0]);
  });

  it('_count=0 answers the total without a next link that would never advance', async () => {
    const system = 'urn:sharedcare:test:paging-zero';
    await createSet(system, 3, (i) => `Zero${i}`);
    for (const sort of ['', '&_sort=family']) {
      const res = await t.request('GET', `/fhir/Patient?identifier=${system}|&_count=0${sort}`);
      expect(res.body.total, sort).toBe(3);
      expect(matchIds(res)).toEqual([]);
      expect(linkOf(res, 'next'), sort).toBeUndefined();
    }
  });

  it('a page link used with another user\'s token is refused exactly like an expired one', async () => {
    const system = 'urn:sharedcare:test:paging-owner';
    await createSet(system, 6, (i) => `Owner${i}`);
    const first = await t.request('GET', `/fhir/Patient?identifier=${system}|&_sort=family&_count=2`);
    const next = linkOf(first, 'next')!;
    expect(next).toContain('_page=');
    expect((await t.request('GET', next)).status).toBe(200);
    const stranger = await t.token('system/*.cruds', { subject: 'another-client' });
    const refused = await t.request('GET', next, { token: stranger });
    const expired = await t.request('GET', next.replace(/_page=[^&]+/, `_page=${crypto.randomUUID()}`));
    expectOutcome(refused, expired.status);
    expect(expired.status).toBeGreaterThanOrEqual(400);
    expect(refused.body).toEqual(expired.body);
  });
});
