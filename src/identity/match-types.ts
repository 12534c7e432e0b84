// The shapes matching works on and hands out: a source record reduced to what identifies a person,
// and a scored pair with the per-field evidence that explains it. Shared by the engine, the link
// store, the review queue, PDS tracing and the benchmarks.

/** One source Patient reduced to normalised identifying features. Absent = unknown, never "". */
export interface MatchRecord {
  /** The source Patient's id (`Patient/{id}` in the store). */
  id: string;
  /** The source system name, e.g. `mosaic-hackney`; absent for records of unknown origin. */
  source?: string;
  /** A valid (Modulus 11), non-placeholder NHS number: ten digits, no spaces. */
  nhsNumber?: string;
  /** True when the source says the number is verified (status 01) or PDS traced it. */
  nhsVerified?: boolean;
  /** First forename, upper case A–Z with spaces and hyphens removed (e.g. `MARYANNE`). */
  given?: string;
  /** Further forenames, same normalisation. */
  middle?: string;
  /** Surname, same normalisation. */
  family?: string;
  /** Date of birth as `YYYY-MM-DD` (full dates only). */
  birthDate?: string;
  sex?: 'M' | 'F';
  /** UK postcode normalised to `OUTCODE INCODE`, e.g. `E8 1AA`; only well-formed ones. */
  postcode?: string;
  /** Town or city, upper case. */
  town?: string;
  /** Email, lower case. */
  email?: string;
  /** Phone, digits only, UK national form (leading 0). */
  phone?: string;
  /**
   * Why this record must never drive a link (placeholder name such as "BABY BOY" or "UNKNOWN",
   * or a placeholder date of birth); absent when it may.
   */
  placeholder?: string;
}

export type MatchField = 'nhsNumber' | 'name' | 'birthDate' | 'sex' | 'postcode' | 'town' | 'email' | 'phone';

/** The evidence one field gave for or against a pair. */
export interface FieldWeight {
  field: MatchField;
  /** The comparison level reached, e.g. `exact`, `jaro-winkler-0.92`, `day-month-swapped`, `sector`, `null`. */
  level: string;
  /** log2(m/u) for this level, plus any term-frequency adjustment. 0 when either side is missing. */
  weight: number;
  /** The term-frequency part of `weight`, when an exact match on a common or rare value adjusted it. */
  tfAdjustment?: number;
  /** The values compared, as shown to a reviewer. */
  left?: string;
  right?: string;
}

/** FHIR match-grade codes: http://terminology.hl7.org/CodeSystem/match-grade */
export type MatchGrade = 'certain' | 'probable' | 'possible' | 'certainly-not';

export type MatchDecision = 'link' | 'review' | 'no-link';

/** A scored pair of records. `left` < `right` (string order) so a pair has one spelling. */
export interface PairScore {
  left: string;
  right: string;
  /** Total match weight: prior + the sum of field weights (log2 Bayes factor). */
  weight: number;
  /** Posterior match probability from `weight`. */
  probability: number;
  grade: MatchGrade;
  decision: MatchDecision;
  /**
   * What decided it when a rule did, not the weights: `nhs-number` (same valid number),
   * `nhs-number-conflict` (different valid numbers), `placeholder`, `possible-twin` (same date of birth,
   * unrelated forenames, no shared email or phone: twins are the commonest false link, so never linked),
   * `possible-relative` (dates of birth more than a year apart: a parent and child of one name).
   */
  rule?: 'nhs-number' | 'nhs-number-conflict' | 'placeholder' | 'possible-twin' | 'possible-relative';
  fields: FieldWeight[];
  /** One plain-English sentence a reviewer can read, e.g. "Same NHS number (verified); date of birth exact; surname similar (ALLEN / ALAN)". */
  reason: string;
}
