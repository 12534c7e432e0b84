// Routes committed changes to the people and systems that must hear of them: claims a batch of
// outbox events, lets every rule write its deliveries and Tasks, and marks the batch routed, all in
// one transaction, so a crash routes the batch again from the start and nothing is routed twice.
import type { EventsContext } from './events-context.ts';
import { claimPendingEvents, markRouted } from './outbox.ts';
import { RoutingBatch, type RoutingRule } from './routing-batch.ts';

export class EventRouter {
  private readonly ctx: EventsContext;
  private readonly rules: readonly RoutingRule[];

  constructor(ctx: EventsContext, rules: readonly RoutingRule[]) {
    this.ctx = ctx;
    this.rules = rules;
  }

  /** Routes one batch; returns how many events it routed (0: nothing was waiting). */
  async routeOnce(): Promise<number> {
    return this.ctx.repo.transaction(async (repo, tx) => {
      const events = await claimPendingEvents(tx, this.ctx.settings.routeBatch);
      if (events.length === 0) return 0;
      const batch = new RoutingBatch(events, repo, tx, this.ctx);
      for (const rule of this.rules) await rule.route(batch);
      await markRouted(tx, events);
      return events.length;
    });
  }
}
