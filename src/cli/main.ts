// The `sharedcare` command: parses the sub-command and hands over. Each command lives in its own file.
import { runGenerateCommand } from './generate/generate-command.ts';
import { runServeCommand, SERVE_HELP } from './serve-command.ts';
import { runTokenCommand, TOKEN_HELP } from './token-command.ts';

const HELP = `sharedcare — a shared health and social care record (FHIR R4)

Usage: sharedcare <command> [options]

Commands:
  serve      run the server (FHIR API at /fhir, health at /healthz)
  token      print a bearer token signed by this instance's key
  generate   write a synthetic population as FHIR transaction bundles

Run "sharedcare <command> --help" for a command's options.

${SERVE_HELP}

${TOKEN_HELP}

sharedcare generate --people N --seed S --out DIR [--heavy N]`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve: runServeCommand,
  token: runTokenCommand,
  generate: runGenerateCommand,
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
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
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
