// A trained Fellegi–Sunter matching model: for each comparison level, m (how often true matches land
// there) and u (how often random pairs do); the prior chance that two records match; how common each
// name and postcode is; and the two thresholds. Stored as versioned JSON, as MoJ runs Splink in production.
// See: ../shared/reference/linkage.md §1.1, §1.5
import { FIELD_COUNT, FIELDS, NULL_LEVEL } from './comparisons.ts';
import type { MatchDecision, MatchGrade } from './match-types.ts';

export interface LevelParams {
  level: string;
  m: number;
  u: number;
}

/** How common each value is, for term-frequency adjustment of exact agreements. */
export interface TermFrequencies {
  /** Chance two random records agree on this field (the sum of squared value shares). */
  agreement: number;
  /** Share of records holding each value (only values seen at least twice are kept). */
  shares: Record<string, number>;
}

export interface MatchModel {
  version: 1;
  /** λ: the chance two records picked at random are the same person. */
  prior: number;
  fields: Record<string, LevelParams[]>;
  termFrequencies: { given: TermFrequencies; family: TermFrequencies; postcode: TermFrequencies };
  /** Match weights (log2 Bayes factor including the prior): at or above `link` link, at or above `review` ask a person. */
  thresholds: { link: number; review: number };
  /**
   * u of a full postcode agreement between two different people who share a surname: households
   * share both, so that agreement is far more common than between random people and weighs less.
   */
  householdPostcodeU: number;
  trainedOn: number;
  trainedAt: string;
}

export const DEFAULT_THRESHOLDS = { link: 1, review: -1 } as const;
/** Term-frequency adjustments are kept within ± this many bits, so one rare name cannot carry a pair alone. */
export const TF_CAP = 4;
/** A pair with the same NHS number is not linked when everything else weighs this far against it. */
export const SAME_NHS_CONTRADICTION = -12;

// Starting values (and the values an untrained installation uses), from Splink's defaults and NHS
// experience; training replaces them with estimates from the installation's own data.
const STARTING_M: Record<string, number[]> = {
  nhsNumber: [0.97, 0.03],
  name: [0.7, 0.01, 0.05, 0.08, 0.05, 0.03, 0.04, 0.03, 0.01],
  birthDate: [0.9, 0.02, 0.04, 0.02, 0.01, 0.01],
  sex: [0.98, 0.02],
  postcode: [0.7, 0.05, 0.08, 0.05, 0.12],
  town: [0.8, 0.1, 0.1],
  email: [0.9, 0.1],
  phone: [0.8, 0.2],
};
const STARTING_U: Record<string, number[]> = {
  nhsNumber: [1e-7, 1 - 1e-7],
  name: [2e-5, 1e-6, 2e-6, 5e-5, 5e-5, 5e-5, 0.005, 0.01, 0.985],
  birthDate: [4e-5, 4e-5, 3e-4, 0.012, 0.15, 0.8376],
  sex: [0.5, 0.5],
  postcode: [2e-5, 2e-4, 0.003, 0.03, 0.96678],
  town: [0.05, 0.01, 0.94],
  email: [1e-6, 1 - 1e-6],
  phone: [1e-6, 1 - 1e-6],
};

export function defaultModel(): MatchModel {
  const fields: Record<string, LevelParams[]> = {};
  for (const { field, levels } of FIELDS) {
    fields[field] = levels.map((level, k) => ({ level, m: STARTING_M[field][k], u: STARTING_U[field][k] }));
  }
  const none: TermFrequencies = { agreement: 0, shares: {} };
  return {
    version: 1,
    prior: 1e-5,
    fields,
    termFrequencies: { given: none, family: none, postcode: none },
    thresholds: { ...DEFAULT_THRESHOLDS },
    householdPostcodeU: 0.05,
    trainedOn: 0,
    trainedAt: new Date(0).toISOString(),
  };
}

/** log2 Bayes factors per field and level, laid out for the scoring loop. */
export class WeightTable {
  readonly prior: number;
  /** The weight of a full postcode agreement between records that share a surname. */
  readonly householdPostcode: number;
  private readonly weights: Float64Array[];

  constructor(model: MatchModel) {
    this.prior = Math.log2(model.prior / (1 - model.prior));
    this.weights = FIELDS.map(({ field }) => Float64Array.from(model.fields[field].map((l) => Math.log2(l.m / l.u))));
    const full = model.fields.postcode[0]!;
    this.householdPostcode = Math.min(Math.log2(full.m / (model.householdPostcodeU ?? 0.05)), this.weights[4]![0]!);
  }

  weight(field: number, level: number): number {
    return level === NULL_LEVEL ? 0 : this.weights[field][level];
  }

  /** The total weight of a level vector, before term-frequency adjustment. */
  total(levels: Int8Array): number {
    let w = this.prior;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = levels[f];
      if (level !== NULL_LEVEL) w += this.weights[f][level];
    }
    return w;
  }
}

/** The posterior match probability of a match weight. */
export function probabilityOf(weight: number): number {
  const odds = 2 ** weight;
  return odds / (1 + odds);
}

/** Threshold decision and FHIR match grade for a weight (before the NHS number and placeholder rules). */
export function decisionOf(weight: number, thresholds: MatchModel['thresholds']): MatchDecision {
  return weight >= thresholds.link ? 'link' : weight >= thresholds.review ? 'review' : 'no-link';
}

/** certain: linked automatically; probable / possible: the upper / lower half of the review band. See: https://hl7.org/fhir/R4/codesystem-match-grade.html */
export function gradeOf(decision: MatchDecision, weight: number, thresholds: MatchModel['thresholds']): MatchGrade {
  if (decision === 'link') return 'certain';
  if (decision === 'no-link') return 'certainly-not';
  return weight >= (thresholds.link + thresholds.review) / 2 ? 'probable' : 'possible';
}
