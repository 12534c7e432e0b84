// Soundex against the published reference examples, and the homophones PDS's fuzzy search relies on.
import { describe, expect, it } from 'vitest';
import { soundex } from './soundex.ts';

describe('soundex', () => {
  it.each([
    ['Robert', 'R163'], ['Rupert', 'R163'], ['Rubin', 'R150'], ['Ashcraft', 'A261'], ['Ashcroft', 'A261'],
    ['Tymczak', 'T522'], ['Pfister', 'P236'], ['Honeyman', 'H555'], ['Lee', 'L000'],
  ])('%s → %s', (name, code) => expect(soundex(name)).toBe(code));

  it('codes homophones alike and different names apart', () => {
    expect(soundex('Smith')).toBe(soundex('Smythe'));
    expect(soundex("O'Brien")).toBe(soundex('OBRIEN'));
    expect(soundex('Smith')).not.toBe(soundex('Jones'));
  });

  it('gives "" for a name without letters', () => expect(soundex("'-3")).toBe(''));
});
