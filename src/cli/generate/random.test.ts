// The seeded PRNG must be reproducible, stay in range and give well-formed, distinct v4 UUIDs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deriveSeed, Random } from './random.ts';

describe('Random', () => {
  it('repeats the same sequence for the same seed parts', () => {
    const a = new Random(42, 1, 7);
    const b = new Random(42, 1, 7);
    expect(Array.from({ length: 20 }, () => a.uint32())).toEqual(Array.from({ length: 20 }, () => b.uint32()));
  });

  it('gives different sequences for different seed parts', () => {
    expect(new Random(42, 1, 7).uint32()).not.toBe(new Random(42, 1, 8).uint32());
    expect(new Random(42).uint32()).not.toBe(new Random(43).uint32());
  });

  it('keeps int() within its inclusive bounds', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
      const random = new Random(seed);
      for (let i = 0; i < 20; i++) {
        const n = random.int(min, min + span);
        if (n < min || n > min + span || !Number.isInteger(n)) return false;
      }
      return true;
    }));
  });

  it('formats UUIDs as version 4, RFC 4122 variant, and does not repeat them', () => {
    const random = new Random(1);
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const uuid = random.uuid();
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(uuid);
    }
    expect(seen.size).toBe(10_000);
  });

  it('picks by weight roughly in proportion', () => {
    const random = new Random(3);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (random.weighted([{ value: 'a', weight: 9 }, { value: 'b', weight: 1 }]) === 'a') heavy++;
    expect(heavy).toBeGreaterThan(8_700);
    expect(heavy).toBeLessThan(9_300);
  });

  it('derives different seeds from different parts, including large ones', () => {
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
    expect(deriveSeed(2 ** 40)).not.toBe(deriveSeed(2 ** 41));
  });
});
