// `sharedcare mesh poll`: collects the messages waiting in this deployment's MESH mailbox and takes
// in the Care Act (ADW) notices and answers among them, exactly as $process-message would. A message
// is acknowledged only after it is applied; one seen before (a re-download after a crash) is skipped.
import { parseArgs } from 'node:util';
import { receiveAdwMessage } from '../events/adw/adw-inbox.ts';
import { MeshClient } from '../events/mesh/mesh-client.ts';
import { pollMeshInbox } from '../events/mesh/mesh-inbox-poller.ts';
import { sqlSeenMessages } from '../events/mesh/seen-messages.ts';
import { withCliPlatform } from './cli-platform.ts';

export const MESH_POLL_HELP = `sharedcare mesh poll --url URL --mailbox ID --password PW [--shared-key K] [--data DIR]

  Downloads every message in the MESH mailbox, applies each Care Act (ADW) notice or answer to its
  hospital stay (a Task in the council's inbox), then acknowledges it. MESH error reports are
  listed. A message that cannot be applied stays in the mailbox and is listed with its reason.`;

export async function runMeshPoll(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: {
    url: { type: 'string' }, mailbox: { type: 'string' }, password: { type: 'string' }, 'shared-key': { type: 'string' }, data: { type: 'string' },
  } });
  if (!values.url || !values.mailbox || !values.password) {
    process.stderr.write(`--url, --mailbox and --password are required\n\n${MESH_POLL_HELP}\n`);
    return 2;
  }
  const client = new MeshClient({ baseUrl: values.url, mailboxId: values.mailbox, password: values.password, sharedKey: values['shared-key'] ?? 'TestKey' });
  return withCliPlatform(values.data, async (platform) => {
    let applied = 0;
    const result = await pollMeshInbox(client, sqlSeenMessages(platform.driver), async (message) => {
      await platform.repo.transaction((repo, sql) => receiveAdwMessage(repo, sql, JSON.parse(message.body.toString('utf8'))));
      applied++;
    });
    process.stdout.write(`${result.downloaded} downloaded, ${applied} applied, ${result.skippedDuplicates} already applied, ${result.reports.length} error report(s), ${result.failed.length} left in the mailbox\n`);
    for (const r of result.reports) process.stdout.write(`report ${r.statusCode ?? '?'} about ${r.linkedMessageId ?? '?'}: ${r.description ?? ''}\n`);
    for (const f of result.failed) {
      const err = f.error as { code?: string; message?: string };
      process.stdout.write(`not applied ${f.messageId} (${f.stage}): ${err?.code ? `${err.code} ` : ''}${err?.message ?? String(f.error)}\n`);
    }
    return result.failed.length > 0 ? 1 : 0;
  });
}
