// `sharedcare client`: registers, lists and removes the OAuth clients that may ask this server for
// tokens (backend systems with signed-JWT assertions; apps that sign people in), on the same
// database the server uses. See docs/governance/authentication.md.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClientRegistry, clientProblems, isPublicClient, type ClientKind, type OAuthClient, type PublicJwks } from '../governance/clients.ts';
import { withCliPlatform } from './cli-platform.ts';

export const CLIENT_HELP = `sharedcare client add --id ID --name NAME --scope "SCOPES" (--jwks FILE | --jku URL… | --redirect-uri URI…) [options]
sharedcare client list [--json]
sharedcare client remove ID

  Backend systems authenticate with a JWT signed by their private key (private_key_jwt) and get
  system/ scopes; apps that sign people in use the authorization code flow with PKCE.

  --id ID              client id, as the client puts it in its assertions' iss and sub
  --name NAME          who the client is, for people and audit
  --scope "S"          scopes it may be granted, e.g. "system/*.rs" or "openid fhirUser user/*.cruds"
  --jwks FILE          its public keys (a JWKS file); never a private key
  --jku URL            a JWKS URL it may name in a jku header (repeatable; https)
  --org ODS            ODS code of the organisation a system acts for
  --redirect-uri URI   where codes may be sent, matched exactly (repeatable)
  --kind K             system or user-app (default: user-app with a redirect URI, else system)
  --trusted            a first-party app
  --data DIR           data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

const out = (text: string) => process.stdout.write(`${text}\n`);
const fail = (text: string): number => {
  process.stderr.write(`${text}\n`);
  return 2;
};

type Values = Record<string, string | boolean | string[] | undefined>;

function readJwks(file: string): PublicJwks | string {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PublicJwks;
  } catch (err) {
    return `Cannot read the JWKS file ${file}: ${(err as Error).message}`;
  }
}

/** The registration the flags describe, or what is missing. */
function clientFrom(values: Values): OAuthClient | string {
  const id = values.id as string | undefined;
  const name = values.name as string | undefined;
  const scope = values.scope as string | undefined;
  if (!id || !name || !scope) return `--id, --name and --scope are required\n\n${CLIENT_HELP}`;
  const redirectUris = (values['redirect-uri'] as string[] | undefined) ?? [];
  const kind = (values.kind as string | undefined) ?? (redirectUris.length > 0 ? 'user-app' : 'system');
  const jwks = typeof values.jwks === 'string' ? readJwks(values.jwks) : undefined;
  if (typeof jwks === 'string') return jwks;
  return {
    clientId: id,
    name,
    kind: kind as ClientKind,
    ...(jwks ? { jwks } : {}),
    jkuUrls: (values.jku as string[] | undefined) ?? [],
    scope: scope.trim().split(/\s+/).join(' '),
    ...(typeof values.org === 'string' ? { organization: values.org } : {}),
    redirectUris,
    trusted: values.trusted === true,
  };
}

function listLine(c: OAuthClient): string {
  const auth = isPublicClient(c) ? 'public' : [c.jwks ? `jwks(${c.jwks.keys.length})` : '', ...c.jkuUrls.map((u) => `jku ${u}`)].filter(Boolean).join(', ');
  return [c.clientId, c.kind, c.name, c.organization ?? '-', c.scope, auth, c.redirectUris.join(' ') || '-'].join('\t');
}

async function run(registry: ClientRegistry, action: string, ids: string[], values: Values): Promise<number> {
  if (action === 'list') {
    const clients = await registry.list();
    if (values.json) out(JSON.stringify(clients, null, 2));
    else clients.forEach((c) => out(listLine(c)));
    return 0;
  }
  if (action === 'remove') {
    if (ids.length !== 1) return fail('Usage: sharedcare client remove ID');
    if (!(await registry.remove(ids[0]!))) return fail(`No client ${ids[0]}`);
    out(`removed ${ids[0]}`);
    return 0;
  }
  const client = clientFrom(values);
  if (typeof client === 'string') return fail(client);
  const problems = clientProblems(client);
  if (problems.length > 0) return fail(problems.join('\n'));
  if (!(await registry.add(client))) return fail(`A client ${client.clientId} is already registered; remove it first`);
  out(`registered ${client.clientId} (${client.kind}) with scope "${client.scope}"`);
  return 0;
}

/** Runs `sharedcare client <add|list|remove> …`; `args` are what follows `client`. */
export async function runClientCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      id: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' }, jwks: { type: 'string' },
      jku: { type: 'string', multiple: true }, org: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true },
      kind: { type: 'string' }, trusted: { type: 'boolean' }, json: { type: 'boolean' }, data: { type: 'string' },
    },
  });
  const [action, ...ids] = positionals;
  if (!action || !['add', 'list', 'remove'].includes(action)) return fail(CLIENT_HELP);
  if (action === 'add' && ids.length > 0) return fail('client add takes options only; see sharedcare client --help');
  return withCliPlatform(values.data, (platform) => run(new ClientRegistry(platform.driver), action, ids, values));
}
