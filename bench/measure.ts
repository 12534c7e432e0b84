// Timing primitives for the benchmark: latency percentiles over sequential calls, throughput over
// N concurrent clients, and a seeded random source so every run picks the same sample.

export interface LatencyStats {
  iterations: number;
  warmup: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export interface ThroughputStats {
  clients: number;
  items: number;
  resources: number;
  seconds: number;
  resourcesPerSecond: number;
  /** Latency of one item (one Bundle) as each client saw it. */
  itemLatency: Omit<LatencyStats, 'warmup'>;
  /** CPU time this Node process used per 1,000 resources (user + system). */
  nodeCpuMsPer1000: number;
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export function summarize(samples: readonly number[], warmup: number): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    iterations: sorted.length,
    warmup,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(mean),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

export interface SequentialOptions {
  iterations: number;
  warmup: number;
  /** Stop early once this much timed work is done (slow cases), but never below `minIterations`. */
  maxSeconds?: number;
  minIterations?: number;
}

/** Calls `fn(i)` `warmup` times untimed, then up to `iterations` times one after another, timing each. */
export async function timeSequential(fn: (i: number) => Promise<unknown>, options: SequentialOptions): Promise<LatencyStats> {
  for (let i = 0; i < options.warmup; i++) await fn(i);
  const samples: number[] = [];
  const budgetMs = (options.maxSeconds ?? Infinity) * 1000;
  const floor = options.minIterations ?? 100;
  let spent = 0;
  for (let i = 0; i < options.iterations && (spent < budgetMs || i < floor); i++) {
    const started = performance.now();
    await fn(options.warmup + i);
    const elapsed = performance.now() - started;
    samples.push(elapsed);
    spent += elapsed;
  }
  return summarize(samples, options.warmup);
}

/** Runs `fn` over `items` from `clients` workers that each take the next item when free. */
export async function runClients<T>(
  items: readonly T[],
  clients: number,
  resourcesOf: (item: T) => number,
  fn: (item: T) => Promise<void>,
): Promise<ThroughputStats> {
  let next = 0;
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      const t = performance.now();
      await fn(item);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const resources = items.reduce((s, item) => s + resourcesOf(item), 0);
  const { warmup: _w, ...itemLatency } = summarize(latencies, 0);
  return {
    clients,
    items: items.length,
    resources,
    seconds: Math.round(seconds * 100) / 100,
    resourcesPerSecond: Math.round(resources / seconds),
    itemLatency,
    nodeCpuMsPer1000: Math.round(((cpu.user + cpu.system) / 1000 / resources) * 1000),
  };
}

/** Seeded, so runs pick the same ids. */
export { seededRandom } from '../src/identity/seeded-random.ts';

export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}
