// Notification Bundles as the Subscriptions Backport IG shapes them for R4: a `history` Bundle whose
// first entry is the subscription status (a Parameters), followed by what the payload content allows.
// Used for rest-hook notifications, heartbeats, $status and $events alike.
import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { BACKPORT, type NotificationType } from './backport.ts';

export interface NotificationEvent {
  number: number;
  timestamp: string;
  /** `Type/id` of what changed; absent when the subscriber may no longer see it, or payload is empty. */
  focus?: string;
  /** The resource itself (full-resource payloads only). */
  resource?: Resource;
  /** The patient the focus is about, for the audit of the disclosure (not sent). */
  patient?: string;
}

export interface NotificationInput {
  subscriptionId: string;
  topic?: string;
  status: 'requested' | 'active' | 'error' | 'off';
  type: NotificationType;
  eventsSinceStart: number;
  events: readonly NotificationEvent[];
  baseUrl: string;
  error?: string;
}

export function subscriptionStatus(input: Omit<NotificationInput, 'events'> & { events?: readonly NotificationEvent[] }): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: `${input.baseUrl}/Subscription/${input.subscriptionId}` } },
    ...(input.topic ? [{ name: 'topic', valueCanonical: input.topic }] : []),
    { name: 'status', valueCode: input.status },
    { name: 'type', valueCode: input.type },
    { name: 'events-since-subscription-start', valueString: String(input.eventsSinceStart) },
    ...(input.events ?? []).map((e) => ({
      name: 'notification-event',
      part: [
        { name: 'event-number', valueString: String(e.number) },
        { name: 'timestamp', valueInstant: e.timestamp },
        ...(e.focus ? [{ name: 'focus', valueReference: { reference: `${input.baseUrl}/${e.focus}` } }] : []),
      ],
    })),
    ...(input.error ? [{ name: 'error', valueCodeableConcept: { text: input.error } }] : []),
  ];
  return { resourceType: 'Parameters', meta: { profile: [BACKPORT.statusProfile] }, parameter };
}

export function notificationBundle(input: NotificationInput): Bundle {
  const status = subscriptionStatus(input);
  const entries: BundleEntry[] = [{
    fullUrl: `urn:uuid:${crypto.randomUUID()}`,
    resource: status,
    request: { method: 'GET', url: `${input.baseUrl}/Subscription/${input.subscriptionId}/$status` },
    response: { status: '200' },
  }];
  for (const e of input.events) {
    if (!e.focus) continue;
    entries.push({
      fullUrl: `${input.baseUrl}/${e.focus.replace(/\/_history\/.*$/, '')}`,
      ...(e.resource ? { resource: e.resource } : {}),
      request: { method: 'PUT', url: e.focus.replace(/\/_history\/.*$/, '') },
      response: { status: '200' },
    });
  }
  return { resourceType: 'Bundle', type: 'history', timestamp: new Date().toISOString(), entry: entries };
}
