// Estimates a matching model from the installation's own records, as Splink does: u from random pairs
// (almost all non-matches), m by Expectation–Maximisation on pairs blocked by one rule at a time
// (never learning the fields the rule fixed; pairs with NHS numbers on both sides count as labelled),
// the prior from the EM estimates, and term frequencies.
// See: ../shared/reference/linkage.md §1.1 (training rationale)
import { FIELD_COUNT, FIELDS, NULL_LEVEL, Comparator, F } from './comparisons.ts';
import { EncodedRecords } from './encoded-records.ts';
import type { MatchRecord } from './match-types.ts';
import { defaultModel, type MatchModel, type TermFrequencies } from './model.ts';
import { blockNumbers, type BlockingRule } from './blocking.ts';
import { seededRandom } from './seeded-random.ts';

export interface TrainOptions {
  seed?: number;
  /** Random pairs drawn to estimate u. */
  uPairs?: number;
  /** Most blocked pairs used by EM per training rule. */
  emPairs?: number;
  iterations?: number;
  thresholds?: MatchModel['thresholds'];
}

/** How sure a pair with the same (or different) valid NHS number is a match (or not): numbers are sometimes mistyped. */
const ANCHORED_MATCH = 0.998;

/** Pairs sharing an NHS number needed before their estimates are preferred. */
const MIN_LABELLED_PAIRS = 500;

/** Smallest probability any level is given, so an unseen level never weighs infinitely. */
const FLOOR = 1e-9;

/**
 * Address fields, which households share: twins share a birth date and an address, a father and son
 * a name and an address. Where a rule blocks such pairs together, EM would take them for matches if
 * it also saw the address, so the birth-date and name rules leave address out and the NHS number
 * rule (pairs that are as good as labelled) learns it.
 */
const HOUSEHOLD = [F.postcode, F.town];

/**
 * Training rules and the fields each one fixes or leaves out (EM learns every other field's m from
 * its pairs). Not postcode: people sharing an address share surnames too.
 */
const TRAINING_RULES: readonly (BlockingRule & { fixes: readonly number[] })[] = [
  { name: 'birth-date', key: (r) => r.birthDate, fixes: [F.birthDate, ...HOUSEHOLD] },
  { name: 'names', key: (r) => (r.given && r.family ? `${r.given}|${r.family}` : undefined), fixes: [F.name, ...HOUSEHOLD] },
  { name: 'nhs-number', key: (r) => r.nhsNumber, fixes: [F.nhsNumber] },
];

/** Learns a model from the records (at least a few hundred for stable estimates). */
export function trainModel(records: readonly MatchRecord[], options: TrainOptions = {}): MatchModel {
  const random = seededRandom(options.seed ?? 1);
  const encoded = new EncodedRecords(records);
  const comparator = new Comparator(encoded);
  const model = defaultModel();
  if (options.thresholds) model.thresholds = { ...options.thresholds };
  model.trainedOn = records.length;
  model.trainedAt = new Date().toISOString();
  model.termFrequencies = {
    given: termFrequencies(records.map((r) => r.given)),
    family: termFrequencies(records.map((r) => r.family)),
    postcode: termFrequencies(records.map((r) => r.postcode)),
  };
  if (records.length < 2) return model;
  const u = estimateU(encoded, comparator, random, options.uPairs ?? 1_000_000);
  const m = FIELDS.map(({ field }) => model.fields[field].map((l) => l.m));
  const estimates: { name: string; m: number[][]; fixes: readonly number[]; share: number; pairs: number }[] = [];
  for (const rule of TRAINING_RULES) {
    const sample = blockedSample(records, rule, comparator, random, options.emPairs ?? 1_000_000);
    if (sample.total === 0) continue;
    const result = expectationMaximisation(sample.patterns, sample.total, m, u, rule.fixes, options.iterations ?? 30);
    estimates.push({ name: rule.name, m: result.m, fixes: rule.fixes, share: result.share, pairs: sample.blockedPairs });
  }
  // Enough pairs sharing an NHS number are as good as a labelled sample, and unlike the other rules'
  // blocks they hold no households: prefer what EM learnt there.
  const labelled = estimates.find((e) => e.name === 'nhs-number' && e.pairs >= MIN_LABELLED_PAIRS);
  for (let f = 0; f < FIELD_COUNT; f++) {
    const all = estimates.filter((e) => !e.fixes.includes(f));
    const learnt = labelled && !labelled.fixes.includes(f) ? [labelled] : all;
    const levels = FIELDS[f].levels.length;
    for (let l = 0; l < levels; l++) {
      const mean = learnt.length > 0 ? learnt.reduce((s, e) => s + e.m[f][l], 0) / learnt.length : m[f][l];
      model.fields[FIELDS[f].field][l] = { level: FIELDS[f].levels[l], m: Math.max(mean, FLOOR), u: Math.max(u[f][l], FLOOR) };
    }
  }
  model.prior = estimatePrior(records.length, estimates, model);
  model.householdPostcodeU = householdPostcodeU(records, random) ?? model.householdPostcodeU;
  return model;
}

/**
 * How often two different people who share a surname share a full postcode: measured on pairs whose
 * different NHS numbers prove them different people. Undefined when there are too few such pairs.
 */
function householdPostcodeU(records: readonly MatchRecord[], random: () => number, limit = 200_000): number | undefined {
  const bySurname = new Map<string, number[]>();
  records.forEach((r, i) => {
    if (!r.family || !r.nhsNumber || !r.postcode) return;
    const group = bySurname.get(r.family);
    if (group) group.push(i);
    else bySurname.set(r.family, [i]);
  });
  let pairs = 0;
  let shared = 0;
  for (const group of bySurname.values()) {
    if (group.length < 2) continue;
    // Big surname groups are sampled so common names do not dominate the count.
    const tries = Math.min((group.length * (group.length - 1)) / 2, 50);
    for (let t = 0; t < tries && pairs < limit; t++) {
      const a = records[group[Math.floor(random() * group.length)]!]!;
      const b = records[group[Math.floor(random() * group.length)]!]!;
      if (a === b || a.nhsNumber === b.nhsNumber) continue;
      pairs++;
      if (a.postcode === b.postcode) shared++;
    }
  }
  return pairs >= 200 ? Math.max((shared + 0.5) / (pairs + 1), FLOOR) : undefined;
}

function termFrequencies(values: readonly (string | undefined)[]): TermFrequencies {
  const counts = new Map<string, number>();
  let total = 0;
  for (const value of values) {
    if (value === undefined) continue;
    counts.set(value, (counts.get(value) ?? 0) + 1);
    total++;
  }
  const shares: Record<string, number> = {};
  let agreement = 0;
  for (const [value, count] of counts) {
    const share = count / total;
    agreement += share * share;
    if (count >= 2) shares[value] = share;
  }
  return { agreement, shares };
}

function estimateU(encoded: EncodedRecords, comparator: Comparator, random: () => number, pairs: number): number[][] {
  const n = encoded.size;
  const counts = FIELDS.map((f) => new Float64Array(f.levels.length));
  const levels = new Int8Array(FIELD_COUNT);
  const wanted = Math.min(pairs, (n * (n - 1)) / 2);
  for (let s = 0; s < wanted; s++) {
    const i = Math.floor(random() * n);
    let j = Math.floor(random() * (n - 1));
    if (j >= i) j++;
    comparator.compare(i, j, levels);
    for (let f = 0; f < FIELD_COUNT; f++) if (levels[f] !== NULL_LEVEL) counts[f][levels[f]]++;
  }
  return counts.map((c) => {
    const total = c.reduce((a, b) => a + b, 0);
    // Add-half smoothing: a level never seen among random pairs is rare, not impossible.
    return Array.from(c, (x) => (x + 0.5) / (total + 0.5 * c.length));
  });
}

interface PatternSample {
  /** Level vector (as a number, one decimal digit per field, level + 1) → how many pairs had it. */
  patterns: Map<number, number>;
  total: number;
  /** All pairs the rule blocks together, sampled or not (for the prior). */
  blockedPairs: number;
}

function blockedSample(
  records: readonly MatchRecord[],
  rule: BlockingRule,
  comparator: Comparator,
  random: () => number,
  limit: number,
): PatternSample {
  const [blocks] = blockNumbers(records, [rule]);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i] < 0) continue;
    const group = groups.get(blocks[i]);
    if (group) group.push(i);
    else groups.set(blocks[i], [i]);
  }
  let blockedPairs = 0;
  const usable = [...groups.values()].filter((g) => g.length >= 2);
  for (const g of usable) blockedPairs += (g.length * (g.length - 1)) / 2;
  // Sample blocks, not pairs, so EM sees whole blocks at the same rate.
  const keep = Math.min(1, limit / Math.max(1, blockedPairs));
  const patterns = new Map<number, number>();
  const levels = new Int8Array(FIELD_COUNT);
  let total = 0;
  for (const group of usable) {
    if (keep < 1 && random() >= keep) continue;
    for (let x = 0; x < group.length; x++) {
      for (let y = x + 1; y < group.length; y++) {
        comparator.compare(group[x], group[y], levels);
        let key = 0;
        for (let f = 0; f < FIELD_COUNT; f++) key = key * 10 + levels[f] + 1;
        patterns.set(key, (patterns.get(key) ?? 0) + 1);
        total++;
      }
    }
  }
  return { patterns, total, blockedPairs };
}

function decodePattern(key: number): Int8Array {
  const levels = new Int8Array(FIELD_COUNT);
  for (let f = FIELD_COUNT - 1; f >= 0; f--) {
    levels[f] = (key % 10) - 1;
    key = Math.floor(key / 10);
  }
  return levels;
}

/** EM over level patterns with u held fixed: learns m for the fields the rule does not fix, and the share of matches. */
function expectationMaximisation(
  patterns: Map<number, number>,
  total: number,
  startM: number[][],
  u: number[][],
  fixes: readonly number[],
  iterations: number,
): { m: number[][]; share: number } {
  const decoded = [...patterns].map(([key, count]) => ({ levels: decodePattern(key), count }));
  const m = startM.map((row) => [...row]);
  let share = 0.5;
  for (let it = 0; it < iterations; it++) {
    const mCounts = FIELDS.map((f) => new Float64Array(f.levels.length));
    let matches = 0;
    for (const { levels, count } of decoded) {
      let pm = share;
      let pu = 1 - share;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const l = levels[f];
        if (l === NULL_LEVEL || fixes.includes(f)) continue;
        pm *= m[f][l];
        pu *= u[f][l];
      }
      // Pairs whose NHS numbers agree or differ are as good as labelled: household members and twins
      // (same surname, address, often birth date) would otherwise teach EM that they are matches.
      const nhs = levels[F.nhsNumber];
      const posterior = nhs === 0 ? ANCHORED_MATCH : nhs === 1 ? 1 - ANCHORED_MATCH : pm / (pm + pu);
      matches += posterior * count;
      for (let f = 0; f < FIELD_COUNT; f++) if (levels[f] !== NULL_LEVEL) mCounts[f][levels[f]] += posterior * count;
    }
    share = Math.min(Math.max(matches / total, 1e-6), 1 - 1e-6);
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (fixes.includes(f)) continue;
      const sum = mCounts[f].reduce((a, b) => a + b, 0);
      if (sum <= 0) continue;
      for (let l = 0; l < m[f].length; l++) m[f][l] = Math.max((mCounts[f][l] + 1e-3) / (sum + 1e-3 * m[f].length), FLOOR);
    }
  }
  return { m, share };
}

/**
 * λ from the date-of-birth rule: its matched pairs (EM share × blocked pairs) are the matches that
 * agree exactly on date of birth, so dividing by m(date of birth exact) counts all matching pairs.
 */
function estimatePrior(n: number, estimates: { fixes: readonly number[]; share: number; pairs: number }[], model: MatchModel): number {
  const allPairs = (n * (n - 1)) / 2;
  const byBirthDate = estimates.find((e) => e.fixes.includes(F.birthDate));
  const mExact = model.fields.birthDate[0].m;
  const matches = byBirthDate ? (byBirthDate.share * byBirthDate.pairs) / mExact : n / 2;
  return Math.min(Math.max(matches / allPairs, 1e-12), 0.5);
}
