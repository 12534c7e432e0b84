// MatchRecords laid out as typed columns of small integers, so comparing two records is mostly
// integer equality: the engine compares millions of pairs on a back-load and this is its hot path.
import type { MatchRecord } from './match-types.ts';
import { isPlaceholderName, postcodeParts } from './normalise.ts';
import { nameFamilies } from './nicknames.ts';

/** Strings to dense ids, in first-seen order. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();

  id(value: string | undefined): number {
    if (value === undefined) return -1;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

function dateNumber(date: string | undefined): number {
  return date ? Number(date.slice(0, 4)) * 10000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10)) : 0;
}

/** Columnar, integer-coded records. Name ids share one dictionary so a swapped forename and surname compare by id. */
export class EncodedRecords {
  readonly size: number;
  readonly names = new Dictionary();
  readonly places = new Dictionary();
  readonly contacts = new Dictionary();
  readonly given: Int32Array;
  readonly middle: Int32Array;
  readonly family: Int32Array;
  /** The forename's first nickname family (negative, so never equal to a name id), else its name id. */
  readonly givenCanonical: Int32Array;
  /** Date of birth as yyyymmdd; 0 when unknown. */
  readonly birthDate: Int32Array;
  /** 1 male, 2 female, 0 unknown. */
  readonly sex: Int8Array;
  /** NHS number as a number; 0 when absent. */
  readonly nhsNumber: Float64Array;
  readonly nhsVerified: Uint8Array;
  readonly postcode: Int32Array;
  readonly sector: Int32Array;
  readonly outcode: Int32Array;
  readonly area: Int32Array;
  readonly town: Int32Array;
  readonly email: Int32Array;
  readonly phone: Int32Array;
  readonly placeholder: Uint8Array;
  readonly records: readonly MatchRecord[];

  constructor(records: readonly MatchRecord[]) {
    this.records = records;
    const n = (this.size = records.length);
    this.given = new Int32Array(n);
    this.middle = new Int32Array(n);
    this.family = new Int32Array(n);
    this.givenCanonical = new Int32Array(n);
    this.birthDate = new Int32Array(n);
    this.sex = new Int8Array(n);
    this.nhsNumber = new Float64Array(n);
    this.nhsVerified = new Uint8Array(n);
    this.postcode = new Int32Array(n);
    this.sector = new Int32Array(n);
    this.outcode = new Int32Array(n);
    this.area = new Int32Array(n);
    this.town = new Int32Array(n);
    this.email = new Int32Array(n);
    this.phone = new Int32Array(n);
    this.placeholder = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.encode(i, records[i]);
  }

  private encode(i: number, r: MatchRecord): void {
    // A placeholder name ("BABY", "UNKNOWN") is no evidence either way: treat it as missing.
    const given = isPlaceholderName(r.given) ? undefined : r.given;
    const family = isPlaceholderName(r.family) ? undefined : r.family;
    this.given[i] = this.names.id(given);
    this.middle[i] = this.names.id(r.middle);
    this.family[i] = this.names.id(family);
    const families = given ? nameFamilies(given) : [];
    this.givenCanonical[i] = families.length > 0 ? -2 - families[0] : this.given[i];
    this.birthDate[i] = dateNumber(r.birthDate);
    this.sex[i] = r.sex === 'M' ? 1 : r.sex === 'F' ? 2 : 0;
    this.nhsNumber[i] = r.nhsNumber ? Number(r.nhsNumber) : 0;
    this.nhsVerified[i] = r.nhsVerified ? 1 : 0;
    if (r.postcode) {
      const parts = postcodeParts(r.postcode);
      this.postcode[i] = this.places.id(r.postcode);
      this.sector[i] = this.places.id(parts.sector);
      this.outcode[i] = this.places.id(parts.outcode);
      this.area[i] = this.places.id(`@${parts.area}`);
    } else {
      this.postcode[i] = this.sector[i] = this.outcode[i] = this.area[i] = -1;
    }
    this.town[i] = this.places.id(r.town === undefined ? undefined : `#${r.town}`);
    this.email[i] = this.contacts.id(r.email);
    this.phone[i] = this.contacts.id(r.phone);
    this.placeholder[i] = r.placeholder ? 1 : 0;
  }

  nameOf(id: number): string {
    return this.names.values[id];
  }
}
