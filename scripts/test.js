#!/usr/bin/env node
// `npm test`: type-check, check module dependency direction, then run the whole suite on the
// embedded database (PGlite) and, when TEST_DATABASE_URL is set, again on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function step(title, command, args, env = {}) {
  process.stdout.write(`\n=== ${title} ===\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) ok = false;
  return result.status === 0;
}

function runSuite(title, env) {
  const out = join(mkdtempSync(join(tmpdir(), 'sharedcare-vitest-')), 'results.json');
  step(title, bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...process.argv.slice(2)], env);
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    ok = false;
    totals.failed += 1;
  }
}

step('type-check', bin('tsc'), ['--noEmit']);
step('type-check the viewer', bin('tsc'), ['-p', 'web']);
step('build the viewer', process.execPath, [join('scripts', 'build-web.js')]);
step('module dependency rules', bin('depcruise'), ['src', 'web/src', '--config', '.dependency-cruiser.cjs']);
const { TEST_DATABASE_URL, ...withoutPg } = process.env;
runSuite('tests on PGlite (embedded)', { ...withoutPg, TEST_DATABASE_URL: '' });
if (TEST_DATABASE_URL) runSuite(`tests on PostgreSQL`, { TEST_DATABASE_URL });
else process.stdout.write('\n(TEST_DATABASE_URL is not set: skipping the PostgreSQL run; .ci/run sets it)\n');

process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
