// Runs the event workers' routing and delivery until nothing is left to do now (retries scheduled
// for later are left), so tests see the result of every committed change.
import { watchCpisAccesses } from '../../src/events/cpis/cpis-access-watcher.ts';
import type { Platform } from '../../src/server/platform.ts';

export async function drainEvents(platform: Platform, rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const watched = await watchCpisAccesses(platform.events, platform.events.settings.unscheduledCare);
    const routed = watched + await platform.eventWorkers.router.routeOnce();
    const delivered = await platform.eventWorkers.delivery.deliverOnce();
    if (routed === 0 && delivered === 0) return;
  }
  throw new Error(`events still busy after ${rounds} rounds`);
}
