// The `sharedcare` command: parses the sub-command and hands over. Each command lives in its own file.
import { AUDIT_HELP, runAuditCommand } from './audit-command.ts';
import { CLIENT_HELP, runClientCommand } from './client-command.ts';
import { runGenerateCommand } from './generate/generate-command.ts';
import { IMPORT_HELP, runImportCommand } from './import-command.ts';
import { LEXICON_HELP, runLexiconCommand } from './lexicon-command.ts';
import { EVENTS_HELP, runEventsCommand } from './events-command.ts';
import { MESH_HELP, runMeshCommand } from './mesh-command.ts';
import { LINK_HELP, runLinkCommand } from './link-command.ts';
import { PERSON_HELP, runPersonCommand } from './person-command.ts';
import { QUARANTINE_HELP, runQuarantineCommand } from './quarantine-command.ts';
import { REVIEW_HELP, runReviewCommand } from './review-command.ts';
import { runServeCommand, SERVE_HELP } from './serve-command.ts';
import { runTokenCommand, TOKEN_HELP } from './token-command.ts';
import { runTraceCommand, TRACE_HELP } from './trace-command.ts';

const HELP = `sharedcare — a shared health and social care record (FHIR R4)

Usage: sharedcare <command> [options]

Commands:
  serve      run the server (FHIR API at /fhir, health at /healthz)
  token      print a bearer token signed by this instance's key
  generate   write a synthetic population as FHIR bundles, council CSV extracts and HL7 v2 feeds
  import     bring in data: council CSV extracts, HL7 v2 ADT files, FHIR Bundles and NDJSON
  quarantine list, show, replay or discard input that could not be applied
  lexicon    local codes no ConceptMap translates yet
  link       match every source Patient into persons in one batch (back-loads, retraining)
  review     the review queue: pairs of records that may be one person; link or reject them
  person     a person's linked records, their link history, and unlinking a record
  trace      look up records without a verified NHS number on PDS; CP-IS readiness
  client     register, list and remove the OAuth clients (systems and apps) that may ask for tokens
  audit      verify the audit trail's hash chain; access, break-glass and usage reports; reviews
  events     the delivery queue: waiting, delivered and dead notifications; replay dead letters
  mesh       a local MESH mailbox stand-in, for testing MESH transport without Spine

Run "sharedcare <command> --help" for a command's options.

${SERVE_HELP}

${TOKEN_HELP}

sharedcare generate --people N --seed S --out DIR [--heavy N]

${IMPORT_HELP}

${QUARANTINE_HELP}

${LEXICON_HELP}

${LINK_HELP}

${REVIEW_HELP}

${PERSON_HELP}

${TRACE_HELP}

${CLIENT_HELP}

${AUDIT_HELP}

${EVENTS_HELP}

${MESH_HELP}`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve: runServeCommand,
  token: runTokenCommand,
  generate: runGenerateCommand,
  import: runImportCommand,
  quarantine: runQuarantineCommand,
  lexicon: runLexiconCommand,
  link: runLinkCommand,
  review: runReviewCommand,
  person: runPersonCommand,
  trace: runTraceCommand,
  client: runClientCommand,
  audit: runAuditCommand,
  events: runEventsCommand,
  mesh: runMeshCommand,
};

const COMMAND_HELP: Record<string, string> = {
  serve: SERVE_HELP,
  token: TOKEN_HELP,
  quarantine: QUARANTINE_HELP,
  lexicon: LEXICON_HELP,
  link: LINK_HELP,
  review: REVIEW_HELP,
  person: PERSON_HELP,
  trace: TRACE_HELP,
  client: CLIENT_HELP,
  audit: AUDIT_HELP,
  events: EVENTS_HELP,
  mesh: MESH_HELP,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`Unknown command '${command}'. Run "sharedcare --help".\n`);
    return 2;
  }
  if (command !== 'import' && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${COMMAND_HELP[command] ?? HELP}\n`);
    return 0;
  }
  try {
    return await run(rest);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\nRun "sharedcare --help".\n`);
      return 2;
    }
    throw err;
  }
}
