// Known NHS numbers and the error-detection guarantees of Modulus 11, checked by example and by property.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatNhsNumber,
  isPlaceholderNhsNumber,
  isValidNhsNumber,
  nhsNumberCheckDigit,
} from './nhs-number.ts';

const nineDigits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 9, maxLength: 9 });

/** Any valid NHS number: nine random digits completed by their check digit. */
const validNhsNumber = nineDigits
  .filter((nine) => nhsNumberCheckDigit(nine) !== undefined)
  .map((nine) => nine + String(nhsNumberCheckDigit(nine)));

describe('nhsNumberCheckDigit', () => {
  it('computes the worked example from the Data Dictionary', () => {
    expect(nhsNumberCheckDigit('943476591')).toBe(9);
  });
  it('maps 11 to 0', () => {
    // A weighted sum that is a multiple of 11 gives 11 − 0 = 11, recorded as 0.
    expect(nhsNumberCheckDigit('000000000')).toBe(0);
    expect(nhsNumberCheckDigit('999000001')).toBe(8);
  });
  it('returns undefined when the check would be 10', () => {
    expect(nhsNumberCheckDigit('999123456')).toBeUndefined();
  });
  it('rejects input that is not nine digits', () => {
    expect(nhsNumberCheckDigit('99912345')).toBeUndefined();
    expect(nhsNumberCheckDigit('99912345a')).toBeUndefined();
  });
});

describe('isValidNhsNumber', () => {
  it.each(['9434765919', '9990000018', '9990000026', '9990000034', '9000000009', '943 476 5919'])(
    'accepts %s',
    (value) => expect(isValidNhsNumber(value)).toBe(true),
  );
  it.each([
    ['9991234560', 'check digit would be 10'],
    ['9434765918', 'wrong check digit'],
    ['943476591', 'nine digits'],
    ['94347659190', 'eleven digits'],
    ['943476591X', 'not a digit'],
    ['', 'empty'],
    ['9000000000', 'PDS sandbox invalid number'],
  ])('rejects %s (%s)', (value) => expect(isValidNhsNumber(value)).toBe(false));

  it('accepts every nine digits completed by their check digit', () => {
    fc.assert(fc.property(validNhsNumber, (nhs) => isValidNhsNumber(nhs)));
  });

  it('detects every single-digit substitution', () => {
    // Each weight (10..2, and 1 for the check digit itself) is non-zero mod 11 and 11 is prime,
    // so changing one digit always moves the weighted sum off a multiple of 11.
    fc.assert(
      fc.property(validNhsNumber, fc.nat(9), fc.integer({ min: 1, max: 9 }), (nhs, position, delta) => {
        const changed = (Number(nhs[position]) + delta) % 10;
        const mutated = nhs.slice(0, position) + String(changed) + nhs.slice(position + 1);
        return !isValidNhsNumber(mutated);
      }),
    );
  });

  it('detects every transposition of two different adjacent digits', () => {
    // Adjacent weights differ by exactly 1, so swapping digits a≠b changes the sum by b−a ≢ 0 (mod 11).
    fc.assert(
      fc.property(validNhsNumber, fc.nat(8), (nhs, position) => {
        fc.pre(nhs[position] !== nhs[position + 1]);
        const swapped =
          nhs.slice(0, position) + nhs[position + 1] + nhs[position] + nhs.slice(position + 2);
        return !isValidNhsNumber(swapped);
      }),
    );
  });

  it('detects transpositions of different digits at any distance', () => {
    // Weights 10..1 are distinct mod 11, so (wᵢ−wⱼ)(b−a) is never a multiple of 11.
    fc.assert(
      fc.property(validNhsNumber, fc.nat(9), fc.nat(9), (nhs, i, j) => {
        fc.pre(i !== j && nhs[i] !== nhs[j]);
        const chars = [...nhs];
        [chars[i], chars[j]] = [chars[j], chars[i]];
        return !isValidNhsNumber(chars.join(''));
      }),
    );
  });

  it('does not detect every double substitution', () => {
    // Mod 11 guarantees single substitutions and transpositions only: two changes can cancel out.
    const nhs = '9434765919';
    let undetected = 0;
    for (let i = 0; i < 10; i++) {
      for (let j = i + 1; j < 10; j++) {
        for (let a = 0; a < 10; a++) {
          for (let b = 0; b < 10; b++) {
            if (String(a) === nhs[i] || String(b) === nhs[j]) continue;
            const chars = [...nhs];
            chars[i] = String(a);
            chars[j] = String(b);
            if (isValidNhsNumber(chars.join(''))) undetected++;
          }
        }
      }
    }
    expect(undetected).toBeGreaterThan(0);
  });
});

describe('isPlaceholderNhsNumber', () => {
  it.each(['9999999999', '0000000000', '111 111 1111'])('flags %s', (value) =>
    expect(isPlaceholderNhsNumber(value)).toBe(true),
  );
  it('notes that 9999999999 passes Modulus 11, which is why the rule exists', () => {
    expect(isValidNhsNumber('9999999999')).toBe(true);
  });
  it.each(['9434765919', '999999999', '99999999999'])('does not flag %s', (value) =>
    expect(isPlaceholderNhsNumber(value)).toBe(false),
  );
});

describe('formatNhsNumber', () => {
  it('groups as 3 3 4', () => {
    expect(formatNhsNumber('9990000018')).toBe('999 000 0018');
    expect(formatNhsNumber(' 999 0000018 ')).toBe('999 000 0018');
  });
  it('leaves anything else unchanged', () => {
    expect(formatNhsNumber('12345')).toBe('12345');
  });
});
