// What a Subscription asks for, read once from the resource: which resources (a query, directly in
// R4 `criteria` or as a Backport topic plus filter), where to send, and how much to put in each
// notification. Refuses what sharedcare cannot honour, naming the element.
import type { Extension, Subscription } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import { SUBSCRIPTION_TOPICS } from '../event-codes.ts';
import { BACKPORT, type PayloadContent } from './backport.ts';

export interface SubscriptionPlan {
  id: string;
  /** The resource type notifications are about. */
  type: string;
  /** Search parameters a resource must match (topic query and filter criteria together). */
  query: Array<[string, string]>;
  /** The Backport topic canonical, or undefined for a plain R4 criteria query. */
  topic?: string;
  endpoint: string;
  payload: PayloadContent;
  /** Channel headers to send with each notification (e.g. the subscriber's own Authorization). */
  headers: Record<string, string>;
  heartbeatSeconds?: number;
  active: boolean;
}

const PAYLOADS: readonly PayloadContent[] = ['empty', 'id-only', 'full-resource'];

function extension(list: Extension[] | undefined, url: string): Extension | undefined {
  return list?.find((e) => e.url === url);
}

function splitQuery(criteria: string, where: string): { type: string; query: Array<[string, string]> } {
  const m = /^([A-Z][A-Za-z]+)(?:\?(.*))?$/.exec(criteria.trim());
  if (!m) throw invalid('SUBSCRIPTION_CRITERIA', `'${criteria}' is not a search such as Task?owner=Organization/123`, where);
  return { type: m[1]!, query: [...new URLSearchParams(m[2] ?? '')] };
}

/** Reads a Subscription; `knownTypes` are the resource types the server holds. */
export function subscriptionPlan(sub: Subscription, knownTypes: readonly string[]): SubscriptionPlan {
  const channel = sub.channel;
  if (channel?.type !== 'rest-hook') {
    throw invalid('SUBSCRIPTION_CHANNEL', 'Only rest-hook channels are supported; systems without webhooks read their team inbox (Task) instead', 'Subscription.channel.type');
  }
  if (!channel.endpoint) throw invalid('SUBSCRIPTION_ENDPOINT', 'A rest-hook Subscription needs channel.endpoint', 'Subscription.channel.endpoint');
  if (channel.payload && !/^application\/(fhir\+)?json\b/.test(channel.payload)) {
    throw invalid('SUBSCRIPTION_PAYLOAD', 'Notifications are sent as application/fhir+json', 'Subscription.channel.payload');
  }
  const content = extension((channel as { _payload?: { extension?: Extension[] } })._payload?.extension, BACKPORT.payloadContent)?.valueCode;
  if (content !== undefined && !PAYLOADS.includes(content as PayloadContent)) {
    throw invalid('SUBSCRIPTION_PAYLOAD_CONTENT', `Payload content must be one of ${PAYLOADS.join(', ')}`, 'Subscription.channel.payload.extension');
  }
  const topic = SUBSCRIPTION_TOPICS[sub.criteria ?? ''];
  const filters = ((sub as { _criteria?: { extension?: Extension[] } })._criteria?.extension ?? [])
    .filter((e) => e.url === BACKPORT.filterCriteria).map((e) => e.valueString ?? '');
  let type: string;
  let query: Array<[string, string]>;
  if (topic) {
    type = topic.type;
    query = [...topic.query];
    for (const filter of filters) {
      const parsed = splitQuery(filter, 'Subscription.criteria.extension');
      if (parsed.type !== type) throw invalid('SUBSCRIPTION_FILTER_TYPE', `The topic is about ${type}, not ${parsed.type}`, 'Subscription.criteria.extension');
      query.push(...parsed.query);
    }
  } else {
    if (!sub.criteria) throw invalid('SUBSCRIPTION_CRITERIA', 'Subscription.criteria is required', 'Subscription.criteria');
    if (/^https?:/.test(sub.criteria)) throw invalid('SUBSCRIPTION_TOPIC', `Unknown subscription topic ${sub.criteria}`, 'Subscription.criteria');
    ({ type, query } = splitQuery(sub.criteria, 'Subscription.criteria'));
  }
  if (!knownTypes.includes(type)) throw invalid('SUBSCRIPTION_CRITERIA_TYPE', `Unknown resource type ${type}`, 'Subscription.criteria');
  if (query.some(([k]) => k.startsWith('_') && k !== '_id')) {
    throw invalid('SUBSCRIPTION_CRITERIA_RESULT', 'Result parameters such as _include or _count have no meaning in subscription criteria', 'Subscription.criteria');
  }
  const heartbeat = extension(channel.extension, BACKPORT.heartbeatPeriod)?.valueUnsignedInt;
  const headers: Record<string, string> = {};
  for (const h of channel.header ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw invalid('SUBSCRIPTION_HEADER', `Channel header '${h}' is not 'Name: value'`, 'Subscription.channel.header');
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
  }
  return {
    id: sub.id ?? '', type, query, ...(topic ? { topic: sub.criteria! } : {}), endpoint: channel.endpoint,
    payload: (content as PayloadContent | undefined) ?? 'id-only', headers,
    ...(heartbeat ? { heartbeatSeconds: heartbeat } : {}),
    active: sub.status === 'active' || sub.status === 'requested',
  };
}
