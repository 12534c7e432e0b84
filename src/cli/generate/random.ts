// A small seeded PRNG (sfc32) so the synthetic population is byte-identical for the same seed.
// 128 bits of state keep per-person streams from overlapping, which matters because UUIDs come from them.

/** Mixes numbers into one 32-bit seed (murmur3 finaliser per part), for deriving independent streams. */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // A second round spreads the high bits of large seeds too.
    h = Math.imul(h ^ Math.floor(part / 0x100000000), 0x27d4eb2f);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

/** Seeded random source with the draws the generator needs. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(...seedParts: number[]) {
    this.#a = deriveSeed(1, ...seedParts);
    this.#b = deriveSeed(2, ...seedParts);
    this.#c = deriveSeed(3, ...seedParts);
    this.#d = 1;
    for (let i = 0; i < 15; i++) this.uint32();
  }

  /** Next 32-bit unsigned integer (sfc32 by Chris Doty-Humphrey). */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 0x100000000;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by relative weight. */
  weighted<T>(items: readonly Weighted<T>[]): T {
    let total = 0;
    for (const item of items) total += item.weight;
    let roll = this.next() * total;
    for (const item of items) {
      roll -= item.weight;
      if (roll < 0) return item.value;
    }
    return items[items.length - 1].value;
  }

  /** Up to `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) {
      out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0]);
    }
    return out;
  }

  /** Approximately normal (Box–Muller), clamped to [min, max]. */
  normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.min(max, Math.max(min, mean + z * sd));
  }

  /** Poisson-distributed count (Knuth), fine for the small means used here. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A random (version 4, RFC 4122 variant) UUID drawn from this stream. */
  uuid(): string {
    const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
    const a = hex(this.uint32());
    const b = hex((this.uint32() & 0xffff0fff) | 0x00004000);
    const c = hex((this.uint32() & 0x3fffffff) | 0x80000000);
    const d = hex(this.uint32());
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  }
}
