// The linkage benchmark's accuracy figures, checked by hand on small cases and against brute-force
// pair counting on random ones, so the headline F1 means what the README says it means.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairwiseMetrics, reviewShare } from '../../bench/linkage/metrics.ts';

describe('pairwiseMetrics', () => {
  it('scores a perfect clustering 1 whatever the cluster ids are', () => {
    const m = pairwiseMetrics([0, 0, 1, 1], [5, 5, -6, -6]);
    expect(m).toMatchObject({ truePairs: 2, predictedPairs: 2, truePositives: 2, falsePositives: 0, falseNegatives: 0 });
    expect([m.precision, m.recall, m.f1]).toEqual([1, 1, 1]);
  });

  it('counts the pairs of each contingency cell', () => {
    // Truth {0,1,2} {3}; predicted {0,1} {2,3}: 3 true pairs, 2 predicted, 1 in common.
    const m = pairwiseMetrics([0, 0, 0, 1], [0, 0, 1, 1]);
    expect(m).toMatchObject({ truePairs: 3, predictedPairs: 2, truePositives: 1, falsePositives: 1, falseNegatives: 2 });
    expect(m.precision).toBe(0.5);
    expect(m.recall).toBeCloseTo(1 / 3, 12);
    expect(m.f1).toBeCloseTo(0.4, 12);
  });

  it('counts a chain-merged cluster as every pair inside it', () => {
    // Truth {0,1} {2,3} {4}; predicted all five together: 10 predicted pairs, 2 of them true.
    const m = pairwiseMetrics([7, 7, 8, 8, 9], [1, 1, 1, 1, 1]);
    expect(m).toMatchObject({ truePairs: 2, predictedPairs: 10, truePositives: 2, falsePositives: 8, falseNegatives: 0 });
    expect(m.precision).toBe(0.2);
    expect(m.recall).toBe(1);
    expect(m.f1).toBeCloseTo(2 * 0.2 / 1.2, 12);
  });

  it('gives 1, 1, 1 when all records are singletons in both (nothing to find, nothing claimed)', () => {
    const m = pairwiseMetrics([0, 1, 2], [9, 8, 7]);
    expect(m).toMatchObject({ truePairs: 0, predictedPairs: 0, truePositives: 0, precision: 1, recall: 1, f1: 1 });
  });

  it('gives precision 0 and F1 0 when everything is linked but nothing should be', () => {
    const m = pairwiseMetrics([0, 1, 2, 3], [0, 0, 0, 0]);
    expect(m).toMatchObject({ truePairs: 0, predictedPairs: 6, falsePositives: 6, precision: 0, recall: 1, f1: 0 });
  });

  it('gives recall 0 and F1 0 when nothing is linked but everything should be', () => {
    const m = pairwiseMetrics([3, 3, 3], [0, 1, 2]);
    expect(m).toMatchObject({ truePairs: 3, predictedPairs: 0, falseNegatives: 3, precision: 1, recall: 0, f1: 0 });
  });

  it('handles no records at all', () => {
    expect(pairwiseMetrics([], [])).toMatchObject({ records: 0, truePairs: 0, predictedPairs: 0, f1: 1 });
  });

  it('refuses truth and predictions of different lengths', () => {
    expect(() => pairwiseMetrics([0, 1], [0])).toThrow(/2 records, predicted 1/);
  });

  it('agrees with counting every pair by brute force', () => {
    const ids = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 40 });
    fc.assert(fc.property(ids, ids, (a, b) => {
      const n = Math.min(a.length, b.length);
      const truth = a.slice(0, n);
      const predicted = b.slice(0, n);
      let tp = 0;
      let tPairs = 0;
      let pPairs = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const t = truth[i] === truth[j];
          const p = predicted[i] === predicted[j];
          if (t) tPairs++;
          if (p) pPairs++;
          if (t && p) tp++;
        }
      }
      const m = pairwiseMetrics(truth, predicted);
      return m.truePositives === tp && m.truePairs === tPairs && m.predictedPairs === pPairs;
    }));
  });

  it('works on typed arrays', () => {
    const m = pairwiseMetrics(Int32Array.from([0, 0, 1]), Int32Array.from([4, 4, 4]));
    expect(m).toMatchObject({ truePairs: 1, predictedPairs: 3, truePositives: 1 });
  });
});

describe('reviewShare', () => {
  it('counts each record once however many review pairs it is in', () => {
    expect(reviewShare(10, [{ a: 0, b: 1 }, { a: 1, b: 2 }, { a: 0, b: 2 }])).toBe(0.3);
  });

  it('is 0 with no review pairs or no records', () => {
    expect(reviewShare(5, [])).toBe(0);
    expect(reviewShare(0, [])).toBe(0);
  });
});
