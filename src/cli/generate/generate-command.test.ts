// `sharedcare generate` parses its flags, refuses bad ones with exit code 2, and writes the bundles.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runGenerateCommand } from './generate-command.ts';

describe('runGenerateCommand', () => {
  let stdout: string[];
  let stderr: string[];
  let outDir: string;

  beforeEach(async () => {
    stdout = [];
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    outDir = await mkdtemp(join(tmpdir(), 'sharedcare-generate-command-'));
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(outDir, { recursive: true, force: true });
  });

  it('writes the population and prints a one-line summary', async () => {
    const code = await runGenerateCommand(['--people', '5', '--seed', '42', '--out', outDir, '--heavy', '1']);
    expect(code).toBe(0);
    expect(await readdir(join(outDir, 'bundles'))).toHaveLength(6);
    expect(stdout.join('')).toMatch(/^Generated 5 people \(seed 42\): 6 bundles, \d+ resources in .+\n$/);
  });

  it.each([
    [['--seed', '1', '--out', 'x'], '--people is required'],
    [['--people', 'ten', '--seed', '1', '--out', 'x'], '--people must be a whole number'],
    [['--people', '10', '--out', 'x'], '--seed is required'],
    [['--people', '10', '--seed', '1'], '--out is required'],
    [['--people', '10', '--seed', '1', '--out', 'x', '--heavy', '11'], '--heavy must be between 0 and --people'],
    [['--people', '10', '--seed', '1', '--out', 'x', '--colour', 'red'], "Unknown option '--colour'"],
    [['--people', '10', '--seed', '1', '--out', 'x', 'extra'], 'positional'],
  ])('exits 2 on %j', async (args, message) => {
    expect(await runGenerateCommand(args)).toBe(2);
    expect(stderr.join('')).toContain(message);
    expect(stdout).toEqual([]);
  });
});
