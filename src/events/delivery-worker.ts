// Sends due deliveries through their channels, several at once, and records each attempt. A
// delivery whose channel is missing (MESH not configured) waits and is retried, never dropped.
import { claimDueDeliveries, recordAttempt, type Delivery, type DeliveryChannel } from './delivery-queue.ts';
import type { EventsContext } from './events-context.ts';
import type { DeliveryChannelSender } from './channels/channel.ts';

export class DeliveryWorker {
  private readonly ctx: EventsContext;
  private readonly channels: Partial<Record<DeliveryChannel, DeliveryChannelSender>>;

  constructor(ctx: EventsContext, channels: Partial<Record<DeliveryChannel, DeliveryChannelSender>>) {
    this.ctx = ctx;
    this.channels = channels;
  }

  /** Sends one batch of due deliveries; returns how many it attempted. */
  async deliverOnce(): Promise<number> {
    const { settings } = this.ctx;
    const due = await claimDueDeliveries(this.ctx.db, settings.deliveryBatch, settings.leaseMs);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { settings } = this.ctx;
    const channel = this.channels[delivery.channel];
    const result = channel
      ? await channel.send(delivery)
      : { ok: false, retryable: true, error: `No ${delivery.channel} transport is configured`, durationMs: 0 };
    await recordAttempt(this.ctx.db, delivery, result, { maxAttempts: settings.maxAttempts, baseDelayMs: settings.baseDelayMs, maxDelayMs: settings.maxDelayMs });
  }
}
