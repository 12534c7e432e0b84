// What the event workers need, handed in by the composition root (server/platform.ts).
import type { Resource } from '@medplum/fhirtypes';
import type { Governance } from '../governance/policy/access-grant.ts';
import type { Repository } from '../store/repository.ts';
import type { Queryable } from '../store/driver.ts';
import type { Locator } from './locator/locator.ts';
import type { WebhookAllowList } from './webhooks/ssrf-guard.ts';
import { DEFAULT_UNSCHEDULED_CARE, type UnscheduledCareSettings } from './cpis/unscheduled-care.ts';

export interface EventSettings {
  /** How often idle workers look for work (ms); writes in this process wake them at once. */
  pollMs: number;
  /** Events routed per transaction. */
  routeBatch: number;
  /** Deliveries sent at once by one worker. */
  deliveryBatch: number;
  /** How long a claimed delivery is held before another worker may retry it (ms). */
  leaseMs: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  webhookTimeoutMs: number;
  webhookAllow: WebhookAllowList;
  /** Where readable notices for councils without an endpoint are written, for the secure-email relay. */
  mailDir: string;
  /** Routed events are kept this many days. */
  keepRoutedDays: number;
  /** Hospital events older than this (a back-load of past stays) tell no one (hours). */
  hospitalEventMaxAgeHours: number;
  /** Who counts as unscheduled care for CP-IS (sites' ODS codes and CIS2 roles). */
  unscheduledCare: UnscheduledCareSettings;
  /** This server's FHIR base, for references in notifications. */
  baseUrl: string;
}

export const DEFAULT_EVENT_SETTINGS: Omit<EventSettings, 'mailDir' | 'baseUrl'> = {
  pollMs: 200,
  routeBatch: 500,
  deliveryBatch: 32,
  leaseMs: 30_000,
  maxAttempts: 12,
  baseDelayMs: 1_000,
  maxDelayMs: 3_600_000,
  webhookTimeoutMs: 10_000,
  webhookAllow: { hosts: [] },
  keepRoutedDays: 7,
  hospitalEventMaxAgeHours: 7 * 24,
  unscheduledCare: DEFAULT_UNSCHEDULED_CARE,
};

export interface EventsContext {
  repo: Repository;
  /** The patient a resource is about (its patient compartment), for the audit of what a notification disclosed. */
  patientOf(resource: Resource): string | undefined;
  /** For the queue's own statements outside any resource transaction. */
  db: Queryable;
  governance: Governance;
  locator: Locator;
  settings: EventSettings;
}
