// Which council is responsible for a person, from their address: the question Nottinghamshire's
// HealthcareLocatorService answers with responsibleLAfromAddress, so a hospital's admission reaches the
// right council. Property-level first, because postcodes can straddle council boundaries.
// See: https://simplifier.net/guide/HealthcareLocatorService/ResponsibleLAfromAddress
import type { Address, Patient } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import {
  isUprn,
  loadLocatorTable,
  normaliseAddressText,
  normalisePostcode,
  type CouncilSettings,
  type LocatorTable,
  type PatternKind,
  type PostcodeRow,
  type PropertyOverride,
} from './locator-table.ts';

/** Which rule chose the council: a property override or the longest matching pattern. */
export type MatchedBy = 'property' | PatternKind;

/** An address to locate, as the locator service takes it. */
export interface LocatorQuery {
  postcode: string;
  /** Address lines, first line first; a line led by an override's house number or name picks that property. */
  lines?: readonly string[];
  /** Unique Property Reference Number, when the caller knows it. */
  uprn?: string;
}

/** The responsible council, how it was chosen and how to reach it. */
export interface LocatorResult {
  /** ONS GSS code of the responsible council. */
  gss: string;
  name: string;
  matchedBy: MatchedBy;
  /** How to reach the council, if the table says. */
  council: CouncilSettings | undefined;
}

/** UK Core's address key extension, which carries a UPRN among other keys. */
const ADDRESS_KEY_EXTENSION = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-AddressKey';

/** Answers "which council?" from a loaded table; immutable, so one instance serves every request. */
export class Locator {
  readonly #patterns = new Map<string, PostcodeRow>();
  readonly #overrides = new Map<string, PropertyOverride[]>();
  readonly #councils = new Map<string, CouncilSettings>();

  constructor(table: LocatorTable) {
    for (const row of table.postcodes) {
      if (this.#patterns.has(row.pattern)) throw invalid('LOCATOR_TABLE_ROW', `Postcode pattern ${row.pattern} is given twice`);
      this.#patterns.set(row.pattern, row);
    }
    for (const o of table.overrides) this.#overrides.set(o.postcode, [...(this.#overrides.get(o.postcode) ?? []), o]);
    for (const c of table.councils) this.#councils.set(c.gss, c);
  }

  /**
   * The responsible council: a property override when the postcode and the house (or UPRN) match, else
   * the longest table pattern (postcode, sector, district, area); undefined when nothing covers the postcode.
   * Throws `LOCATOR_POSTCODE` when the postcode is not one.
   */
  locate(query: LocatorQuery): LocatorResult | undefined {
    const postcode = normalisePostcode(query.postcode);
    // The value is not echoed back: with an address it is personal data.
    if (!postcode) throw invalid('LOCATOR_POSTCODE', 'The postcode is not a UK postcode (like SW1A 2AA)', 'postcode');
    const property = this.#property(postcode, query);
    if (property) return this.#result(property, 'property');
    for (const [kind, pattern] of patternsOf(postcode)) {
      const row = this.#patterns.get(pattern);
      if (row) return this.#result(row, kind);
    }
    return undefined;
  }

  /** The council for the person's home address (else their first current one); undefined without a usable postcode. */
  locatePatient(patient: Patient, at: Date = new Date()): LocatorResult | undefined {
    const address = addressToLocate(patient, at);
    const postcode = address?.postalCode === undefined ? undefined : normalisePostcode(address.postalCode);
    if (!address || !postcode) return undefined;
    const uprn = uprnOf(address);
    return this.locate({ postcode, lines: address.line ?? [], ...(uprn ? { uprn } : {}) });
  }

  /** The settings the table holds for a council. */
  council(gss: string): CouncilSettings | undefined {
    return this.#councils.get(gss);
  }

  #property(postcode: string, query: LocatorQuery): PropertyOverride | undefined {
    const overrides = this.#overrides.get(postcode);
    if (!overrides) return undefined;
    const uprn = query.uprn?.trim();
    if (uprn) {
      const byUprn = overrides.find((o) => o.match === uprn);
      if (byUprn) return byUprn;
    }
    // A flat's building number sits on a later line ("Flat 3", "Rosewood Court", "41 Church Road"), so
    // every line is tried, first line first.
    const houses = overrides.filter((o) => !isUprn(o.match));
    for (const line of (query.lines ?? []).map(normaliseAddressText)) {
      const found = houses.find((o) => line === o.match || line.startsWith(`${o.match} `));
      if (found) return found;
    }
    return undefined;
  }

  #result(row: { gss: string; name: string }, matchedBy: MatchedBy): LocatorResult {
    return { gss: row.gss, name: row.name, matchedBy, council: this.#councils.get(row.gss) };
  }
}

/** The table keys a full postcode can match, longest first. */
function patternsOf(postcode: string): Array<[PatternKind, string]> {
  const [outward = '', inward = ''] = postcode.split(' ');
  return [
    ['postcode', postcode],
    ['sector', `${outward} ${inward.charAt(0)}`],
    ['district', outward],
    ['area', outward.replace(/[0-9].*$/, '')],
  ];
}

/** Where a FHIR date or dateTime falls against a moment: a date covers its whole day (or month, or year). */
function compareToMoment(value: string, at: Date): number {
  if (value.length <= 10) {
    const now = at.toISOString().slice(0, value.length);
    return value < now ? -1 : value > now ? 1 : 0;
  }
  return Math.sign(Date.parse(value) - at.getTime());
}

function isCurrent(address: Address, at: Date): boolean {
  if (address.use === 'old') return false;
  const { start, end } = address.period ?? {};
  if (end && compareToMoment(end, at) < 0) return false;
  return !(start && compareToMoment(start, at) > 0);
}

function addressToLocate(patient: Patient, at: Date): Address | undefined {
  const current = (patient.address ?? []).filter((a) => a.postalCode && isCurrent(a, at));
  return current.find((a) => a.use === 'home') ?? current[0];
}

function uprnOf(address: Address): string | undefined {
  for (const key of address.extension ?? []) {
    if (key.url !== ADDRESS_KEY_EXTENSION) continue;
    const type = key.extension?.find((e) => e.url === 'type')?.valueCoding?.code;
    const value = key.extension?.find((e) => e.url === 'value')?.valueString;
    if (type?.toUpperCase() === 'UPRN' && value) return value.trim();
  }
  return undefined;
}

/** A Locator over the CSV table in a directory (see locator-table.ts). */
export async function loadLocator(dir: string): Promise<Locator> {
  return new Locator(await loadLocatorTable(dir));
}
