// A seeded population of match records with known truth, for measuring person matching: households of
// real English shape (couples, children, twins, juniors), each person seen 1–5 times across a council,
// a hospital PAS, a GP system and a second council, every record carrying realistic errors (corruption.ts).
import { addYears, DEFAULT_AS_OF, dayOf, isoDate } from '../../src/cli/generate/dates.ts';
import { pickEthnicCategory } from '../../src/cli/generate/ethnicity.ts';
import { pickForename, pickSurname, type NameGroup, type Sex } from '../../src/cli/generate/names.ts';
import { NhsNumberSequence } from '../../src/cli/generate/nhs-number-sequence.ts';
import { pickLocalAuthority, type LocalAuthority, type Town } from '../../src/cli/generate/places.ts';
import { deriveSeed, Random } from '../../src/cli/generate/random.ts';
import type { MatchRecord } from '../../src/identity/match-types.ts';
import { normaliseName, normalisePostcode, normaliseTown } from '../../src/identity/normalise.ts';
import { RECORD_RATES } from './corruption.ts';
import { pickSourceKind, placeholderRecord, sourceRecord, type Address, type Person } from './source-records.ts';
import { areOneName, pickBritishSurname, pickBroadForename } from './uk-names.ts';

/** People-level rates: who moves house, marries, has a twin. */
export const PERSON_RATES = {
  /** Appearances per person 1..5 (mean ≈ 2.2). */
  appearances: [0.36, 0.3, 0.17, 0.11, 0.06],
  householdMovedTwice: 0.1,
  /** Of the households that did not move twice (so 27% of all). */
  householdMovedOnce: 0.3,
  /** Where a move goes: same postcode district, another district of the council, another council. */
  moveWithinDistrict: 0.6,
  moveWithinCouncil: 0.25,
  middleName: 0.45,
  doubleBarrelled: 0.03,
  /** Of women in a couple: took the partner's surname (their older records may hold the birth surname). */
  tookPartnersSurname: 0.8,
  /** Of children: born with a twin (same surname, date of birth and home; different forename and NHS number). */
  twinChild: 0.03,
  /** Of one-adult households: adult twins living together. */
  twinAdults: 0.01,
  /** Of boys whose father heads the household: the father's forename (a "junior"). */
  junior: 0.03,
  email: 0.45,
} as const;

/** Postcode units per district: real districts hold a few hundred residential postcodes. */
const UNITS_PER_DISTRICT = 600;
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

export interface Population {
  records: MatchRecord[];
  /** The true person of each record. */
  truth: Int32Array;
  /** `CORRUPTION` bits applied to each record. */
  flags: Uint32Array;
  /** Which of its person's addresses (0 = the first) each record holds: records that differ saw a house move. */
  addressOf: Uint8Array;
  people: {
    count: number;
    household: Int32Array;
    /** The person's twin, or -1. */
    twinOf: Int32Array;
    /** The father, for a junior who shares his forename; -1 otherwise. */
    juniorOf: Int32Array;
    nhsNumber: string[];
    /** The person's true name and date of birth, before any record's errors. */
    given: string[];
    family: string[];
    birthDate: string[];
  };
}

interface Household {
  index: number;
  la: LocalAuthority;
  group: NameGroup;
  family: string;
  familyParts?: readonly [string, string];
  addresses: Address[];
  /** Forenames taken in the household (no parent gives two children one name) and the children's birth days. */
  forenames: string[];
  childBirthDays: number[];
}

/** Generates `records` match records (the last person may be cut short) from a seed; same seed, same output. */
export function generatePopulation(options: { records: number; seed?: number }): Population {
  return new PopulationBuilder(options.records, options.seed ?? 1).build();
}

class PopulationBuilder {
  readonly #random: Random;
  readonly #nhs: NhsNumberSequence;
  readonly #asOfDay = dayOf(DEFAULT_AS_OF);
  readonly #names = new Map<string, string>();
  readonly #towns = new Map<string, string>();
  readonly records: MatchRecord[] = [];
  readonly #truth: number[] = [];
  readonly #flags: number[] = [];
  readonly #addressOf: number[] = [];
  readonly #householdOf: number[] = [];
  readonly #twinOf: number[] = [];
  readonly #juniorOf: number[] = [];
  readonly #nhsNumbers: string[] = [];
  readonly #people: Person[] = [];
  #households = 0;

  readonly target: number;

  constructor(target: number, seed: number) {
    this.target = target;
    this.#random = new Random(deriveSeed(seed, 0x11a6));
    this.#nhs = new NhsNumberSequence(seed);
  }

  build(): Population {
    while (this.records.length < this.target) this.#makeHousehold();
    return {
      records: this.records,
      truth: Int32Array.from(this.#truth),
      flags: Uint32Array.from(this.#flags),
      addressOf: Uint8Array.from(this.#addressOf),
      people: {
        count: this.#nhsNumbers.length,
        household: Int32Array.from(this.#householdOf),
        twinOf: Int32Array.from(this.#twinOf),
        juniorOf: Int32Array.from(this.#juniorOf),
        nhsNumber: this.#nhsNumbers,
        given: this.#people.map((p) => p.given),
        family: this.#people.map((p) => p.family),
        birthDate: this.#people.map((p) => p.birthDate),
      },
    };
  }

  /** Normalised once per distinct raw name (the project's lists hold apostrophes, hyphens and accents). */
  #norm(raw: string): string {
    let value = this.#names.get(raw);
    if (value === undefined) {
      value = normaliseName(raw) ?? 'X';
      this.#names.set(raw, value);
    }
    return value;
  }

  #town(raw: string): string {
    let value = this.#towns.get(raw);
    if (value === undefined) {
      value = normaliseTown(raw) ?? 'X';
      this.#towns.set(raw, value);
    }
    return value;
  }

  #surname(group: NameGroup): string {
    const r = this.#random;
    if (group === 'british' || (group === 'irish' && r.chance(0.5))) return pickBritishSurname(r);
    return this.#norm(pickSurname(r, group));
  }

  #forename(sex: Sex, birthYear: number, group: NameGroup): string {
    const r = this.#random;
    if ((group === 'british' || group === 'irish') && r.chance(0.5)) return pickBroadForename(r, sex);
    return this.#norm(pickForename(r, sex, birthYear, group));
  }

  #postcode(town: Town): string {
    const r = this.#random;
    const district = town.districts[r.int(0, town.districts.length - 1)]!;
    const unit = r.int(0, UNITS_PER_DISTRICT - 1);
    const pair = (Math.floor(unit / 9) * 37 + district.charCodeAt(district.length - 1) * 11) % 400;
    const inward = `${(unit % 9) + 1}${INWARD_LETTERS[pair % 20]}${INWARD_LETTERS[Math.floor(pair / 20)]}`;
    return normalisePostcode(`${district}${inward}`)!;
  }

  #address(la: LocalAuthority, town = la.towns[this.#random.int(0, la.towns.length - 1)]!): Address {
    return { postcode: this.#postcode(town), town: this.#town(town.name), la };
  }

  /** The next address after a move: usually nearby, as most moves are. */
  #moveFrom(from: Address): Address {
    const r = this.#random;
    const roll = r.next();
    if (roll < PERSON_RATES.moveWithinDistrict) {
      const district = from.postcode.split(' ')[0]!;
      const town = from.la.towns.find((t) => t.districts.includes(district))!;
      let next = this.#address(from.la, { name: town.name, districts: [district] });
      if (next.postcode === from.postcode) next = this.#address(from.la, { name: town.name, districts: [district] });
      return next;
    }
    if (roll < PERSON_RATES.moveWithinDistrict + PERSON_RATES.moveWithinCouncil) return this.#address(from.la);
    return this.#address(pickLocalAuthority(r));
  }

  #makeHousehold(): void {
    const r = this.#random;
    const la = pickLocalAuthority(r);
    const group = r.pick(pickEthnicCategory(r, la.whiteBritishShare).nameGroups);
    const addresses = [this.#address(la)];
    const moves = r.chance(PERSON_RATES.householdMovedTwice) ? 2 : r.chance(PERSON_RATES.householdMovedOnce) ? 1 : 0;
    for (let i = 0; i < moves; i++) addresses.push(this.#moveFrom(addresses[addresses.length - 1]!));
    let family = this.#surname(group);
    let familyParts: readonly [string, string] | undefined;
    if (group === 'british' && r.chance(PERSON_RATES.doubleBarrelled)) {
      familyParts = [family, pickBritishSurname(r)];
      family = this.#norm(`${familyParts[0]}-${familyParts[1]}`);
    }
    const home: Household = { index: this.#households++, la, group, family, addresses, forenames: [], childBirthDays: [], ...(familyParts ? { familyParts } : {}) };

    const roll = r.next();
    if (roll < 0.32) {
      const age = r.chance(0.5) ? r.int(65, 100) : r.int(18, 64);
      const adult = this.#person(home, r.chance(age >= 80 ? 0.62 : 0.5) ? 'female' : 'male', age);
      if (r.chance(PERSON_RATES.twinAdults)) this.#twin(home, adult, adult.sex);
      return;
    }
    const headAge = roll < 0.6 ? r.int(22, 92) : r.int(24, 55);
    const head = this.#person(home, roll < 0.6 || r.chance(0.8) ? 'male' : 'female', headAge);
    if (roll < 0.9) this.#partner(home, head);
    if (roll >= 0.6) {
      const children = r.int(1, 3);
      for (let c = 0; c < children; c++) this.#child(home, head);
    }
  }

  #partner(home: Household, head: Person): void {
    const r = this.#random;
    const age = Math.max(18, this.#ageOf(head) + r.int(-6, 4));
    const sex: Sex = r.chance(0.95) ? (head.sex === 'male' ? 'female' : 'male') : head.sex;
    if (sex === 'female' && r.chance(PERSON_RATES.tookPartnersSurname)) {
      this.#person(home, sex, age, { maiden: this.#surname(home.group) });
    } else {
      this.#person(home, sex, age, { family: this.#surname(home.group) });
    }
  }

  #child(home: Household, head: Person): void {
    const r = this.#random;
    const headAge = this.#ageOf(head);
    // Siblings (twins aside) are born at least ten months apart.
    let birthDay = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const age = Math.max(0, r.int(Math.max(0, headAge - 45), Math.max(0, headAge - 18)));
      birthDay = Math.min(this.#asOfDay, addYears(this.#asOfDay, -age - 1) + r.int(1, 364));
      if (home.childBirthDays.every((d) => Math.abs(d - birthDay) >= 300)) break;
    }
    home.childBirthDays.push(birthDay);
    const sex: Sex = r.chance(0.51) ? 'male' : 'female';
    const junior = sex === 'male' && head.sex === 'male' && r.chance(PERSON_RATES.junior);
    const birthDate = isoDate(birthDay);
    const child = this.#person(home, sex, 0, junior ? { birthDate, given: head.given, juniorOf: head.index } : { birthDate });
    if (r.chance(PERSON_RATES.twinChild)) this.#twin(home, child, r.chance(0.65) ? child.sex : sex === 'male' ? 'female' : 'male');
  }

  /** A twin: same surname, date of birth and home, a different forename and NHS number. */
  #twin(home: Household, other: Person, sex: Sex): void {
    const twin = this.#person(home, sex, 0, { birthDate: other.birthDate, family: other.family, twinOf: other.index });
    this.#twinOf[other.index] = twin.index;
  }

  #ageOf(p: Person): number {
    return Number(DEFAULT_AS_OF.slice(0, 4)) - p.birthYear;
  }

  #person(home: Household, sex: Sex, age: number, opts: {
    maiden?: string; family?: string; given?: string; birthDate?: string; twinOf?: number; juniorOf?: number;
  } = {}): Person {
    const r = this.#random;
    const birthDate = opts.birthDate ?? isoDate(addYears(this.#asOfDay, -age - 1) + r.int(1, 364));
    const birthYear = Number(birthDate.slice(0, 4));
    // One household's forenames are different and not short forms of each other (JOHN, JACK): the
    // same name twice is a "junior", made on purpose. Small community name lists can run out.
    let given = opts.given ?? this.#forename(sex, birthYear, home.group);
    for (let attempt = 0; !opts.given && attempt < 30 && home.forenames.some((f) => areOneName(f, given)); attempt++) {
      given = this.#forename(sex, birthYear, home.group);
    }
    home.forenames.push(given);
    let middle: string | undefined;
    if (r.chance(PERSON_RATES.middleName)) {
      const m = this.#forename(sex, birthYear, 'british');
      if (m !== given) middle = m;
    }
    const family = opts.family ?? home.family;
    const p: Person = {
      index: this.#nhsNumbers.length, sex, birthDate, birthYear, given, family, nhsNumber: this.#nhs.next(),
      addresses: home.addresses,
      ...(middle ? { middle } : {}),
      ...(opts.maiden ? { maiden: opts.maiden } : {}),
      ...(home.familyParts && family === home.family ? { familyParts: home.familyParts } : {}),
    };
    if (Number(DEFAULT_AS_OF.slice(0, 4)) - birthYear >= 16 && r.chance(PERSON_RATES.email)) {
      p.email = `${given.toLowerCase()}.${family.toLowerCase()}${r.int(1, 99)}@${r.pick(EMAIL_DOMAINS)}`;
    }
    this.#nhsNumbers.push(p.nhsNumber);
    this.#people.push(p);
    this.#householdOf.push(home.index);
    this.#twinOf.push(opts.twinOf ?? -1);
    this.#juniorOf.push(opts.juniorOf ?? -1);
    this.#emitRecords(p);
    return p;
  }

  #appearances(): number {
    const roll = this.#random.next();
    let sum = 0;
    for (let k = 0; k < PERSON_RATES.appearances.length; k++) {
      sum += PERSON_RATES.appearances[k]!;
      if (roll < sum) return k + 1;
    }
    return PERSON_RATES.appearances.length;
  }

  #emitRecords(p: Person): void {
    const r = this.#random;
    const count = this.#appearances();
    const baby = this.#ageOf(p) <= 1;
    for (let k = 0; k < count && this.records.length < this.target; k++) {
      const id = `r${this.records.length}`;
      const made = k === 0 && baby && r.chance(RECORD_RATES.placeholderAtBirth)
        ? placeholderRecord(r, p, id)
        : sourceRecord(r, p, pickSourceKind(r), id, () => this.#wrongNhsNumber(p));
      this.records.push(made.record);
      this.#truth.push(p.index);
      this.#flags.push(made.flags);
      this.#addressOf.push(made.addressIndex);
    }
  }

  /** Someone else's number: a household member's a third of the time (a parent's on a child's record), else anyone's. */
  #wrongNhsNumber(p: Person): string {
    const r = this.#random;
    const home = this.#householdOf[p.index];
    const previous = p.index - 1;
    if (r.chance(1 / 3) && previous >= 0 && this.#householdOf[previous] === home) return this.#nhsNumbers[previous]!;
    let other = r.int(0, p.index - 1);
    if (other === p.index) other = (other + 1) % this.#nhsNumbers.length;
    return this.#nhsNumbers[other]!;
  }
}
