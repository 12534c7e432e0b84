// `sharedcare import csv|hl7|fhir`: hands over to the importer for that kind of input.
import { IMPORT_CSV_HELP, runImportCsvCommand } from './import-csv-command.ts';
import { IMPORT_FHIR_HELP, runImportFhirCommand } from './import-fhir-command.ts';
import { IMPORT_HL7_HELP, runImportHl7Command } from './import-hl7-command.ts';

export const IMPORT_HELP = `${IMPORT_CSV_HELP}

${IMPORT_HL7_HELP}

${IMPORT_FHIR_HELP}`;

const IMPORTERS: Record<string, { run: (args: string[]) => Promise<number>; help: string }> = {
  csv: { run: runImportCsvCommand, help: IMPORT_CSV_HELP },
  hl7: { run: runImportHl7Command, help: IMPORT_HL7_HELP },
  fhir: { run: runImportFhirCommand, help: IMPORT_FHIR_HELP },
};

/** Runs `sharedcare import <kind> …`; `args` are what follows `import`. */
export async function runImportCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  const importer = kind ? IMPORTERS[kind] : undefined;
  if (!importer) {
    process.stderr.write(`Say what to import: csv, hl7 or fhir.\n\n${IMPORT_HELP}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${importer.help}\n`);
    return 0;
  }
  return importer.run(rest);
}
