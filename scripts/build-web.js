#!/usr/bin/env node
// Builds the viewer (web/ → web/dist) when it is missing or older than its sources, so `npm start`
// and `npm test` always serve the viewer as the code stands. `--force` builds regardless;
// `--out DIR` builds elsewhere (tests and parallel work; serve it with SHAREDCARE_VIEWER_DIR).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const web = resolve(import.meta.dirname, '..', 'web');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? resolve(args[outAt + 1]) : join(web, 'dist');

function newestUnder(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestUnder(join(path, name))));
}

function builtAt() {
  try {
    return statSync(join(out, 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

const sources = Math.max(newestUnder(join(web, 'src')), ...['index.html', 'vite.config.ts'].map((f) => statSync(join(web, f)).mtimeMs));
if (!args.includes('--force') && builtAt() > sources) process.exit(0);
process.stdout.write(`Building the viewer into ${out}…\n`);
const vite = join(web, '..', 'node_modules', '.bin', 'vite');
const result = spawnSync(vite, ['build', web, '--outDir', out, '--logLevel', 'error'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
