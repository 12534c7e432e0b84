// The quarantine over HTTP: listing with filters and paging, replaying by id and by source (a refused
// transaction succeeds once what it needs exists), discarding with a reason, and who may do it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, expectOutcome, patient, TEST_ID_SYSTEM, unique } from '../support/fhir-fixtures.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.close();
});

const NDJSON = { 'content-type': 'application/fhir+ndjson' };
type Item = Record<string, any> & { reasons: Array<Record<string, string>> };

/** The items of a $quarantine answer as plain objects. */
function itemsOf(body: any): Item[] {
  return body.parameter.filter((p: any) => p.name === 'item').map((p: any) => {
    const item: Item = { reasons: [] };
    for (const x of p.part) {
      if (x.name === 'reason') item.reasons.push(Object.fromEntries(x.part.map((r: any) => [r.name, r.valueCode ?? r.valueString])));
      else item[x.name] = x.valueString ?? x.valueCode ?? x.valueInstant ?? x.valueInteger;
    }
    return item;
  });
}
const intOf = (body: any, name: string) => body.parameter.find((p: any) => p.name === name)?.valueInteger;
const params = (...parameter: unknown[]) => ({ resourceType: 'Parameters', parameter });

/** Imports NDJSON lines from a source; returns the ids of its open quarantine items. */
async function quarantined(source: string, lines: unknown[]): Promise<Item[]> {
  const res = await t.request('POST', `/fhir/$import?source=${source}`, { body: lines.map((l) => JSON.stringify(l)).join('\n'), headers: NDJSON });
  expect(res.status, res.text).toBe(200);
  return itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}&_include-raw=true`)).body);
}

describe('$quarantine', () => {
  it('lists open items of a source with their reasons, raw only when asked', async () => {
    const source = 'q-list';
    const bad = { resourceType: 'Observation', id: 'o1', code: { text: 'no status' } };
    const [item] = await quarantined(source, [bad, { resourceType: 'Patient', id: 'fine' }]);
    expect(item).toMatchObject({ source, channel: 'fhir', kind: 'Observation', origin: 'upload:1', status: 'open', attempts: 1, raw: JSON.stringify(bad) });
    expect(item!.reasons.map((r) => r.location)).toContain('Observation.status');
    expect(item!.received).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const withoutRaw = itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}`)).body);
    expect(withoutRaw[0]!.raw).toBeUndefined();
    expect(itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}&channel=csv`)).body)).toEqual([]);
    expect(itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}&status=discarded`)).body)).toEqual([]);
  });

  it('pages with _count and after', async () => {
    const source = 'q-page';
    await quarantined(source, [1, 2, 3].map((n) => ({ resourceType: 'Observation', id: `p${n}`, code: { text: `no status ${n}` } })));
    const first = await t.request('GET', `/fhir/$quarantine?source=${source}&_count=2`);
    const page1 = itemsOf(first.body);
    const next = first.body.parameter.find((p: any) => p.name === 'next')?.valueString;
    expect(page1).toHaveLength(2);
    expect(next).toBe(page1[1]!.id);
    const second = await t.request('GET', `/fhir/$quarantine?source=${source}&_count=2&after=${next}`);
    const page2 = itemsOf(second.body);
    expect(page2.map((i) => i.origin)).toEqual(['upload:3']);
    expect(second.body.parameter.some((p: any) => p.name === 'next')).toBe(false);
  });

  it('refuses bad filters with their location', async () => {
    expectOutcome(await t.request('GET', '/fhir/$quarantine?status=lost'), 400, { expression: 'status' });
    expectOutcome(await t.request('GET', '/fhir/$quarantine?channel=fax'), 400, { expression: 'channel' });
    expectOutcome(await t.request('GET', '/fhir/$quarantine?_count=many'), 400, { expression: '_count' });
    expectOutcome(await t.request('GET', '/fhir/$quarantine?after=x'), 400, { expression: 'after' });
  });
});

describe('$quarantine-replay', () => {
  it('replays a refused transaction once the record it needs exists', async () => {
    const source = 'q-replay';
    const value = unique('needed');
    const res = await t.request('POST', `/fhir/$import?source=${source}`, {
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{
        resource: { resourceType: 'Observation', status: 'final', code: { text: value }, subject: { reference: `Patient?identifier=${TEST_ID_SYSTEM}|${value}` } },
        request: { method: 'POST', url: 'Observation' },
      }] },
    });
    expect(intOf(res.body, 'quarantined')).toBe(1);
    const [item] = itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}`)).body);
    expect(item).toMatchObject({ kind: 'Bundle', profile: 'bundle' });

    const early = await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'id', valueString: item!.id }) });
    expect([intOf(early.body, 'replayed'), intOf(early.body, 'still-failing')]).toEqual([0, 1]);
    expect(itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}`)).body)[0]!.attempts).toBe(2);

    const p = await create(t, patient('Needed', { identifier: [{ system: TEST_ID_SYSTEM, value }] }));
    const later = await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'id', valueString: item!.id }) });
    expect([intOf(later.body, 'replayed'), intOf(later.body, 'still-failing')]).toEqual([1, 0]);
    const obs = await t.request('GET', `/fhir/Observation?code:text=${value}`);
    expect(obs.body.entry[0].resource.subject.reference).toBe(`Patient/${p.id}`);
    expect(itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}`)).body)).toEqual([]);
    expect(itemsOf((await t.request('GET', `/fhir/$quarantine?source=${source}&status=replayed`)).body)[0]).toMatchObject({ id: item!.id, status: 'replayed' });

    // A closed item is skipped, not replayed twice.
    const again = await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'id', valueString: item!.id }) });
    expect(intOf(again.body, 'skipped')).toBe(1);
  });

  it('replays every open item of a source, counting those that still fail', async () => {
    const source = 'q-replay-all';
    await quarantined(source, [1, 2].map((n) => ({ resourceType: 'Observation', id: `r${n}`, code: { text: 'no status' } })));
    const res = await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'source', valueString: source }, { name: 'channel', valueCode: 'fhir' }) });
    expect(res.status).toBe(200);
    expect([intOf(res.body, 'replayed'), intOf(res.body, 'still-failing'), intOf(res.body, 'skipped')]).toEqual([0, 2, 0]);
    const results = res.body.parameter.filter((p: any) => p.name === 'result');
    expect(results[0].part.find((x: any) => x.name === 'status').valueCode).toBe('still-failing');
  });

  it('refuses unknown ids, nothing to replay, and both id and source', async () => {
    expectOutcome(await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'id', valueString: '999999999' }) }), 404, { id: 'QUARANTINE_NOT_FOUND' });
    expectOutcome(await t.request('POST', '/fhir/$quarantine-replay', { body: params() }), 400);
    const [item] = await quarantined('q-both', [{ resourceType: 'Observation', id: 'b1', code: { text: 'x' } }]);
    expectOutcome(await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'id', valueString: item!.id }, { name: 'source', valueString: 'q-both' }) }), 400);
    expectOutcome(await t.request('GET', '/fhir/$quarantine-replay'), 405);
  });
});

describe('$quarantine-discard', () => {
  it('discards open items with a reason, once', async () => {
    const [item] = await quarantined('q-discard', [{ resourceType: 'Observation', id: 'd1', code: { text: 'x' } }]);
    expectOutcome(await t.request('POST', '/fhir/$quarantine-discard', { body: params({ name: 'id', valueString: item!.id }) }), 400,
      { id: 'QUARANTINE_REASON', expression: "Parameters.parameter.where(name='reason')" });
    const res = await t.request('POST', '/fhir/$quarantine-discard', {
      body: params({ name: 'id', valueString: item!.id }, { name: 'reason', valueString: 'Test record sent by mistake' }),
    });
    expect(intOf(res.body, 'discarded')).toBe(1);
    const [closed] = itemsOf((await t.request('GET', '/fhir/$quarantine?source=q-discard&status=discarded')).body);
    expect(closed).toMatchObject({ id: item!.id, status: 'discarded' });
    expect(closed!.resolved).toBeDefined();
    expect(closed!.reasons.at(-1)).toEqual({ code: 'INGEST_DISCARDED', message: 'Test record sent by mistake' });
    expectOutcome(await t.request('POST', '/fhir/$quarantine-discard', {
      body: params({ name: 'id', valueString: item!.id }, { name: 'reason', valueString: 'again' }),
    }), 409, { id: 'QUARANTINE_NOT_OPEN' });
    expectOutcome(await t.request('POST', '/fhir/$quarantine-discard', { body: params({ name: 'id', valueString: '999999999' }, { name: 'reason', valueString: 'x' }) }), 404);
  });
});

describe('quarantine access', () => {
  it('needs create and update on every type outside a patient context', async () => {
    const readOnly = await t.token('system/*.rs');
    expectOutcome(await t.request('GET', '/fhir/$quarantine', { token: readOnly }), 403, { id: 'AUTH_INGEST_SCOPE' });
    expectOutcome(await t.request('POST', '/fhir/$quarantine-replay', { body: params({ name: 'source', valueString: 'x' }), token: readOnly }), 403);
    expectOutcome(await t.request('POST', '/fhir/$quarantine-discard', { body: params(), token: await t.token('patient/*.cruds', { patient: 'p' }) }), 403);
    expect((await t.request('GET', '/fhir/$quarantine', { token: await t.token('user/*.cu') })).status).toBe(200);
  });
});
