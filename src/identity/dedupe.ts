// Batch de-duplication of a whole population in memory: block, score every candidate pair, link the
// pairs above the link threshold strongest first under the clustering constraints, and keep the pairs
// in the review band. The back-load path (`sharedcare link`) and the benchmarks run this.
import { BLOCKING_RULES, blockNumbers, forEachCandidatePair } from './blocking.ts';
import { ConstrainedClusters } from './clusters.ts';
import { F } from './comparisons.ts';
import { EncodedRecords } from './encoded-records.ts';
import type { MatchRecord, PairScore } from './match-types.ts';
import type { MatchModel } from './model.ts';
import { PairScorer } from './pair-scorer.ts';

export interface ScoredIndexPair {
  a: number;
  b: number;
  weight: number;
}

export interface DedupeResult {
  /** Per record index: an id shared by every record of its cluster (the index of one of them). */
  clusterOf: Int32Array;
  /** Pairs at or above the link threshold (or linked by NHS number). */
  linkPairs: ScoredIndexPair[];
  /** Pairs to be reviewed by a person whose records did not end up in one cluster. */
  reviewPairs: ScoredIndexPair[];
  pairsCompared: number;
  timingsMs: Record<string, number>;
  /** The full explanation of a pair of record indexes. */
  explain(a: number, b: number): PairScore;
}

export interface DedupeOptions {
  /** Record index pairs a reviewer said are one person: joined first, whatever else says. */
  same?: ReadonlyArray<readonly [number, number]>;
  /** Record index pairs a reviewer said are different people: never in one cluster. */
  different?: ReadonlyArray<readonly [number, number]>;
}

/** Growable parallel arrays of scored pairs (millions of small objects would cost more than the scoring). */
class PairList {
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  w = new Float64Array(1024);
  length = 0;

  push(a: number, b: number, w: number): void {
    if (this.length === this.a.length) {
      const grow = <T extends Int32Array | Float64Array>(x: T): T => {
        const bigger = new (x.constructor as new (n: number) => T)(x.length * 2);
        bigger.set(x);
        return bigger;
      };
      this.a = grow(this.a);
      this.b = grow(this.b);
      this.w = grow(this.w);
    }
    this.a[this.length] = a;
    this.b[this.length] = b;
    this.w[this.length++] = w;
  }

  /** Indexes in descending weight order. */
  strongestFirst(): Uint32Array {
    const order = new Uint32Array(this.length);
    for (let k = 0; k < order.length; k++) order[k] = k;
    return order.sort((x, y) => this.w[y] - this.w[x]);
  }
}

export function dedupe(model: MatchModel, records: readonly MatchRecord[], options: DedupeOptions = {}): DedupeResult {
  const timingsMs: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timingsMs[name] = Math.round(now - mark);
    mark = now;
  };
  const encoded = new EncodedRecords(records);
  const scorer = new PairScorer(encoded, model);
  lap('encode');
  const blocks = blockNumbers(records, BLOCKING_RULES);
  lap('block');
  const links = new PairList();
  const reviews = new PairList();
  const reviewThreshold = model.thresholds.review;
  let pairsCompared = 0;
  forEachCandidatePair(blocks, (i, j) => {
    pairsCompared++;
    const weight = scorer.weight(i, j);
    if (weight < reviewThreshold && scorer.levels[F.nhsNumber] !== 0) return;
    const decision = scorer.decide(i, j, weight);
    if (decision === 'link') links.push(i, j, weight);
    else if (decision === 'review') reviews.push(i, j, weight);
  });
  lap('score');
  const clusters = new ConstrainedClusters(encoded.nhsNumber, options.different);
  for (const [a, b] of options.same ?? []) clusters.union(a, b, true);
  const linkPairs: ScoredIndexPair[] = [];
  const reviewPairs: ScoredIndexPair[] = [];
  for (const k of links.strongestFirst()) {
    const pair = { a: links.a[k], b: links.b[k], weight: links.w[k] };
    // A link refused by the constraints (it would join two NHS numbers, or undo a reviewer) goes to review.
    if (clusters.union(pair.a, pair.b)) linkPairs.push(pair);
    else if (clusters.conflict(pair.a, pair.b) === 'nhs-number-conflict') reviewPairs.push(pair);
  }
  for (let k = 0; k < reviews.length; k++) {
    const a = reviews.a[k];
    const b = reviews.b[k];
    if (clusters.find(a) !== clusters.find(b) && clusters.conflict(a, b) !== 'different-rule') reviewPairs.push({ a, b, weight: reviews.w[k] });
  }
  const clusterOf = clusters.roots();
  lap('cluster');
  return { clusterOf, linkPairs, reviewPairs, pairsCompared, timingsMs, explain: (a, b) => scorer.explain(a, b) };
}
