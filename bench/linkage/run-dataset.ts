// One dataset of the matching benchmark, measured in the current process: make or load the records,
// train, de-duplicate, then score the result against the truth.
import { loadavg } from 'node:os';
import type { MatchRecord } from '../../src/identity/match-types.ts';
import { dedupe } from '../../src/identity/dedupe.ts';
import { trainModel } from '../../src/identity/train.ts';
import { agreementPatterns, errorBreakdown } from './breakdown.ts';
import { CORRUPTION, CORRUPTION_KINDS } from './corruption.ts';
import { loadFake1000 } from './fake-1000.ts';
import type { DatasetResult } from './linkage-report.ts';
import { pairwiseMetrics, reviewShare } from './metrics.ts';
import { generatePopulation, type Population } from './population.ts';

const seconds = (since: number) => Math.round(performance.now() - since) / 1000;
const load1m = () => Math.round(loadavg()[0]! * 100) / 100;
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

function measure(records: readonly MatchRecord[], truth: Int32Array, seed: number) {
  let started = performance.now();
  const model = trainModel(records, { seed });
  const train = seconds(started);
  started = performance.now();
  const result = dedupe(model, records);
  const dedupeSeconds = seconds(started);
  const memory = process.memoryUsage();
  return {
    model,
    result,
    train,
    dedupe: dedupeSeconds,
    figures: {
      trueClusters: new Set(truth).size,
      pairsCompared: result.pairsCompared,
      linkPairs: result.linkPairs.length,
      reviewPairs: result.reviewPairs.length,
      predictedClusters: new Set(result.clusterOf).size,
      accuracy: pairwiseMetrics(truth, result.clusterOf),
      reviewShare: reviewShare(records.length, result.reviewPairs),
      engineTimingsMs: result.timingsMs,
      model: { prior: model.prior, thresholds: { ...model.thresholds } },
      memoryMiB: { rssAfterDedupe: mib(memory.rss), heapUsedAfterDedupe: mib(memory.heapUsed) },
    },
  };
}

/** What the generated population holds: how many records carry each error, twins, NHS numbers. */
function describePopulation(p: Population): Record<string, number> {
  const n = p.records.length;
  const out: Record<string, number> = { people: p.people.count, recordsPerPerson: Math.round((n / p.people.count) * 1000) / 1000 };
  let withNhs = 0;
  let verified = 0;
  for (const r of p.records) {
    if (r.nhsNumber) withNhs++;
    if (r.nhsVerified) verified++;
  }
  out.shareWithNhsNumber = withNhs / n;
  out.shareVerified = verified / n;
  let twins = 0;
  for (const t of p.people.twinOf) if (t >= 0) twins++;
  out.shareOfPeopleWhoAreTwins = twins / p.people.count;
  for (const kind of CORRUPTION_KINDS) {
    let c = 0;
    for (const f of p.flags) if (f & CORRUPTION[kind]) c++;
    out[`share:${kind}`] = c / n;
  }
  let moved = 0;
  for (const a of p.addressOf) if (a > 0) moved++;
  out['share:afterHouseMove'] = moved / n;
  return out;
}

export function runGenerated(records: number, seed: number): DatasetResult {
  const atStart = load1m();
  const started = performance.now();
  const population = generatePopulation({ records, seed });
  const generate = seconds(started);
  process.stdout.write(`  generated ${records.toLocaleString('en-GB')} records in ${generate} s\n`);
  const m = measure(population.records, population.truth, seed);
  process.stdout.write(`  trained in ${m.train} s, de-duplicated in ${m.dedupe} s; scoring against the truth\n`);
  return {
    dataset: `generated ${records.toLocaleString('en-GB')}`,
    kind: 'generated',
    records,
    seed,
    seconds: { generate, train: m.train, dedupe: m.dedupe, trainPlusDedupe: Math.round((m.train + m.dedupe) * 1000) / 1000 },
    ...m.figures,
    loadAverage1m: { atStart, atEnd: load1m() },
    population: describePopulation(population),
    errors: errorBreakdown(population, m.result),
    agreement: agreementPatterns(population.records, population.truth, m.result.clusterOf),
  };
}

/** Splink's fake_1000, or undefined when the file is not beside the repository. */
export function runFake1000(seed: number): DatasetResult | undefined {
  const atStart = load1m();
  const started = performance.now();
  const data = loadFake1000();
  if (!data) return undefined;
  const load = seconds(started);
  const m = measure(data.records, data.truth, seed);
  return {
    dataset: 'fake_1000',
    kind: 'fake_1000',
    records: data.records.length,
    seconds: { load, train: m.train, dedupe: m.dedupe, trainPlusDedupe: Math.round((m.train + m.dedupe) * 1000) / 1000 },
    ...m.figures,
    loadAverage1m: { atStart, atEnd: load1m() },
    agreement: agreementPatterns(data.records, data.truth, m.result.clusterOf),
  };
}
