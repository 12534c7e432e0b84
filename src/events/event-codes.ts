// The notifications sharedcare raises, as codes on the Tasks it writes to team inboxes, and the
// subscription topics (Backport IG canonical URLs) a subscriber can name instead of writing a query.
import { SHAREDCARE_CODE_SYSTEM_PREFIX } from '../fhir/systems.ts';

/** Task.code system of sharedcare's notifications. */
export const NOTIFICATION_SYSTEM = `${SHAREDCARE_CODE_SYSTEM_PREFIX}event-notification`;

export const NOTIFICATION = {
  admission: { code: 'admission', display: 'Admitted to hospital' },
  transfer: { code: 'transfer', display: 'Moved within hospital' },
  discharge: { code: 'discharge', display: 'Discharged from hospital' },
  cancelled: { code: 'admission-cancelled', display: 'Hospital stay recorded in error or cancelled' },
  cpisAccess: { code: 'cpis-access', display: 'Child on a CP-IS plan seen in unscheduled care' },
  adwNotice: { code: 'adw-notice', display: 'Care Act Schedule 3 notice received' },
} as const;

export type HospitalEventKind = 'admission' | 'transfer' | 'discharge' | 'cancelled';

const TOPIC_BASE = 'https://sharedcare.org.uk/fhir/SubscriptionTopic/';

/** Topic → the query every notification of the topic matches (a subscriber's filter narrows it). */
export const SUBSCRIPTION_TOPICS: Readonly<Record<string, { type: string; query: ReadonlyArray<[string, string]>; description: string }>> = {
  [`${TOPIC_BASE}admission-discharge`]: {
    type: 'Task',
    query: [['code', [NOTIFICATION.admission, NOTIFICATION.transfer, NOTIFICATION.discharge, NOTIFICATION.cancelled].map((c) => `${NOTIFICATION_SYSTEM}|${c.code}`).join(',')]],
    description: 'A person known to social care was admitted, moved or discharged (a Task in the team inbox)',
  },
  [`${TOPIC_BASE}cpis-access`]: {
    type: 'Task', query: [['code', `${NOTIFICATION_SYSTEM}|${NOTIFICATION.cpisAccess.code}`]],
    description: 'A child on a child-protection plan or looked after was seen in unscheduled care',
  },
  [`${TOPIC_BASE}adw-notice`]: {
    type: 'Task', query: [['code', `${NOTIFICATION_SYSTEM}|${NOTIFICATION.adwNotice.code}`]],
    description: 'A hospital sent a Care Act assessment, discharge or withdrawal notice',
  },
  [`${TOPIC_BASE}encounter`]: { type: 'Encounter', query: [], description: 'Any change to an Encounter' },
};
