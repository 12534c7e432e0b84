// URLs of the FHIR Subscriptions R5 Backport IG (R4 profile), in one place.
// See: https://hl7.org/fhir/uv/subscriptions-backport/
const SD = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/';

export const BACKPORT = {
  filterCriteria: `${SD}backport-filter-criteria`,
  payloadContent: `${SD}backport-payload-content`,
  heartbeatPeriod: `${SD}backport-heartbeat-period`,
  timeout: `${SD}backport-timeout`,
  maxCount: `${SD}backport-max-count`,
  statusProfile: `${SD}backport-subscription-status-r4`,
  subscriptionProfile: `${SD}backport-subscription`,
} as const;

export type PayloadContent = 'empty' | 'id-only' | 'full-resource';
export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';
