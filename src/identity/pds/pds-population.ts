// Who the stand-in PDS knows: people held under their NHS numbers (with their previous names,
// addresses and contact details), numbers superseded by another, and invalidated numbers.
// Built by the caller (the CLI builds it from the synthetic population generator).
import type { Address, ContactPoint, HumanName, Patient } from '@medplum/fhirtypes';
import { isValidNhsNumber } from '../../fhir/nhs-number.ts';

/** What PDS remembers of a person's past: searched by `_history` and fuzzy searches. */
export interface PdsHistory {
  names?: readonly HumanName[];
  addresses?: readonly Address[];
  telecom?: readonly ContactPoint[];
}

/** A person on the spine: `patient.id` is their NHS number; `meta.security` R marks them restricted. */
export interface PdsPatientRecord {
  kind: 'patient';
  patient: Patient;
  history?: PdsHistory;
}

export type PdsRecord =
  | PdsPatientRecord
  /** A number merged into another record: a read answers with the successor. */
  | { kind: 'superseded'; nhsNumber: string; supersededBy: string }
  /** A number withdrawn without a successor: reads answer 404 INVALIDATED_RESOURCE; searches never show it. */
  | { kind: 'invalidated'; nhsNumber: string };

export type PdsLookup = { kind: 'found'; record: PdsPatientRecord } | { kind: 'invalidated' } | { kind: 'not-found' };

/** Supersession chains longer than this are a data fault, not a person. */
const MAX_HOPS = 10;

/** The stand-in's in-memory spine. Throws on construction if two records claim one number. */
export class PdsPopulation {
  readonly #patients: PdsPatientRecord[] = [];
  readonly #byNumber = new Map<string, PdsRecord>();

  constructor(records: Iterable<PdsRecord>) {
    for (const record of records) {
      const nhsNumber = record.kind === 'patient' ? record.patient.id : record.nhsNumber;
      if (!nhsNumber || !isValidNhsNumber(nhsNumber)) throw new RangeError(`A PDS record needs a valid NHS number, got ${nhsNumber}`);
      if (this.#byNumber.has(nhsNumber)) throw new RangeError(`NHS number ${nhsNumber} is held twice`);
      this.#byNumber.set(nhsNumber, record);
      if (record.kind === 'patient') this.#patients.push(record);
    }
  }

  /** People who can be found by a search (never superseded or invalidated numbers). */
  get patients(): readonly PdsPatientRecord[] {
    return this.#patients;
  }

  /** The record a read of this number returns, following supersession. */
  lookup(nhsNumber: string): PdsLookup {
    let record = this.#byNumber.get(nhsNumber);
    for (let hops = 0; record?.kind === 'superseded' && hops < MAX_HOPS; hops++) record = this.#byNumber.get(record.supersededBy);
    if (!record || record.kind === 'superseded') return { kind: 'not-found' };
    return record.kind === 'invalidated' ? { kind: 'invalidated' } : { kind: 'found', record };
  }
}
