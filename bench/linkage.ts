// `npm run bench:linkage`: accuracy and speed of person matching (issue 4) on generated populations with
// known truth and on Splink's fake_1000; each dataset in its own Node process; writes bench/results/.
//   --records N   records of a generated population (repeatable; default 100000 and 1000000)
//   --seed S      generator and training seed (default 1)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FAKE_1000_PATH } from './linkage/fake-1000.ts';
import {
  checkTargets, formatBreakdown, formatLinkageTable, formatTargets, LINKAGE_METHOD, LINKAGE_TARGETS, type DatasetResult,
} from './linkage/linkage-report.ts';
import { runFake1000, runGenerated } from './linkage/run-dataset.ts';
import { gitState, machineInfo, packageVersion, RESULTS_DIR, writeResultFile } from './report.ts';

const { values } = parseArgs({
  options: {
    records: { type: 'string', multiple: true },
    seed: { type: 'string', default: '1' },
    child: { type: 'string' },
    out: { type: 'string' },
  },
  strict: true,
});

const seed = Number(values.seed);
if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');
const sizes = (values.records ?? ['100000', '1000000']).map(Number);
if (!sizes.every((n) => Number.isSafeInteger(n) && n >= 10)) throw new Error('--records must be a whole number ≥ 10');

function child(dataset: string, out: string): void {
  const result = dataset === 'fake_1000' ? runFake1000(seed) : runGenerated(Number(dataset), seed);
  writeFileSync(out, JSON.stringify(result ?? null));
}

/** Runs one dataset in a fresh process (with this process's flags, so the heap limit carries over). */
function runChild(dataset: string): DatasetResult | undefined {
  const out = join(RESULTS_DIR, `.linkage-${process.pid}-${dataset}.tmp.json`);
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', dataset, '--out', out, '--seed', String(seed)];
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`The linkage run on ${dataset} failed (exit ${run.status ?? run.signal})`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as DatasetResult | null;
  rmSync(out, { force: true });
  return result ?? undefined;
}

function parent(): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const startedAt = new Date();
  const machine = machineInfo();
  const results: DatasetResult[] = [];
  const skipped: string[] = [];
  for (const dataset of ['fake_1000', ...sizes.map(String)]) {
    process.stdout.write(`linkage: ${dataset === 'fake_1000' ? 'fake_1000' : `generated population of ${Number(dataset).toLocaleString('en-GB')} records`}\n`);
    const result = runChild(dataset);
    if (result) results.push(result);
    else {
      skipped.push(`fake_1000: ${FAKE_1000_PATH} not found`);
      process.stdout.write(`  skipped: ${FAKE_1000_PATH} not found (it sits beside the repository in ../shared/testdata/linkage/)\n`);
    }
  }
  const targets = checkTargets(results);
  const file = `linkage-${startedAt.toISOString().slice(0, 19).replace(/:/g, '-')}.json`;
  writeResultFile(file, {
    benchmark: 'sharedcare-linkage',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine,
    versions: { node: process.version, sharedcare: packageVersion('sharedcare'), execArgv: process.execArgv, git: gitState() },
    config: { seed, records: sizes },
    method: LINKAGE_METHOD,
    targets: LINKAGE_TARGETS,
    targetsMet: targets,
    skipped,
    datasets: results,
  });
  const breakdowns = results.map(formatBreakdown).filter(Boolean);
  process.stdout.write(`\n${formatLinkageTable(results)}\n\n${breakdowns.join('\n\n')}\n\nTargets (issue 4):\n${formatTargets(targets)}\n\n`
    + `Full results: bench/results/${file}\n`);
}

if (values.child) child(values.child, values.out!);
else parent();
