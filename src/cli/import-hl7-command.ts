// `sharedcare import hl7 FILE…`: imports files of HL7 v2 ADT messages into the record, each message
// applied or quarantined with its reasons, and prints what happened per file.
import { parseArgs } from 'node:util';
import { ImportReport } from '../ingest/import-report.ts';
import { importHl7File } from '../ingest/hl7/import-hl7-file.ts';
import { isSourceId } from '../ingest/provenance.ts';
import { loadConfig } from '../server/config.ts';
import { createPlatform } from '../server/platform.ts';

export const IMPORT_HL7_HELP = `sharedcare import hl7 FILE… [options]

  Imports HL7 v2 ADT messages (A01–A13, A28, A31, A40) from files: segments separated by CR, LF
  or CRLF; messages by blank lines, MLLP framing or the next MSH segment. Each message is applied
  in file order, or quarantined with its reasons; a message already imported changes nothing.

  --source ID       source system for every message (default epr-<MSH-4>, e.g. epr-rk5)
  --data DIR        data directory of the embedded database (default ./data)
  --encoding E      character set of the files: utf-8 (default) or latin1
  --accept IDS      MSH-11 processing ids to accept, comma-separated (default P)

  DATABASE_URL=postgres://… imports into a PostgreSQL server instead of the embedded database.`;

const ENCODINGS = new Set(['utf8', 'utf-8', 'latin1']);

/** Runs the command; `args` are what follows `import hl7`. Exit code 0 when every file was read. */
export async function runImportHl7Command(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { source: { type: 'string' }, data: { type: 'string' }, encoding: { type: 'string' }, accept: { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write(`Name at least one file.\n\n${IMPORT_HL7_HELP}\n`);
    return 2;
  }
  if (values.source !== undefined && !isSourceId(values.source)) {
    process.stderr.write('--source must be lower-case letters, digits and hyphens (e.g. epr-rk5)\n');
    return 2;
  }
  if (values.encoding !== undefined && !ENCODINGS.has(values.encoding.toLowerCase())) {
    process.stderr.write('--encoding must be utf-8 or latin1\n');
    return 2;
  }
  const processingIds = values.accept?.split(',').map((p) => p.trim().toUpperCase()).filter(Boolean);
  const platform = await createPlatform(loadConfig(values.data ? { dataDir: values.data } : {}));
  let failed = 0;
  const reports: ImportReport[] = [];
  try {
    for (const file of positionals) {
      try {
        const report = await importHl7File(platform.fhir.ingest, file, {
          ...(values.source ? { source: values.source } : {}),
          ...(processingIds?.length ? { processingIds } : {}),
          encoding: values.encoding?.toLowerCase() === 'latin1' ? 'latin1' : 'utf8',
        });
        reports.push(report);
        process.stdout.write(`${file}: ${report.summary()}\n`);
      } catch (err) {
        failed++;
        const code = (err as { code?: string }).code;
        process.stderr.write(`${file}: not imported (${code === 'ENOENT' ? 'no such file' : (err as Error).message})\n`);
      }
    }
    if (reports.length > 1) {
      const total = new ImportReport();
      for (const report of reports) total.merge(report);
      process.stdout.write(`total: ${total.summary()}\n`);
    }
  } finally {
    await platform.close();
  }
  return failed > 0 ? 1 : 0;
}
