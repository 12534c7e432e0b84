// The background work of events, started by `serve`: route new changes, send due deliveries, queue
// heartbeats and prune old outbox rows. Each loop drains its queue, then waits `pollMs`; a failure is
// logged by category and retried on the next turn, never lost (the rows stay in the database).
import type { EventsContext } from './events-context.ts';
import { EventRouter } from './event-router.ts';
import { DeliveryWorker } from './delivery-worker.ts';
import { enqueueDueHeartbeats } from './heartbeats.ts';
import { errorLabel, pruneRoutedEvents } from './outbox.ts';
import { watchCpisAccesses } from './cpis/cpis-access-watcher.ts';

export interface EventWorkersLog {
  warn(message: string): void;
}

const HOUSEKEEPING_MS = 5_000;

export class EventWorkers {
  readonly router: EventRouter;
  readonly delivery: DeliveryWorker;
  private readonly ctx: EventsContext;
  private readonly log: EventWorkersLog;
  private running = false;
  private loops: Promise<void>[] = [];
  private timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(ctx: EventsContext, router: EventRouter, delivery: DeliveryWorker, log: EventWorkersLog) {
    this.ctx = ctx;
    this.router = router;
    this.delivery = delivery;
    this.log = log;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { pollMs, keepRoutedDays } = this.ctx.settings;
    this.loops = [
      this.loop('routing', () => this.router.routeOnce(), pollMs),
      this.loop('delivery', () => this.delivery.deliverOnce(), pollMs),
      this.loop('cpis', () => watchCpisAccesses(this.ctx, this.ctx.settings.unscheduledCare), pollMs),
      this.loop('housekeeping', async () => {
        await enqueueDueHeartbeats(this.ctx);
        await pruneRoutedEvents(this.ctx.db, keepRoutedDays);
        return 0;
      }, HOUSEKEEPING_MS),
    ];
  }

  /** Stops after the current turn of each loop; what is in flight finishes. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    await Promise.all(this.loops);
  }

  private async loop(name: string, turn: () => Promise<number>, idleMs: number): Promise<void> {
    while (this.running) {
      let worked = 0;
      try {
        worked = await turn();
      } catch (err) {
        this.log.warn(`events ${name} turn failed (${errorLabel(err)}); retrying`);
        worked = 0;
      }
      if (worked === 0 && this.running) await this.sleep(idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = { timer: setTimeout(() => { this.timers.delete(entry); resolve(); }, ms), resolve };
      this.timers.add(entry);
    });
  }
}
