// Matching accuracy as a regression test: a small generated population with known truth (the
// benchmark's generator, bench/linkage/population.ts) must still de-duplicate well. The full figures
// at 100,000 and 1,000,000 records come from `npm run bench:linkage`.
import { beforeAll, describe, expect, it } from 'vitest';
import { dedupe, type DedupeResult } from '../../src/identity/dedupe.ts';
import { trainModel } from '../../src/identity/train.ts';
import { pairwiseMetrics, reviewShare } from '../../bench/linkage/metrics.ts';
import { generatePopulation } from '../../bench/linkage/population.ts';

const RECORDS = 5_000;
/** Floors for this size (the targets are F1 ≥ 0.99 and ≤ 2% review at 100,000 records). */
const MIN_F1 = 0.98;
const MAX_REVIEW_SHARE = 0.03;

describe('person matching on a generated population of 5,000 records', () => {
  const population = generatePopulation({ records: RECORDS, seed: 11 });
  const { records, truth, people } = population;
  let result: DedupeResult;

  beforeAll(() => {
    result = dedupe(trainModel(records, { seed: 11 }), records);
  }, 20_000);

  it('gives every record a cluster', () => {
    expect(result.clusterOf).toHaveLength(RECORDS);
  });

  it(`reaches pairwise F1 ≥ ${MIN_F1}`, () => {
    const m = pairwiseMetrics(truth, result.clusterOf);
    expect(m.f1, `precision ${m.precision.toFixed(4)}, recall ${m.recall.toFixed(4)}`).toBeGreaterThanOrEqual(MIN_F1);
  });

  it(`sends at most ${MAX_REVIEW_SHARE * 100}% of records to review`, () => {
    expect(reviewShare(RECORDS, result.reviewPairs)).toBeLessThanOrEqual(MAX_REVIEW_SHARE);
  });

  it('never puts twins in one cluster', () => {
    const clustersOf = new Map<number, Set<number>>();
    records.forEach((_, i) => {
      const p = truth[i]!;
      if (people.twinOf[p]! < 0) return;
      if (!clustersOf.has(p)) clustersOf.set(p, new Set());
      clustersOf.get(p)!.add(result.clusterOf[i]!);
    });
    const linked: string[] = [];
    for (const [p, clusters] of clustersOf) {
      const q = people.twinOf[p]!;
      if (p < q && [...clusters].some((c) => clustersOf.get(q)?.has(c))) linked.push(`${people.given[p]}/${people.given[q]} ${people.family[p]}`);
    }
    expect(clustersOf.size).toBeGreaterThan(20);
    expect(linked).toEqual([]);
  });

  it('never puts two different NHS numbers in one cluster', () => {
    const numberOf = new Map<number, string>();
    const conflicts: string[] = [];
    records.forEach((r, i) => {
      if (!r.nhsNumber) return;
      const seen = numberOf.get(result.clusterOf[i]!);
      if (seen === undefined) numberOf.set(result.clusterOf[i]!, r.nhsNumber);
      else if (seen !== r.nhsNumber) conflicts.push(`${seen} / ${r.nhsNumber}`);
    });
    expect(conflicts).toEqual([]);
  });
});
