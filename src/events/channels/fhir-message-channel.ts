// A FHIR message (a hospital event) POSTed to a council's own system, through the same SSRF guard,
// signature headers and event id as webhooks.
import type { AttemptResult, Delivery } from '../delivery-queue.ts';
import type { EventsContext } from '../events-context.ts';
import type { FhirMessagePayload } from '../rules/out-of-area.ts';
import { sendWebhook } from '../webhooks/webhook-sender.ts';
import { timedAttempt, UndeliverableError, type DeliveryChannelSender } from './channel.ts';
import { auditDisclosure, EVENTS_PRINCIPAL } from './disclosure-audit.ts';

export class FhirMessageChannel implements DeliveryChannelSender {
  private readonly ctx: EventsContext;

  constructor(ctx: EventsContext) {
    this.ctx = ctx;
  }

  send(delivery: Delivery): Promise<AttemptResult> {
    return timedAttempt(async () => {
      const payload = delivery.payload as FhirMessagePayload | null;
      if (!payload?.url || !payload.bundle) throw new UndeliverableError('The delivery has no message to send');
      const url = payload.url.replace(/\/+$/, '');
      // A FHIR base receives messages at $process-message; a plain webhook URL takes the Bundle as it is.
      const target = /\/fhir(\/R4)?$/i.test(url) ? `${url}/$process-message` : url;
      await auditDisclosure(this.ctx, delivery, { principal: EVENTS_PRINCIPAL, recipient: delivery.subscriber, ...payload.about });
      return sendWebhook({ url: target, body: JSON.stringify(payload.bundle), eventId: delivery.eventId, allow: this.ctx.settings.webhookAllow,
        timeoutMs: this.ctx.settings.webhookTimeoutMs });
    });
  }
}
