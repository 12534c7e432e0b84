// Test-range NHS numbers handed to synthetic people must be valid, unique and never placeholders.
import { describe, expect, it } from 'vitest';
import { isPlaceholderNhsNumber, isValidNhsNumber } from '../../fhir/nhs-number.ts';
import { NhsNumberSequence } from './nhs-number-sequence.ts';

describe('NhsNumberSequence', () => {
  it('hands out valid, unique 999-range numbers', () => {
    const sequence = new NhsNumberSequence(5);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const nhs = sequence.next();
      expect(nhs.startsWith('999')).toBe(true);
      expect(isValidNhsNumber(nhs)).toBe(true);
      expect(isPlaceholderNhsNumber(nhs)).toBe(false);
      seen.add(nhs);
    }
    expect(seen.size).toBe(20_000);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const first = (seed: number) => Array.from({ length: 5 }, ((s) => () => s.next())(new NhsNumberSequence(seed)));
    expect(first(1)).toEqual(first(1));
    expect(first(1)).not.toEqual(first(2));
  });
});
