// `sharedcare import csv`: imports a council's social-care CSV extract files (or folders of them) with
// a supplier profile, in record-type order, with a progress bar on a terminal, and prints each file's report.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { FhirError } from '../fhir/errors.ts';
import { importCsv, type ImportCsvResult } from '../ingest/csv/import-csv.ts';
import { MISSING_RULES, type MissingRule } from '../ingest/csv/missing-rule.ts';
import { loadProfile, recordTypeForFile, type CsvProfile } from '../ingest/csv/profile.ts';
import { isRecordType, RECORD_TYPES } from '../ingest/social-care/records.ts';
import type { Platform } from '../server/platform.ts';
import { withCliPlatform } from './cli-platform.ts';

export const IMPORT_CSV_HELP = `sharedcare import csv --source S --profile P [options] FILE|DIR…

  Imports council social-care CSV extracts (people, contacts, allocations, cases, events,
  services, plans, flags) as UK Core FHIR resources. Files are taken in record-type order
  (people first), found by the profile's file names or their header. Rows that cannot be
  applied are quarantined with the column at fault ("sharedcare quarantine list"); importing
  the same file again changes nothing. Profiles: docs/ingest/csv.md.

  --source S          the council system the extract came from (e.g. mosaic-hackney)
  --profile P         the CSV profile: generic, mosaic-example, liquidlogic-example, or your own
  --record-type T     the record type of every file (${RECORD_TYPES.join(', ')})
  --full              each file is a full extract: records it no longer holds are handled by --missing
  --missing RULE      end (close them), flag (keep, tagged; the default) or keep (count only)
  --data DIR          data directory of the embedded database (default ./data);
                      DATABASE_URL=postgres://… imports into a PostgreSQL server instead

  Exit status: 0 all applied, 1 some rows quarantined, 2 the import could not run.`;

const LARGE_FILE = 1024 * 1024;

function usage(message: string): number {
  process.stderr.write(`sharedcare import csv: ${message}\n\n${IMPORT_CSV_HELP}\n`);
  return 2;
}

/** Files named (folders expanded to their .csv and .txt files), ordered so records come after those they name. */
export function orderFiles(paths: readonly string[], profile: CsvProfile): string[] {
  const files = paths.flatMap((path) => statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => /\.(csv|txt)$/i.test(f)).sort().map((f) => join(path, f))
    : [path]);
  const rank = (file: string) => {
    const type = recordTypeForFile(profile, file);
    return type ? RECORD_TYPES.indexOf(type) : RECORD_TYPES.length;
  };
  return files.map((file, i) => ({ file, i, rank: rank(file) })).sort((a, b) => a.rank - b.rank || a.i - b.i).map((f) => f.file);
}

async function importOne(platform: Platform, file: string, options: Parameters<typeof importCsv>[2]): Promise<ImportCsvResult> {
  const size = statSync(file).size;
  const bar = process.stderr.isTTY && size >= LARGE_FILE
    ? new cliProgress.SingleBar({ format: '  {bar} {percentage}% · {rows} rows · {eta_formatted} left', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(size, 0, { rows: 0 });
  try {
    return await importCsv(platform.fhir.ingest, file, { ...options, onProgress: (p) => bar?.update(p.bytesRead, { rows: p.rows }) });
  } finally {
    bar?.stop();
  }
}

/** Runs `sharedcare import csv`; `args` are what follows `import csv`. */
export async function runImportCsvCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { source: { type: 'string' }, profile: { type: 'string' }, 'record-type': { type: 'string' }, full: { type: 'boolean' },
        missing: { type: 'string' }, data: { type: 'string' } },
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (!values.source) return usage('--source is required');
  if (!values.profile) return usage('--profile is required');
  if (positionals.length === 0) return usage('name at least one file or folder');
  if (values['record-type'] !== undefined && !isRecordType(values['record-type'])) return usage(`--record-type must be one of ${RECORD_TYPES.join(', ')}`);
  if (values.missing !== undefined && !(MISSING_RULES as readonly string[]).includes(values.missing)) return usage('--missing must be end, flag or keep');
  if (values.missing !== undefined && !values.full) return usage('--missing applies to --full extracts only');
  return withCliPlatform(values.data, async (platform) => {
    let files: string[];
    try {
      files = orderFiles(positionals, loadProfile(values.profile!, platform.fhir.ingest.profileDirs));
    } catch (err) {
      if (!(err instanceof FhirError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      process.stderr.write(`${(err as Error).message}\n`);
      return 2;
    }
    let quarantined = 0;
    for (const file of files) {
      try {
        const result = await importOne(platform, file, {
          source: values.source!, profile: values.profile!, mode: values.full ? 'full' : 'incremental',
          ...(values['record-type'] ? { recordType: values['record-type'] } : {}),
          ...(values.missing ? { missingRule: values.missing as MissingRule } : {}),
        });
        quarantined += result.report.counts.quarantined;
        process.stdout.write(`${file} (${result.recordType}, run ${result.runId}): ${result.report.summary()}\n`);
      } catch (err) {
        if (!(err instanceof FhirError)) throw err;
        process.stderr.write(`${file}: ${err.message}\n`);
        return 2;
      }
    }
    if (quarantined === 0) return 0;
    process.stdout.write(`${quarantined} row${quarantined === 1 ? '' : 's'} quarantined. List them with: sharedcare quarantine list --source ${values.source} --channel csv\n`);
    return 1;
  });
}
