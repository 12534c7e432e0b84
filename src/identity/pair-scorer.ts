// Scores a pair of encoded records: total match weight (prior + per-field log2 Bayes factors + term-
// frequency adjustments), the decision with the NHS number and placeholder rules applied on top, and,
// when asked, the per-field evidence and a sentence a reviewer can read.
import { Comparator, F, FIELD_COUNT, FIELDS, levelName, NULL_LEVEL } from './comparisons.ts';
import type { EncodedRecords } from './encoded-records.ts';
import type { FieldWeight, MatchDecision, MatchRecord, PairScore } from './match-types.ts';
import { decisionOf, gradeOf, type MatchModel, probabilityOf, SAME_NHS_CONTRADICTION, type TermFrequencies, TF_CAP, WeightTable } from './model.ts';
import { describeField } from './pair-reason.ts';

// Which names' rarity adjusts each name level: 1 both, 2 surname, 3 forename, 0 none (FIELDS order).
/** Name levels where the surnames agree exactly: exact, nickname, forename mistyped, surname only (FIELDS order). */
const SURNAME_AGREES = Int8Array.from([1, 0, 1, 1, 0, 0, 1, 0, 0]);
/** The name levels "same surname, unrelated forenames" and "different names" (FIELDS order). */
const SURNAME_ONLY = 6;
const DIFFERENT_NAMES = 8;
/** The date-of-birth levels "within ten years" and "further apart" (FIELDS order). */
const BIRTHS_YEARS_APART = 4;
const BIRTHS_DECADES_APART = 5;
const NAME_TF_KIND = Int8Array.from([1, 1, 2, 2, 3, 0, 2, 3, 0]);

function adjustments(values: readonly string[], tf: TermFrequencies, rareShare: number, prefix = ''): Float32Array {
  const out = new Float32Array(values.length);
  if (tf.agreement <= 0) return out;
  for (let id = 0; id < values.length; id++) {
    const value = prefix ? values[id].startsWith(prefix) ? values[id] : undefined : values[id];
    if (value === undefined) continue;
    const share = tf.shares[value] ?? rareShare;
    out[id] = Math.max(-TF_CAP, Math.min(TF_CAP, Math.log2(tf.agreement / share)));
  }
  return out;
}

export type PairRule = PairScore['rule'];

export class PairScorer {
  readonly levels = new Int8Array(FIELD_COUNT);
  readonly table: WeightTable;
  private readonly comparator: Comparator;
  private readonly givenAdjustment: Float32Array;
  private readonly familyAdjustment: Float32Array;
  private readonly postcodeRarity: Float32Array;
  /** The rule behind the last decision, if one applied. */
  rule: PairRule;
  readonly records: EncodedRecords;
  readonly model: MatchModel;

  constructor(records: EncodedRecords, model: MatchModel) {
    this.records = records;
    this.model = model;
    this.table = new WeightTable(model);
    this.comparator = new Comparator(records);
    const rareShare = 1 / Math.max(2, model.trainedOn);
    const { given, family, postcode } = model.termFrequencies;
    this.givenAdjustment = adjustments(records.names.values, given, rareShare);
    this.familyAdjustment = adjustments(records.names.values, family, rareShare);
    this.postcodeRarity = adjustments(records.places.values, postcode, rareShare);
  }

  /** Compares i and j (filling `levels`) and returns the total match weight. */
  weight(i: number, j: number): number {
    this.comparator.compare(i, j, this.levels);
    return this.table.total(this.levels) + this.nameAdjustment(i) + this.postcodeAdjustment(i);
  }

  private nameAdjustment(i: number): number {
    const level = this.levels[F.name];
    if (level === NULL_LEVEL) return 0;
    const given = this.records.given[i];
    const family = this.records.family[i];
    const kind = NAME_TF_KIND[level];
    const givenPart = (kind === 1 || kind === 3) && given >= 0 ? this.givenAdjustment[given] : 0;
    const familyPart = (kind === 1 || kind === 2) && family >= 0 ? this.familyAdjustment[family] : 0;
    return givenPart + familyPart;
  }

  /**
   * Changes to a full postcode agreement's weight: its rarity, or, when the surnames agree too, the
   * household weight instead (people of one surname at one address are usually one family).
   */
  private postcodeAdjustment(i: number): number {
    if (this.levels[F.postcode] !== 0) return 0;
    if (SURNAME_AGREES[this.levels[F.name]] === 1) return this.table.householdPostcode - this.table.weight(F.postcode, 0);
    return this.postcodeRarity[this.records.postcode[i]]!;
  }

  /** The decision for the pair last weighed, with the rules that outrank the weights; sets `rule`. */
  decide(i: number, j: number, weight: number): MatchDecision {
    const { thresholds } = this.model;
    const nhs = this.levels[F.nhsNumber];
    this.rule = undefined;
    if (nhs === 0) {
      // Same valid NHS number: the same person, unless everything else flatly contradicts it.
      const rest = weight - this.table.weight(F.nhsNumber, 0);
      this.rule = 'nhs-number';
      return rest >= SAME_NHS_CONTRADICTION ? 'link' : 'review';
    }
    const byWeight = decisionOf(weight, thresholds);
    if (nhs === 1) {
      // Two different valid NHS numbers are never linked automatically; a person looks only when
      // everything else says one person (a mistyped number), not at every relative with a number.
      this.rule = 'nhs-number-conflict';
      const rest = weight - this.table.weight(F.nhsNumber, 1);
      return rest >= thresholds.link ? 'review' : 'no-link';
    }
    const r = this.records;
    const name = this.levels[F.name];
    const unrelatedForenames = (name === SURNAME_ONLY || name === DIFFERENT_NAMES) && r.given[i] >= 0 && r.given[j] >= 0;
    // Twins rarely share an email address or phone; one shared says these are one person after all.
    const sharedContact = this.levels[F.email] === 0 || this.levels[F.phone] === 0;
    if (unrelatedForenames && this.levels[F.birthDate] === 0 && !sharedContact) {
      this.rule = 'possible-twin';
      return 'no-link';
    }
    const birth = this.levels[F.birthDate];
    if (birth === BIRTHS_YEARS_APART || birth === BIRTHS_DECADES_APART) {
      // A father and son of one name at one address: never linked; within ten years, a person looks.
      this.rule = 'possible-relative';
      return birth === BIRTHS_DECADES_APART || byWeight === 'no-link' ? 'no-link' : 'review';
    }
    if (r.placeholder[i] === 1 || r.placeholder[j] === 1) {
      // "BABY BOY SMITH" is renamed at registration; the renamed record links then.
      this.rule = 'placeholder';
      return 'no-link';
    }
    return byWeight;
  }

  /** The whole explanation of a pair: per-field weights, decision, grade and a plain reason. */
  explain(i: number, j: number): PairScore {
    const weight = this.weight(i, j);
    const decision = this.decide(i, j, weight);
    const a = this.records.records[i];
    const b = this.records.records[j];
    const fields: FieldWeight[] = [];
    for (let f = 0; f < FIELD_COUNT; f++) {
      const level = this.levels[f];
      if (level === NULL_LEVEL && !hasField(a, b, f)) continue;
      const tf = f === F.name ? this.nameAdjustment(i) : f === F.postcode ? this.postcodeAdjustment(i) : 0;
      const [left, right] = shownValues(f, a, b);
      fields.push({
        field: FIELDS[f].field,
        level: levelName(f, level),
        weight: round(this.table.weight(f, level) + tf),
        ...(tf !== 0 ? { tfAdjustment: round(tf) } : {}),
        ...(left !== undefined ? { left } : {}),
        ...(right !== undefined ? { right } : {}),
      });
    }
    const [left, right] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
    const rule = this.rule;
    const thresholds = this.model.thresholds;
    return {
      left,
      right,
      weight: round(weight),
      probability: probabilityOf(weight),
      grade: gradeOf(decision, weight, thresholds),
      decision,
      ...(rule ? { rule } : {}),
      fields,
      reason: describePair(decision, rule, fields, weight, a, b),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function hasField(a: MatchRecord, b: MatchRecord, field: number): boolean {
  const [left, right] = shownValues(field, a, b);
  return left !== undefined || right !== undefined;
}

function shownValues(field: number, a: MatchRecord, b: MatchRecord): [string | undefined, string | undefined] {
  const name = (r: MatchRecord) => (r.given || r.family ? [r.given, r.middle, r.family].filter(Boolean).join(' ') : undefined);
  switch (FIELDS[field].field) {
    case 'nhsNumber': return [a.nhsNumber, b.nhsNumber];
    case 'name': return [name(a), name(b)];
    case 'birthDate': return [a.birthDate, b.birthDate];
    case 'sex': return [a.sex, b.sex];
    case 'postcode': return [a.postcode, b.postcode];
    case 'town': return [a.town, b.town];
    case 'email': return [a.email, b.email];
    case 'phone': return [a.phone, b.phone];
  }
}

const VERDICT: Record<MatchDecision, string> = { link: 'Same person', review: 'Needs review', 'no-link': 'Not the same person' };

function describePair(decision: MatchDecision, rule: PairRule, fields: FieldWeight[], weight: number, a: MatchRecord, b: MatchRecord): string {
  const parts = [...fields]
    .filter((f) => f.level !== 'missing')
    .sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight))
    .map((f) => describeField(f, a, b));
  const because =
    rule === 'nhs-number' && decision === 'review' ? 'same NHS number but the other details contradict it'
      : rule === 'nhs-number-conflict' && decision === 'review' ? 'different NHS numbers, so never linked automatically'
        : rule === 'placeholder' ? 'a placeholder identity never drives a link'
          : rule === 'possible-twin' ? 'possibly twins: same date of birth, unrelated forenames'
            : rule === 'possible-relative' ? 'dates of birth years apart: possibly a relative of the same name'
          : undefined;
  const head = because ? `${VERDICT[decision]} (${because})` : VERDICT[decision];
  return `${head}: ${parts.join('; ')}. Match weight ${weight.toFixed(1)}.`;
}
