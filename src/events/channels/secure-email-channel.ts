// Readable notices for councils with no system to receive events: each is written as a complete
// RFC 5322 message (.eml) into the mail folder, which the deployment's secure-email relay (NHSmail,
// a council's gateway) sends on. Written to a temporary name and renamed, so the relay never picks up
// half a file; named by event id, so a retry rewrites the same message.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptResult, Delivery } from '../delivery-queue.ts';
import type { SecureEmailPayload } from '../rules/out-of-area.ts';
import type { EventsContext } from '../events-context.ts';
import { timedAttempt, UndeliverableError, type DeliveryChannelSender } from './channel.ts';
import { auditDisclosure, EVENTS_PRINCIPAL } from './disclosure-audit.ts';

export class SecureEmailChannel implements DeliveryChannelSender {
  private readonly ctx: EventsContext;
  private readonly dir: string;

  constructor(ctx: EventsContext) {
    this.ctx = ctx;
    this.dir = ctx.settings.mailDir;
  }

  send(delivery: Delivery): Promise<AttemptResult> {
    return timedAttempt(async () => {
      const mail = delivery.payload as SecureEmailPayload | null;
      if (!mail?.to || !mail.html) throw new UndeliverableError('The delivery has no notice to send');
      await auditDisclosure(this.ctx, delivery, { principal: EVENTS_PRINCIPAL, recipient: `${delivery.subscriber} <${mail.to}>`, ...mail.about });
      await mkdir(this.dir, { recursive: true });
      const file = join(this.dir, `${delivery.eventId}.eml`);
      await writeFile(`${file}.tmp`, emlOf(mail, delivery.eventId), { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    });
  }
}

function emlOf(mail: SecureEmailPayload, eventId: string): string {
  const body = Buffer.from(mail.html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `To: ${mail.to.replace(/[\r\n]/g, '')}`,
    `Subject: ${mail.subject.replace(/[\r\n]/g, ' ')}`,
    `Message-ID: <${eventId}@sharedcare>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
    '',
  ].join('\r\n');
}
