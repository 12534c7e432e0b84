// Accuracy of a de-duplication against known truth, counted over pairs of records as the linkage
// literature does: every pair in one predicted cluster is a predicted link, every pair in one true
// cluster a true link. Counted from cluster sizes in O(n), never by listing pairs.

export interface PairwiseMetrics {
  records: number;
  /** Pairs of records in the same true cluster. */
  truePairs: number;
  /** Pairs of records in the same predicted cluster. */
  predictedPairs: number;
  /** Pairs in the same true and the same predicted cluster. */
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** truePositives / predictedPairs; 1 when nothing was linked (no link claimed, none wrong). */
  precision: number;
  /** truePositives / truePairs; 1 when there is nothing to find. */
  recall: number;
  /** Harmonic mean of precision and recall; 0 when both are 0. */
  f1: number;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

/** Cluster sizes keyed by cluster id. */
function sizes(ids: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) out.set(ids[i]!, (out.get(ids[i]!) ?? 0) + 1);
  return out;
}

function pairsWithin(counts: Map<number, number>): number {
  let total = 0;
  for (const n of counts.values()) total += pairs(n);
  return total;
}

/**
 * Pairwise precision, recall and F1 of `predicted` cluster ids against `truth` cluster ids (one of each per
 * record). True positives are the pairs inside each cell of the (truth, predicted) contingency table.
 */
export function pairwiseMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>): PairwiseMetrics {
  if (truth.length !== predicted.length) throw new Error(`truth has ${truth.length} records, predicted ${predicted.length}`);
  const predictedSizes = sizes(predicted);
  // Dense ids for predicted clusters, so a (truth, predicted) cell fits one safe integer key.
  const dense = new Map<number, number>();
  for (const id of predictedSizes.keys()) dense.set(id, dense.size);
  const cells = new Map<number, number>();
  const width = dense.size;
  for (let i = 0; i < truth.length; i++) {
    const key = truth[i]! * width + dense.get(predicted[i]!)!;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const truePairs = pairsWithin(sizes(truth));
  const predictedPairs = pairsWithin(predictedSizes);
  const truePositives = pairsWithin(cells);
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs;
  const recall = truePairs === 0 ? 1 : truePositives / truePairs;
  return {
    records: truth.length,
    truePairs,
    predictedPairs,
    truePositives,
    falsePositives: predictedPairs - truePositives,
    falseNegatives: truePairs - truePositives,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** Share of records that appear in at least one pair sent for clerical review. */
export function reviewShare(records: number, reviewPairs: readonly { a: number; b: number }[]): number {
  if (records === 0) return 0;
  const seen = new Uint8Array(records);
  let count = 0;
  for (const { a, b } of reviewPairs) {
    if (seen[a] === 0) { seen[a] = 1; count++; }
    if (seen[b] === 0) { seen[b] = 1; count++; }
  }
  return count / records;
}
