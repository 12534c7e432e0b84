// `sharedcare mesh standin|poll`: runs the local MESH stand-in, so the demo and local tools can exchange
// messages (CP-IS, discharge notices) the way they would over NHS England's MESH; and takes in the
// notices waiting in this deployment's mailbox (mesh-poll.ts).
import { parseArgs } from 'node:util';
import type { MeshEndpoint } from '../events/mesh/mesh-client.ts';
import { startMeshStandin } from '../server/mesh/mesh-standin.ts';
import { MESH_POLL_HELP, runMeshPoll } from './mesh-poll.ts';

// The mailboxes and key NHS England's own sandbox starts with, so its examples work here too.
const DEFAULT_MAILBOXES = ['X26ABC1:password', 'X26ABC2:password', 'X26ABC3:password'];
const DEFAULT_SHARED_KEY = 'TestKey';

export const MESH_HELP = `sharedcare mesh standin [--port N] [--host H] [--mailbox ID:PASSWORD ...] [--shared-key K] [--endpoint ODS:WORKFLOW:MAILBOX ...]

  Runs a local stand-in for NHS England's MESH API v2 (in memory, plain HTTP, no client
  certificate) until interrupted, under /messageexchange.

  --port N         port to listen on (default 0: any free port; the address is printed)
  --host H         address to listen on (default 127.0.0.1)
  --mailbox ID:PW  a mailbox and its password; repeat for more
                   (default ${DEFAULT_MAILBOXES.join(' ')})
  --shared-key K   the environment secret for the NHSMESH Authorization header (default ${DEFAULT_SHARED_KEY})
  --endpoint ODS:WORKFLOW:MAILBOX
                   answer endpoint lookups for ODS and WORKFLOW with MAILBOX; repeat for more

${MESH_POLL_HELP}`;

const fail = (text: string): number => {
  process.stderr.write(`${text}\n`);
  return 2;
};

function parsePairs(values: string[], parts: number): string[][] | undefined {
  const split = values.map((v) => v.split(':'));
  return split.every((p) => p.length === parts && p.every((x) => x !== '')) ? split : undefined;
}

async function runStandin(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      mailbox: { type: 'string', multiple: true },
      'shared-key': { type: 'string' },
      endpoint: { type: 'string', multiple: true },
    },
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return fail('--port must be a whole number from 0 to 65535');
  const mailboxPairs = parsePairs(values.mailbox ?? DEFAULT_MAILBOXES, 2);
  if (!mailboxPairs) return fail('--mailbox must be ID:PASSWORD');
  const endpointTriples = parsePairs(values.endpoint ?? [], 3);
  if (!endpointTriples) return fail('--endpoint must be ODS:WORKFLOW:MAILBOX');
  const endpoints: Record<string, MeshEndpoint[]> = {};
  for (const [ods, workflow, mailbox] of endpointTriples) (endpoints[`${ods}/${workflow}`] ??= []).push({ mailbox_id: mailbox! });

  const standin = await startMeshStandin({
    port,
    host: values.host ?? '127.0.0.1',
    sharedKey: values['shared-key'] ?? DEFAULT_SHARED_KEY,
    mailboxes: Object.fromEntries(mailboxPairs),
    endpoints,
  });
  process.stdout.write(`MESH stand-in on ${standin.url} (mailboxes: ${mailboxPairs.map(([id]) => id).join(', ')})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await standin.close();
  return 0;
}

export async function runMeshCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    process.stdout.write(`${MESH_HELP}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'standin' && sub !== 'poll') return fail(`Unknown mesh command "${sub}".\n\n${MESH_HELP}`);
  try {
    return await (sub === 'poll' ? runMeshPoll(rest) : runStandin(rest));
  } catch (err) {
    // parseArgs refuses unknown options with a TypeError whose message names the option.
    if (err instanceof TypeError) return fail(`${err.message}\n\n${MESH_HELP}`);
    throw err;
  }
}
