// Every notification that carries personal data is a disclosure, audited (IHE BALP) before it leaves:
// who it went to, about which patients, and what. If the audit cannot be written nothing is sent,
// and the delivery is retried.
import { appendAudit } from '../../governance/audit/audit-log.ts';
import type { AccessRecord } from '../../governance/audit/access-record.ts';
import { PURPOSE, type Principal } from '../../governance/principal.ts';
import type { Delivery } from '../delivery-queue.ts';
import type { EventsContext } from '../events-context.ts';

/** sharedcare itself, when it sends on its own account (hospital events to out-of-area councils). */
export const EVENTS_PRINCIPAL: Principal = { subject: 'sharedcare-events', kind: 'system', name: 'sharedcare event delivery', scope: '', scopes: [] };

export interface Disclosure {
  /** On whose account it is sent: a subscription's owner, or sharedcare itself. */
  principal: Principal;
  /** Where it goes: a Subscription, a council endpoint or mailbox. */
  recipient: string;
  resources: string[];
  patients: string[];
}

export async function auditDisclosure(ctx: EventsContext, delivery: Delivery, disclosure: Disclosure): Promise<void> {
  const record: AccessRecord = {
    interaction: 'operation', operation: `notify-${delivery.channel}`, action: 'E', outcome: 'success', status: 200,
    principal: disclosure.principal, requestId: delivery.eventId, server: ctx.settings.baseUrl, query: disclosure.recipient,
    resources: disclosure.resources, patients: disclosure.patients, purposeOfUse: disclosure.principal.purposeOfUse ?? PURPOSE.treatment,
    basis: 'system', recorded: new Date(),
  };
  await ctx.repo.transaction((_, sql) => appendAudit(sql, record));
}
