// Hands out unique, Modulus 11-valid NHS numbers from the 999 test range (never issued to real people),
// in a seed-dependent order, so patients and carers never share a number.
import { isPlaceholderNhsNumber, nhsNumberCheckDigit } from '../../fhir/nhs-number.ts';
import { deriveSeed } from './random.ts';

const RANGE = 1_000_000;
// Odd and not a multiple of 5, so position → (position × STRIDE + offset) mod RANGE is a bijection.
const STRIDE = 382_573;

/** A deterministic, collision-free stream of test-range NHS numbers (about 909,000 available). */
export class NhsNumberSequence {
  readonly #offset: number;
  #position = 0;

  constructor(seed: number) {
    this.#offset = deriveSeed(seed, 999) % RANGE;
  }

  next(): string {
    while (this.#position < RANGE) {
      const middle = (this.#position * STRIDE + this.#offset) % RANGE;
      this.#position++;
      const firstNine = '999' + String(middle).padStart(6, '0');
      const check = nhsNumberCheckDigit(firstNine);
      if (check === undefined) continue;
      const nhs = firstNine + String(check);
      if (!isPlaceholderNhsNumber(nhs)) return nhs;
    }
    throw new Error('The 999 test range of NHS numbers is exhausted');
  }
}
