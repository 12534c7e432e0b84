// One change whose routing fails on its own (a poison event) is set aside with the reason, and the
// others are routed regardless; once the cause is fixed, reroute puts it back.
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRouter } from '../../src/events/event-router.ts';
import { failedRoutings, outboxBacklog, requeueFailedRoutings } from '../../src/events/outbox.ts';
import type { RoutingRule } from '../../src/events/routing-batch.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

let t: TestPlatform;
let poisoned = true;

/** Records what it routes in the routing transaction (so a failed batch leaves no trace) and fails on the Basic called `poison`. */
const fragileRule: RoutingRule = {
  name: 'fragile',
  async route(batch) {
    for (const event of batch.ofType('Basic')) {
      if (event.id === 'poison' && poisoned) throw Object.assign(new Error('cannot route Ada Lovelace'), { code: 'TEST_POISON' });
      await batch.tx.query('INSERT INTO event_cursor (name, position) VALUES ($1, 0)', [`routed-${event.id}`]);
    }
  },
};

beforeAll(async () => {
  t = await startTestPlatform({ allowUpdateCreate: true });
});
afterAll(async () => t?.close());

async function routed(): Promise<string[]> {
  const { rows } = await t.platform.driver.query<{ name: string }>("SELECT name FROM event_cursor WHERE name LIKE 'routed-%' ORDER BY name");
  return rows.map((r) => r.name.slice('routed-'.length));
}

describe('a poison event', () => {
  it('is set aside with its reason while the rest are routed, and can be routed again', async () => {
    const router = new EventRouter(t.platform.events, [fragileRule]);
    await router.routeOnce();
    for (const id of ['first', 'poison', 'last']) {
      const res = await t.request('PUT', `/fhir/Basic/${id}`, { body: { resourceType: 'Basic', id, code: { text: id } } as Resource });
      expect(res.status).toBe(201);
    }
    expect(await router.routeOnce()).toBe(3);
    expect(await routed()).toEqual(['first', 'last']);
    const failed = await failedRoutings(t.platform.driver);
    expect(failed.map((f) => [f.type, f.id, f.error])).toEqual([['Basic', 'poison', 'Error TEST_POISON']]);
    expect(failed[0]!.error).not.toContain('Ada');
    expect(await outboxBacklog(t.platform.driver)).toMatchObject({ pending: 0, failed: 1 });

    poisoned = false;
    expect(await requeueFailedRoutings(t.platform.driver)).toBe(1);
    expect(await router.routeOnce()).toBe(1);
    expect(await routed()).toEqual(['first', 'last', 'poison']);
    expect(await outboxBacklog(t.platform.driver)).toMatchObject({ pending: 0, failed: 0 });
  });
});
