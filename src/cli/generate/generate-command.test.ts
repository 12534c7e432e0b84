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

  it('writes the population as bundles, CSV extracts and ADT feeds, and says what it wrote', async () => {
    const code = await runGenerateCommand(['--people', '40', '--seed', '42', '--out', outDir, '--heavy', '1']);
    expect(code).toBe(0);
    expect(await readdir(join(outDir, 'bundles'))).toHaveLength(41);
    const councils = await readdir(join(outDir, 'csv'));
    expect(councils.length).toBeGreaterThan(0);
    expect(await readdir(join(outDir, 'csv', councils[0]!))).toContain('manifest.json');
    expect((await readdir(join(outDir, 'hl7'))).every((f) => /^epr-[a-z0-9]+\.hl7$/.test(f))).toBe(true);
    const printed = stdout.join('');
    expect(printed).toMatch(/^Generated 40 people \(seed 42\) in .+\n {2}bundles\/ {2}41 FHIR transaction Bundles, \d+ resources\n/);
    expect(printed).toMatch(new RegExp(`csv/ {6}${councils.length} council extracts, \\d+ files, \\d+ rows \\(\\d+ bad on purpose\\)`));
    expect(printed).toMatch(/hl7\/ {6}\d+ hospital ADT feeds, \d+ messages/);
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
