// `sharedcare token`: prints a bearer token signed by the instance key, for local tools and tests.
import { parseArgs } from 'node:util';
import { loadOrCreateInstanceKey } from '../server/auth/instance-key.ts';
import { issueToken } from '../server/auth/tokens.ts';
import { loadConfig } from '../server/config.ts';

export const TOKEN_HELP = `sharedcare token --scope "<SMART v2 scopes>" [options]

  --scope S        scopes, e.g. "system/*.cruds" or "patient/Observation.rs" (required)
  --patient ID     patient context for patient/ scopes
  --role CODE      role code (e.g. R8014 Social Worker)
  --org ODS        organisation ODS code
  --subject NAME   who the token is for (default local-tool)
  --expires SEC    lifetime in seconds (default 3600)
  --data DIR       data directory holding the instance key (default ./data)`;

export async function runTokenCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      scope: { type: 'string' },
      patient: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      subject: { type: 'string' },
      expires: { type: 'string' },
      data: { type: 'string' },
    },
  });
  if (!values.scope) {
    process.stderr.write(`--scope is required\n\n${TOKEN_HELP}\n`);
    return 2;
  }
  const expires = values.expires ? Number(values.expires) : 3600;
  if (!Number.isInteger(expires) || expires <= 0) {
    process.stderr.write('--expires must be a positive number of seconds\n');
    return 2;
  }
  const config = loadConfig(values.data ? { dataDir: values.data } : {});
  const key = await loadOrCreateInstanceKey(config.keyFile);
  const token = await issueToken(key, {
    scope: values.scope,
    expiresInSeconds: expires,
    ...(values.patient ? { patient: values.patient } : {}),
    ...(values.role ? { role: values.role } : {}),
    ...(values.org ? { organization: values.org } : {}),
    ...(values.subject ? { subject: values.subject } : {}),
  });
  process.stdout.write(`${token}\n`);
  return 0;
}
