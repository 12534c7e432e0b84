// `sharedcare import fhir`: imports FHIR Bundles and NDJSON files or folders into the record, with
// provenance from a named source, and prints what happened to every resource.
import { parseArgs } from 'node:util';
import type { Bundle } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/errors.ts';
import type { FhirFormat } from '../ingest/fhir/fhir-files.ts';
import { importFhir } from '../ingest/fhir/import-fhir.ts';
import { withCliPlatform } from './cli-platform.ts';
import { postBundle } from './demo-population.ts';

export const IMPORT_FHIR_HELP = `sharedcare import fhir [--source S] [--data DIR] PATH…

  Imports FHIR R4 Bundles (.json) and NDJSON (.ndjson, .jsonl, gzipped or not) from files
  and folders. Collection, batch, searchset and document Bundles and NDJSON are applied
  resource by resource; transaction Bundles all or nothing. What fails is quarantined
  ("sharedcare quarantine list"); importing the same files again changes nothing.

  --source S     the system the data comes from (e.g. gp-emis-a81001): each resource gets a
                 stable sharedcare id, meta.source, and its own id as an identifier, and
                 references between its resources follow; without it, ids are kept as given
  --format F     bundle or ndjson, for files not named .json or .ndjson
  --data DIR     data directory of the embedded database (default ./data);
                 DATABASE_URL=postgres://… imports into a PostgreSQL server instead

  Exit status: 0 all applied, 1 some resources quarantined, 2 the import could not run.`;

function progress(read: number, quarantined: number): void {
  if (process.stderr.isTTY) process.stderr.write(`\r  read ${read} · quarantined ${quarantined}`);
}

/** Runs `sharedcare import fhir`; `args` are what follows `import fhir`. */
export async function runImportFhirCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { source: { type: 'string' }, data: { type: 'string' }, format: { type: 'string' } },
  });
  if (positionals.length === 0) {
    process.stderr.write(`Name at least one file or folder to import.\n\n${IMPORT_FHIR_HELP}\n`);
    return 2;
  }
  if (values.format !== undefined && values.format !== 'bundle' && values.format !== 'ndjson') {
    process.stderr.write('--format must be bundle or ndjson\n');
    return 2;
  }
  return withCliPlatform(values.data, async (platform) => {
    try {
      const { runId, source, report } = await importFhir(platform.fhir.ingest, positionals, {
        ...(values.source ? { source: values.source } : {}),
        ...(values.format ? { format: values.format as FhirFormat } : {}),
        runTransaction: (bundle: Bundle) => postBundle(platform.fhir, bundle),
        onProgress: (r) => progress(r.counts.read, r.counts.quarantined),
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      process.stdout.write(`FHIR import (run ${runId}, source ${source}): ${report.summary()}\n`);
      if (report.counts.quarantined > 0) {
        process.stdout.write(`See them with: sharedcare quarantine list --source ${source} --channel fhir\n`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
  });
}
