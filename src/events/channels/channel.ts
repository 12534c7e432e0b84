// A way of getting a delivery to its subscriber. Each channel answers with the attempt's outcome;
// the worker records it and decides on retries.
import type { AttemptResult, Delivery } from '../delivery-queue.ts';
import { WebhookDeliveryError } from '../webhooks/webhook-sender.ts';

export interface DeliveryChannelSender {
  send(delivery: Delivery): Promise<AttemptResult>;
}

/** Runs `attempt`, timing it and turning failures into a recorded outcome (no response body is kept). */
export async function timedAttempt(attempt: () => Promise<{ status?: number } | void>): Promise<AttemptResult> {
  const started = performance.now();
  try {
    const done = await attempt();
    return { ok: true, ...(done && done.status !== undefined ? { httpStatus: done.status } : {}), durationMs: performance.now() - started };
  } catch (err) {
    const durationMs = performance.now() - started;
    if (err instanceof WebhookDeliveryError) {
      return { ok: false, retryable: err.retryable, error: err.reason, ...(err.status !== undefined ? { httpStatus: err.status } : {}), durationMs };
    }
    if (err instanceof UndeliverableError) return { ok: false, retryable: false, error: err.message, durationMs };
    return { ok: false, retryable: true, error: (err as Error).message ?? String(err), durationMs };
  }
}

/** A delivery that can never succeed (its subscription was deleted, its payload is malformed). */
export class UndeliverableError extends Error {}
