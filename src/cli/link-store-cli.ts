// What `sharedcare review` and `sharedcare person` share: a link store in one transaction on the
// configured database, who is deciding, and source records as one line a reviewer can compare.
import { userInfo } from 'node:os';
import { FhirError } from '../fhir/errors.ts';
import { formatNhsNumber } from '../fhir/nhs-number.ts';
import { LinkStore } from '../identity/links/link-store.ts';
import type { MatchRecord } from '../identity/match-types.ts';
import { withCliPlatform } from './cli-platform.ts';

export const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** Writes a usage error; exit status 2. */
export const usage = (text: string): number => {
  process.stderr.write(`${text}\n`);
  return 2;
};

/** Runs `fn` with a link store in one transaction; a refusal (unknown id, already decided) prints and exits 1. */
export async function withLinkStore(dataDir: string | undefined, fn: (links: LinkStore) => Promise<number>): Promise<number> {
  try {
    return await withCliPlatform(dataDir, (platform) => platform.repo.transaction((repo, sql) => fn(new LinkStore(repo, sql))));
  } catch (err) {
    if (!(err instanceof FhirError) || err.category === 'fault') throw err;
    process.stderr.write(`${err.message} (${err.code})\n`);
    return 1;
  }
}

/** Who decides: --by, else the operating-system user. */
export function actorOf(by: string | undefined): string {
  const name = by?.trim();
  if (name) return name;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** A reason given with --reason, trimmed; undefined when missing or blank. */
export function reasonOf(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** One record as a line: SURNAME, Given Middle · DOB · sex · postcode · NHS (✓ verified) · source. */
export function recordLine(record: MatchRecord | undefined): string {
  if (!record) return '(no match features)';
  const name = [record.family ?? '?', [record.given, record.middle].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [
    name, record.birthDate, record.sex, record.postcode,
    record.nhsNumber ? `NHS ${formatNhsNumber(record.nhsNumber)}${record.nhsVerified ? ' ✓' : ''}` : undefined,
    record.source, record.placeholder ? `placeholder: ${record.placeholder}` : undefined,
  ].filter(Boolean).join(' · ');
}

export const fixed = (n: number | undefined, digits = 2): string => (n === undefined ? '' : n.toFixed(digits));

/** Pads each column to its widest cell so a table lines up in a terminal. */
export function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
