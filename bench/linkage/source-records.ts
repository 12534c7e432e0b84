// What each source system holds about a generated person: one record as a council, the hospital PAS,
// the GP system or a second council would have keyed it, with that source's NHS-number habits and the
// clerical errors of corruption.ts; and the hospital's "BABY BOY" record made at birth.
import type { Sex } from '../../src/cli/generate/names.ts';
import { LOCAL_AUTHORITIES, type LocalAuthority } from '../../src/cli/generate/places.ts';
import type { Random } from '../../src/cli/generate/random.ts';
import type { MatchRecord } from '../../src/identity/match-types.ts';
import { isPlaceholderName } from '../../src/identity/normalise.ts';
import { CORRUPTION, dateDigitOff, nicknameOf, postcodeTypo, RECORD_RATES, SOURCE_QUALITY, swapDayMonth, typo } from './corruption.ts';

/** Where records come from, and how often each holds an NHS number and a verified one. */
export const SOURCES = {
  council: { share: 0.25, nhsPresent: 0.35, nhsVerified: 0.4 },
  hospital: { share: 0.3, nhsPresent: 0.85, nhsVerified: 0.85 },
  gp: { share: 0.3, nhsPresent: 0.99, nhsVerified: 0.97 },
  council2: { share: 0.15, nhsPresent: 0.25, nhsVerified: 0.4 },
} as const;
export type SourceKind = keyof typeof SOURCES;
const SOURCE_KINDS = Object.keys(SOURCES) as SourceKind[];

/** Share of records that show the town, and the email of a person who has one. */
const TOWN_SHOWN = 0.8;
const EMAIL_SHOWN = 0.5;

export interface Address { postcode: string; town: string; la: LocalAuthority }

/** A generated person as they really are: the truth every record of theirs is a corruption of. */
export interface Person {
  index: number;
  sex: Sex;
  birthDate: string;
  birthYear: number;
  given: string;
  middle?: string;
  family: string;
  familyParts?: readonly [string, string];
  /** Birth surname of a woman who took her partner's. */
  maiden?: string;
  nhsNumber: string;
  /** Homes in order; every record holds one of them. */
  addresses: Address[];
  email?: string;
}

export interface MadeRecord { record: MatchRecord; flags: number; addressIndex: number }

export function pickSourceKind(r: Random): SourceKind {
  const roll = r.next();
  let sum = 0;
  for (const kind of SOURCE_KINDS) {
    sum += SOURCES[kind].share;
    if (roll < sum) return kind;
  }
  return 'gp';
}

/** The system's name, e.g. `pas-rrk`, `gp-m85`, `mosaic-nottinghamshire`; the second council is the next one in the list. */
export function sourceName(kind: SourceKind, la: LocalAuthority): string {
  if (kind === 'hospital') return `pas-${la.trust.ods.toLowerCase()}`;
  if (kind === 'gp') return `gp-${la.gpPrefix.toLowerCase()}`;
  if (kind === 'council') return `${la.adultsSystem}-${la.slug}`;
  const next = LOCAL_AUTHORITIES[(LOCAL_AUTHORITIES.indexOf(la) + 1) % LOCAL_AUTHORITIES.length]!;
  return `${next.adultsSystem}-${next.slug}`;
}

/** A hospital's record made at birth, before the baby was named: "BABY BOY SMITH". */
export function placeholderRecord(r: Random, p: Person, id: string): MadeRecord {
  const address = p.addresses[0]!;
  const withNumber = r.chance(RECORD_RATES.placeholderNhsNumber);
  const given = 'BABY';
  const record: MatchRecord = {
    id, source: sourceName('hospital', address.la),
    nhsNumber: withNumber ? p.nhsNumber : undefined, nhsVerified: withNumber ? false : undefined,
    given, middle: p.sex === 'male' ? 'BOY' : 'GIRL', family: p.family, birthDate: p.birthDate,
    sex: p.sex === 'male' ? 'M' : 'F', postcode: address.postcode, town: address.town, email: undefined, phone: undefined,
    placeholder: isPlaceholderName(given) ? 'placeholder name' : undefined,
  };
  return { record, flags: CORRUPTION.placeholder | (withNumber ? 0 : CORRUPTION.nhsMissing), addressIndex: 0 };
}

interface Names { given: string; middle: string | undefined; family: string; flags: number }

function keyedNames(r: Random, p: Person, q: number): Names {
  let flags = 0;
  let given = p.given;
  let middle = p.middle;
  let family = p.family;
  if (p.maiden && r.chance(RECORD_RATES.maidenName)) { family = p.maiden; flags |= CORRUPTION.maidenName; }
  if (p.familyParts && family === p.family && r.chance(RECORD_RATES.doubleBarrelPart)) {
    family = p.familyParts[r.int(0, 1)]!;
    flags |= CORRUPTION.doubleBarrelPart;
  }
  if (middle && r.chance(RECORD_RATES.middleAsFirst * q)) {
    given = middle;
    middle = undefined;
    flags |= CORRUPTION.middleAsFirst;
  } else if (r.chance(RECORD_RATES.nickname * q)) {
    const nick = nicknameOf(r, given);
    if (nick) { given = nick; flags |= CORRUPTION.nickname; }
  }
  if (r.chance(RECORD_RATES.nameSwap * q)) { [given, family] = [family, given]; flags |= CORRUPTION.nameSwap; }
  if (r.chance(RECORD_RATES.typoGiven * q)) { given = typo(r, given); flags |= CORRUPTION.typoGiven; }
  if (r.chance(RECORD_RATES.typoFamily * q)) { family = typo(r, family); flags |= CORRUPTION.typoFamily; }
  if (middle && r.chance(RECORD_RATES.middleDropped)) middle = undefined;
  return { given, middle, family, flags };
}

function keyedBirthDate(r: Random, date: string, q: number): { birthDate: string | undefined; flags: number } {
  if (r.chance(RECORD_RATES.dobMissing * q)) return { birthDate: undefined, flags: CORRUPTION.dobMissing };
  if (r.chance(RECORD_RATES.dobSwapped * q)) {
    const swapped = swapDayMonth(date);
    return swapped ? { birthDate: swapped, flags: CORRUPTION.dobSwapped } : { birthDate: date, flags: 0 };
  }
  if (r.chance(RECORD_RATES.dobDigit * q)) {
    const off = dateDigitOff(r, date);
    return off !== date ? { birthDate: off, flags: CORRUPTION.dobDigit } : { birthDate: date, flags: 0 };
  }
  return { birthDate: date, flags: 0 };
}

/**
 * One record of the person as a source of this kind keyed it. `wrongNumber` supplies someone else's valid
 * NHS number for the rare record that carries one.
 */
export function sourceRecord(r: Random, p: Person, kind: SourceKind, id: string, wrongNumber: () => string): MadeRecord {
  const q = SOURCE_QUALITY[kind];
  // GP systems follow a move; the others hold whichever address they were given.
  const addressIndex = kind === 'gp' && r.chance(0.8) ? p.addresses.length - 1 : r.int(0, p.addresses.length - 1);
  const address = p.addresses[addressIndex]!;
  const names = keyedNames(r, p, q);
  const dob = keyedBirthDate(r, p.birthDate, q);
  let flags = names.flags | dob.flags;

  let sex: 'M' | 'F' | undefined = p.sex === 'male' ? 'M' : 'F';
  if (r.chance(RECORD_RATES.sexMissing * q)) { sex = undefined; flags |= CORRUPTION.sexMissing; }
  else if (r.chance(RECORD_RATES.sexWrong * q)) { sex = sex === 'M' ? 'F' : 'M'; flags |= CORRUPTION.sexWrong; }

  let postcode: string | undefined = address.postcode;
  if (r.chance(RECORD_RATES.postcodeMissing * q)) { postcode = undefined; flags |= CORRUPTION.postcodeMissing; }
  else if (r.chance(RECORD_RATES.postcodeTypo * q)) { postcode = postcodeTypo(r, postcode); flags |= CORRUPTION.postcodeTypo; }

  const source = SOURCES[kind];
  let nhsNumber: string | undefined;
  let nhsVerified: boolean | undefined;
  if (r.chance(source.nhsPresent)) {
    nhsNumber = p.nhsNumber;
    nhsVerified = r.chance(source.nhsVerified);
    if (p.index > 0 && r.chance(RECORD_RATES.nhsWrong)) {
      nhsNumber = wrongNumber();
      nhsVerified = false;
      flags |= CORRUPTION.nhsWrong;
    }
  } else {
    flags |= CORRUPTION.nhsMissing;
  }

  const record: MatchRecord = {
    id, source: sourceName(kind, address.la), nhsNumber, nhsVerified,
    given: names.given, middle: names.middle, family: names.family, birthDate: dob.birthDate, sex, postcode,
    town: r.chance(TOWN_SHOWN) ? address.town : undefined,
    email: p.email && r.chance(EMAIL_SHOWN) ? p.email : undefined, phone: undefined, placeholder: undefined,
  };
  return { record, flags, addressIndex };
}
