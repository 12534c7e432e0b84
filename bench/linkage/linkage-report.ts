// Figures of the person-matching benchmark: what each one means (method text kept with the numbers),
// the targets from issue 4 and whether a run met them, and the table printed at the end of a run.
import type { AgreementPatterns, ErrorBreakdown } from './breakdown.ts';
import type { PairwiseMetrics } from './metrics.ts';

/** From issue 4. */
export const LINKAGE_TARGETS = {
  f1AtHundredThousand: 0.99,
  reviewShareAtHundredThousand: 0.02,
  dedupeSecondsAtOneMillion: 60,
} as const;

export const LINKAGE_METHOD = {
  generate: 'bench/linkage/population.ts: a seeded population (households, twins, juniors; each person seen 1–5 times across four '
    + 'sources) with the corruption rates in bench/README.md, normalised with src/identity/normalise.ts. Timed wall clock, not part of matching.',
  train: 'trainModel(records, { seed }) from src/identity/train.ts on all the dataset\'s records, wall clock.',
  dedupe: 'dedupe(model, records) from src/identity/dedupe.ts, wall clock in one Node process: encode, block, score candidate pairs, '
    + 'cluster. This is the "de-duplicated in" figure; trainPlusDedupe adds training, as a fresh installation would run it.',
  accuracy: 'Pairwise over all pairs of records: a predicted link is any pair in one clusterOf cluster, a true link any pair of one true '
    + 'person. True positives = Σ over cells of the (truth, predicted) contingency table of C(n, 2); predicted pairs = Σ over predicted '
    + 'clusters of C(n, 2); true pairs likewise. precision = TP / predicted pairs, recall = TP / true pairs, F1 their harmonic mean.',
  reviewShare: 'Records that appear in at least one review pair, divided by all records.',
  pairsCompared: 'Candidate pairs the engine scored after blocking (its own count).',
  process: 'Each dataset runs in its own Node process (fresh heap and JIT); memory is the process resident set size after dedupe.',
} as const;

export interface DatasetResult {
  dataset: string;
  /** `generated` (known truth from the generator) or `fake_1000` (Splink's labelled set). */
  kind: 'generated' | 'fake_1000';
  records: number;
  trueClusters: number;
  seed?: number;
  seconds: { generate?: number; load?: number; train: number; dedupe: number; trainPlusDedupe: number };
  pairsCompared: number;
  linkPairs: number;
  reviewPairs: number;
  predictedClusters: number;
  accuracy: PairwiseMetrics;
  reviewShare: number;
  engineTimingsMs: Record<string, number>;
  model: { prior: number; thresholds: { link: number; review: number } };
  memoryMiB: { rssAfterDedupe: number; heapUsedAfterDedupe: number };
  loadAverage1m: { atStart: number; atEnd: number };
  population?: Record<string, number>;
  errors?: ErrorBreakdown;
  agreement?: AgreementPatterns;
}

export interface TargetCheck { target: string; measured: string; met: boolean | undefined }

/** Whether the run met each target; undefined when the run had no dataset of that size. */
export function checkTargets(results: readonly DatasetResult[]): TargetCheck[] {
  const at = (n: number) => results.find((r) => r.kind === 'generated' && r.records === n);
  const hundred = at(100_000);
  const million = at(1_000_000);
  return [
    {
      target: `F1 ≥ ${LINKAGE_TARGETS.f1AtHundredThousand} at 100,000 records`,
      measured: hundred ? hundred.accuracy.f1.toFixed(4) : 'not run',
      met: hundred ? hundred.accuracy.f1 >= LINKAGE_TARGETS.f1AtHundredThousand : undefined,
    },
    {
      target: `review share ≤ ${LINKAGE_TARGETS.reviewShareAtHundredThousand * 100}% at 100,000 records`,
      measured: hundred ? pct(hundred.reviewShare) : 'not run',
      met: hundred ? hundred.reviewShare <= LINKAGE_TARGETS.reviewShareAtHundredThousand : undefined,
    },
    {
      target: `1,000,000 records de-duplicated in ≤ ${LINKAGE_TARGETS.dedupeSecondsAtOneMillion} s`,
      measured: million ? `${million.seconds.dedupe.toFixed(1)} s (with training ${million.seconds.trainPlusDedupe.toFixed(1)} s)` : 'not run',
      met: million ? million.seconds.dedupe <= LINKAGE_TARGETS.dedupeSecondsAtOneMillion : undefined,
    },
  ];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const int = (n: number) => n.toLocaleString('en-GB');
const sec = (n: number | undefined) => (n === undefined ? '' : n.toFixed(2));

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The headline table: one column per dataset. */
export function formatLinkageTable(results: readonly DatasetResult[]): string {
  const each = (f: (r: DatasetResult) => string) => results.map(f);
  const stages = [...new Set(results.flatMap((r) => Object.keys(r.engineTimingsMs)))];
  const rows: string[][] = [
    ['measure', ...each((r) => r.dataset)],
    ['records', ...each((r) => int(r.records))],
    ['true people', ...each((r) => int(r.trueClusters))],
    ['generate / load (s)', ...each((r) => sec(r.seconds.generate ?? r.seconds.load))],
    ['train (s)', ...each((r) => sec(r.seconds.train))],
    ['dedupe (s)', ...each((r) => sec(r.seconds.dedupe))],
    ...stages.map((s) => [`  ${s} (s)`, ...each((r) => sec(r.engineTimingsMs[s] === undefined ? undefined : r.engineTimingsMs[s]! / 1000))]),
    ['train + dedupe (s)', ...each((r) => sec(r.seconds.trainPlusDedupe))],
    ['pairs compared', ...each((r) => int(r.pairsCompared))],
    ['link pairs / review pairs', ...each((r) => `${int(r.linkPairs)} / ${int(r.reviewPairs)}`)],
    ['precision', ...each((r) => r.accuracy.precision.toFixed(4))],
    ['recall', ...each((r) => r.accuracy.recall.toFixed(4))],
    ['F1', ...each((r) => r.accuracy.f1.toFixed(4))],
    ['review share', ...each((r) => pct(r.reviewShare))],
    ['false / missed pairs', ...each((r) => `${int(r.accuracy.falsePositives)} / ${int(r.accuracy.falseNegatives)}`)],
    ['RSS after dedupe (MiB)', ...each((r) => int(r.memoryMiB.rssAfterDedupe))],
  ];
  return table(rows);
}

function formatAgreement(result: DatasetResult): string {
  const a = result.agreement;
  if (!a) return '';
  const rows = (list: { pattern: string; pairs: number }[]) => list.slice(0, 6).map((p) => [p.pattern, int(p.pairs)]);
  return [
    `${result.dataset}: the commonest field agreement of missed pairs, then of false pairs (= agree, ≠ differ, ∅ missing)`,
    table([['missed pair fields', 'pairs'], ...rows(a.missed)]),
    a.falsePairs.length > 0 ? table([['false pair fields', 'pairs'], ...rows(a.falsePairs)]) : '(no false pairs)',
  ].join('\n');
}

/** Where each dataset went wrong, for the reader of the console. */
export function formatBreakdown(result: DatasetResult): string {
  const e = result.errors;
  if (!e) return formatAgreement(result);
  const missed = e.missed.byTag.filter((t) => t.missed > 0).slice(0, 12)
    .map((t) => [t.tag, int(t.pairs), int(t.missed), pct(t.missRate), int(t.missedAlone)]);
  const kinds = Object.keys(e.falseLinks.direct) as (keyof typeof e.falseLinks.direct)[];
  const falseRows = kinds.filter((k) => e.falseLinks.direct[k] > 0 || e.falseLinks.inClusters[k] > 0)
    .map((k) => [k, int(e.falseLinks.direct[k]), int(e.falseLinks.inClusters[k])]);
  return [
    `${result.dataset}: missed pairs ${int(e.missed.total)}, by what the two records carried`,
    table([['tag', 'true pairs', 'missed', 'miss rate', 'missed alone'], ...missed]),
    '',
    `${result.dataset}: false links (direct link pairs ${int(e.falseLinks.directTotal)}; false pairs in clusters too large to list: `
      + `${int(e.falseLinks.inLargeClusters)}; largest cluster ${int(e.falseLinks.largestCluster)})`,
    falseRows.length > 0 ? table([['relation', 'link pairs', 'pairs in clusters'], ...falseRows]) : '(none)',
    `twin pairs linked: ${e.twins.linked} of ${e.twins.pairs}; clusters with two NHS numbers: ${e.clustersWithConflictingNhsNumbers}; `
      + `review pairs: ${int(e.review.pairs)} (${int(e.review.samePerson)} same person, ${int(e.review.differentPeople)} different)`,
    '',
    formatAgreement(result),
  ].join('\n');
}

export function formatTargets(checks: readonly TargetCheck[]): string {
  return checks.map((c) => `${c.met === undefined ? '–' : c.met ? '✓ met    ' : '✗ missed '} ${c.target}: ${c.measured}`).join('\n');
}
