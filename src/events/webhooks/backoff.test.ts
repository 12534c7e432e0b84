// Backoff: doubling from the base, the cap, jitter bounds (none, proportional, full), bad input,
// and when a delivery is dead.
import { describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { isDead, nextAttemptDelay } from './backoff.ts';

const noJitter = { jitter: 0 };

describe('nextAttemptDelay', () => {
  it('doubles from the base after each failed attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => nextAttemptDelay(n, noJitter))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect([1, 2, 3].map((n) => nextAttemptDelay(n, { baseMs: 250, jitter: 0 }))).toEqual([250, 500, 1000]);
  });

  it('caps at maxMs, default one hour, even for huge attempt counts', () => {
    expect(nextAttemptDelay(13, noJitter)).toBe(3_600_000);
    expect(nextAttemptDelay(12, noJitter)).toBe(2_048_000);
    expect(nextAttemptDelay(5000, noJitter)).toBe(3_600_000);
    expect(nextAttemptDelay(10, { maxMs: 5000, jitter: 0 })).toBe(5000);
  });

  it('takes at most the jitter fraction off, using the random source', () => {
    expect(nextAttemptDelay(3, { random: () => 0 })).toBe(4000);
    expect(nextAttemptDelay(3, { random: () => 0.5 })).toBe(3600);
    expect(nextAttemptDelay(3, { random: () => 0.999999 })).toBe(3200);
  });

  it('gives full jitter over [0, delay] when jitter is 1', () => {
    expect(nextAttemptDelay(3, { jitter: 1, random: () => 0.25 })).toBe(3000);
    expect(nextAttemptDelay(3, { jitter: 1, random: () => 0.999999 })).toBe(0);
  });

  it('stays within bounds with the real random source', () => {
    for (let attempt = 1; attempt <= 30; attempt++) {
      const ceiling = Math.min(3_600_000, 1000 * 2 ** (attempt - 1));
      const delay = nextAttemptDelay(attempt);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.8));
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses attempt %s', (attempt) => {
    expect(() => nextAttemptDelay(attempt)).toThrow(FhirError);
  });

  it.each([-0.1, 1.5, Number.NaN])('refuses jitter %s', (jitter) => {
    expect(() => nextAttemptDelay(1, { jitter })).toThrow(FhirError);
  });
});

describe('isDead', () => {
  it('is dead once attempts reach the maximum', () => {
    expect(isDead(0, 5)).toBe(false);
    expect(isDead(4, 5)).toBe(false);
    expect(isDead(5, 5)).toBe(true);
    expect(isDead(6, 5)).toBe(true);
  });
});
