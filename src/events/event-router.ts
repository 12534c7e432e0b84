// Routes committed changes to the people and systems that must hear of them: claims a batch of
// outbox events, lets every rule write its deliveries and Tasks, and marks the batch routed, all in
// one transaction, so a crash routes the batch again from the start and nothing is routed twice.
import type { EventsContext } from './events-context.ts';
import { claimPendingEvents, errorLabel, markRouted, markRoutingFailed, type OutboxEvent } from './outbox.ts';
import { RoutingBatch, type RoutingRule } from './routing-batch.ts';

export class EventRouter {
  private readonly ctx: EventsContext;
  private readonly rules: readonly RoutingRule[];

  constructor(ctx: EventsContext, rules: readonly RoutingRule[]) {
    this.ctx = ctx;
    this.rules = rules;
  }

  /**
   * Routes one batch; returns how many events it routed (0: nothing was waiting). A batch that
   * fails is routed again one event at a time, so one poison event cannot hold up the others.
   */
  async routeOnce(): Promise<number> {
    try {
      return await this.route(this.ctx.settings.routeBatch);
    } catch {
      return this.routeSingly();
    }
  }

  private route(limit: number, claimed?: (events: OutboxEvent[]) => void): Promise<number> {
    return this.ctx.repo.transaction(async (repo, tx) => {
      const events = await claimPendingEvents(tx, limit);
      claimed?.(events);
      if (events.length === 0) return 0;
      const batch = new RoutingBatch(events, repo, tx, this.ctx);
      for (const rule of this.rules) await rule.route(batch);
      await markRouted(tx, events);
      return events.length;
    });
  }

  private async routeSingly(): Promise<number> {
    let routed = 0;
    for (let i = 0; i < this.ctx.settings.routeBatch; i++) {
      let event: OutboxEvent | undefined;
      try {
        if ((await this.route(1, (events) => (event = events[0]))) === 0) break;
      } catch (err) {
        if (!event) throw err;
        // Its changes were rolled back; it is set aside with the error's label.
        await markRoutingFailed(this.ctx.db, event, errorLabel(err));
      }
      routed++;
    }
    return routed;
  }
}
