// The errors real records carry, as small pure functions with their rates: what a clerk mistypes, the
// short name a patient gives, a date written the American way. The population generator applies them.
import type { Random } from '../../src/cli/generate/random.ts';
import { NICKNAMES } from './uk-names.ts';

/** One bit per kind of corruption a record may carry (its `flags`), for the error breakdown. */
export const CORRUPTION = {
  typoGiven: 1 << 0,
  typoFamily: 1 << 1,
  nickname: 1 << 2,
  nameSwap: 1 << 3,
  middleAsFirst: 1 << 4,
  dobSwapped: 1 << 5,
  dobDigit: 1 << 6,
  dobMissing: 1 << 7,
  postcodeMissing: 1 << 8,
  sexMissing: 1 << 9,
  sexWrong: 1 << 10,
  nhsMissing: 1 << 11,
  nhsWrong: 1 << 12,
  maidenName: 1 << 13,
  doubleBarrelPart: 1 << 14,
  placeholder: 1 << 15,
  postcodeTypo: 1 << 16,
} as const;
export type CorruptionKind = keyof typeof CORRUPTION;
export const CORRUPTION_KINDS = Object.keys(CORRUPTION) as CorruptionKind[];

/**
 * Per-record probabilities before the source's quality factor (`SOURCE_QUALITY`). A rate applies
 * only where it can: a nickname needs a forename that has one, a day/month swap a day ≤ 12.
 */
export const RECORD_RATES = {
  typoGiven: 0.03,
  typoFamily: 0.03,
  nickname: 0.1,
  nameSwap: 0.01,
  middleAsFirst: 0.04,
  /** Not an error: many systems hold only the first forename. */
  middleDropped: 0.35,
  dobSwapped: 0.015,
  dobDigit: 0.015,
  dobMissing: 0.02,
  postcodeMissing: 0.05,
  postcodeTypo: 0.005,
  sexMissing: 0.02,
  sexWrong: 0.002,
  /** Of records that carry an NHS number: someone else's valid number typed instead. */
  nhsWrong: 0.002,
  /** Of records of a woman who changed surname on marriage: the record holds the birth surname. */
  maidenName: 0.4,
  /** Of records of a person with a double-barrelled surname: one part only. */
  doubleBarrelPart: 0.3,
  /** Of people born in the last two years: their first hospital record is a "BABY BOY/GIRL" placeholder. */
  placeholderAtBirth: 0.5,
  /** Of placeholder records: they already carry the baby's NHS number (NN4B). */
  placeholderNhsNumber: 0.5,
} as const;

/** Multiplies the error rates of a source (not the NHS-number or structural ones): GP data is cleanest. */
export const SOURCE_QUALITY = { council: 1.4, council2: 1.4, hospital: 1, gp: 0.6 } as const;

/** Letters beside each letter on a UK QWERTY keyboard: most substitution typos hit a neighbour. */
const KEY_NEIGHBOURS: Record<string, string> = {
  A: 'QWSZ', B: 'VGHN', C: 'XDFV', D: 'SERFCX', E: 'WSDR', F: 'DRTGVC', G: 'FTYHBV', H: 'GYUJNB', I: 'UJKO', J: 'HUIKMN',
  K: 'JIOLM', L: 'KOP', M: 'NJK', N: 'BHJM', O: 'IKLP', P: 'OL', Q: 'WA', R: 'EDFT', S: 'AWEDXZ', T: 'RFGY', U: 'YHJI',
  V: 'CFGB', W: 'QASE', X: 'ZSDC', Y: 'TGHU', Z: 'ASX',
};
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function randomLetter(random: Random): string {
  return LETTERS[random.int(0, 25)]!;
}

/** One keying error: substitution (35%, mostly a keyboard neighbour), insertion (20%), deletion (25%) or transposition (20%). */
export function typo(random: Random, value: string): string {
  if (value.length < 2) return value + randomLetter(random);
  const roll = random.next();
  const at = random.int(0, value.length - 1);
  if (roll < 0.35) {
    const here = value[at]!;
    const near = KEY_NEIGHBOURS[here];
    let replacement = near && random.chance(0.7) ? near[random.int(0, near.length - 1)]! : randomLetter(random);
    if (replacement === here) replacement = here === 'E' ? 'A' : 'E';
    return value.slice(0, at) + replacement + value.slice(at + 1);
  }
  if (roll < 0.55) return value.slice(0, at) + (random.chance(0.5) ? value[at]! : randomLetter(random)) + value.slice(at);
  if (roll < 0.8 && value.length > 2) return value.slice(0, at) + value.slice(at + 1);
  const i = Math.min(at, value.length - 2);
  if (value[i] === value[i + 1]) return value.slice(0, i) + value.slice(i + 1);
  return value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2);
}

/** A short form of the forename, or undefined when the list has none. */
export function nicknameOf(random: Random, given: string): string | undefined {
  const options = NICKNAMES[given];
  return options ? options[random.int(0, options.length - 1)] : undefined;
}

/** `YYYY-MM-DD` with day and month exchanged; undefined when that is not a different valid date. */
export function swapDayMonth(date: string): string | undefined {
  const day = date.slice(8, 10);
  const month = date.slice(5, 7);
  if (day === month || Number(day) > 12) return undefined;
  return `${date.slice(0, 4)}-${day}-${month}`;
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/** One digit of the date changed by ±1 (the year's last two, the month's or the day's), kept a real date. */
export function dateDigitOff(random: Random, date: string): string {
  const positions = [2, 3, 6, 8, 9];
  for (let attempt = 0; attempt < 8; attempt++) {
    const at = positions[random.int(0, positions.length - 1)]!;
    const digit = date.charCodeAt(at) - 48;
    const next = random.chance(0.5) ? digit + 1 : digit - 1;
    if (next < 0 || next > 9) continue;
    const candidate = date.slice(0, at) + String(next) + date.slice(at + 1);
    if (isRealDate(candidate) && candidate <= '2025-12-31') return candidate;
  }
  return date;
}

const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A postcode with one inward character wrong (still well-formed), e.g. `NG18 4JT` → `NG18 4JF`. */
export function postcodeTypo(random: Random, postcode: string): string {
  const at = postcode.length - random.int(1, 3);
  const current = postcode[at]!;
  let next = at === postcode.length - 3 ? String((Number(current) + 1) % 10) : INWARD_LETTERS[random.int(0, INWARD_LETTERS.length - 1)]!;
  if (next === current) next = current === 'A' ? 'B' : 'A';
  return postcode.slice(0, at) + next + postcode.slice(at + 1);
}
