// When to try a failed webhook delivery again: exponential backoff, capped, with jitter so that
// subscribers recovering from an outage are not hit by every queued delivery at the same instant.
import { FhirError } from '../../fhir/errors.ts';

export interface BackoffOptions {
  /** Delay after the first failed attempt (default 1 s). */
  baseMs?: number;
  /** Longest delay (default 1 hour). */
  maxMs?: number;
  /** Fraction of the delay that is random: 0 none, 0.2 proportional (default), 1 full jitter. */
  jitter?: number;
  /** Uniform in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Milliseconds to wait after `attempt` failed attempts (1 after the first failure):
 * `min(maxMs, baseMs × 2^(attempt−1))`, of which up to `jitter` is taken off at random.
 */
export function nextAttemptDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 1000, maxMs = 3_600_000, jitter = 0.2, random = Math.random } = options;
  if (!Number.isFinite(attempt) || attempt < 1) {
    throw new FhirError('fault', 'WEBHOOK_BACKOFF_ATTEMPT', `Backoff needs an attempt count of at least 1, not ${attempt}`);
  }
  if (!(jitter >= 0 && jitter <= 1)) throw new FhirError('fault', 'WEBHOOK_BACKOFF_JITTER', `Jitter must be between 0 and 1, not ${jitter}`);
  // 2 ** large is Infinity, which the cap turns back into maxMs.
  const capped = Math.min(maxMs, baseMs * 2 ** (Math.floor(attempt) - 1));
  return Math.round(capped * (1 - jitter * random()));
}

/** True when a delivery has used all its attempts and belongs in the dead-letter queue. */
export function isDead(attempts: number, maxAttempts: number): boolean {
  return attempts >= maxAttempts;
}
