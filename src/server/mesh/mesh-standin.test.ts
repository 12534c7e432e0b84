// The MESH client and inbox poller against the stand-in on a real port: small and chunked sends,
// listing (with v2 paging), download, acknowledgement, tracking, endpoint lookup, refused and
// replayed auth, the missing Mex-To refusal, undeliverable messages reported back, and de-duplication
// after a crash between handling and acknowledging.
// (It lives here, not beside the client, because src/events may not import src/server.)
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMeshAuthHeader } from '../../events/mesh/mesh-auth.ts';
import { MeshClient, MeshError, MESH_V2_ACCEPT } from '../../events/mesh/mesh-client.ts';
import { type MeshInboundMessage, pollMeshInbox } from '../../events/mesh/mesh-inbox-poller.ts';
import { memorySeenMessages } from '../../events/mesh/seen-messages.ts';
import { type RunningMeshStandin, startMeshStandin } from './mesh-standin.ts';

const SHARED_KEY = 'TestKey';
const MAILBOXES: Record<string, string> = { X26ABC1: 'password-one', X26ABC2: 'password-two' };
const WORKFLOW = 'SHAREDCARE_TEST';

let standin: RunningMeshStandin;
beforeEach(async () => {
  standin = await startMeshStandin({
    sharedKey: SHARED_KEY,
    mailboxes: MAILBOXES,
    endpoints: { [`X26/${WORKFLOW}`]: [{ mailbox_id: 'X26ABC2', mailbox_name: 'Test council inbox' }] },
  });
});
afterEach(() => standin.close());

const clientFor = (mailboxId: string, extra: Partial<ConstructorParameters<typeof MeshClient>[0]> = {}) =>
  new MeshClient({ baseUrl: standin.url, mailboxId, password: MAILBOXES[mailboxId] ?? 'none', sharedKey: SHARED_KEY, ...extra });

async function meshFailure(promise: Promise<unknown>): Promise<MeshError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MeshError);
  return err as MeshError;
}

/** A request signed once, so the same header can be sent twice. */
function signedFetch(path: string, init: { method?: string; headers?: Record<string, string>; authorization: string }) {
  return fetch(`${standin.url}${path}`, { method: init.method ?? 'GET', headers: { accept: MESH_V2_ACCEPT, authorization: init.authorization, ...init.headers } });
}

describe('sending and receiving', () => {
  it('delivers a small message with its headers, tracks it, and acknowledging removes it from the inbox', async () => {
    const sender = clientFor('X26ABC1');
    const recipient = clientFor('X26ABC2');
    await sender.handshake();
    const { messageId } = await sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'hello, council', subject: 'Discharge', localId: 'ref-1', fileName: 'notice.json' });

    expect(await recipient.listInbox()).toEqual([messageId]);
    expect(await sender.listInbox()).toEqual([]);
    const download = await recipient.download(messageId);
    expect(download.body.toString('utf8')).toBe('hello, council');
    expect(download.headers).toMatchObject({
      'mex-messageid': messageId, 'mex-messagetype': 'DATA', 'mex-from': 'X26ABC1', 'mex-to': 'X26ABC2',
      'mex-workflowid': WORKFLOW, 'mex-subject': 'Discharge', 'mex-localid': 'ref-1', 'mex-filename': 'notice.json',
    });
    expect(await sender.tracking(messageId)).toMatchObject({ message_id: messageId, status: 'accepted', recipient: 'X26ABC2', local_id: 'ref-1' });

    await recipient.acknowledge(messageId);
    expect(await recipient.listInbox()).toEqual([]);
    expect((await sender.tracking(messageId)).status).toBe('acknowledged');
    expect((await meshFailure(recipient.download(messageId))).status).toBe(410);
    // Only the sender may track it.
    expect((await meshFailure(recipient.tracking(messageId))).status).toBe(404);
  });

  it('sends a 5 KB body as five independently gzipped 1 KB chunks and downloads it whole through 206', async () => {
    const body = randomBytes(5 * 1024);
    const { messageId } = await clientFor('X26ABC1', { chunkSize: 1024 }).send({ to: 'X26ABC2', workflowId: WORKFLOW, body });

    const stored = standin.messages().find((m) => m.messageId === messageId)!;
    expect(stored.contentEncoding).toBe('gzip');
    expect(stored.chunks).toHaveLength(5);
    const unzipped = stored.chunks.map((chunk) => gunzipSync(chunk!));
    expect(unzipped.map((c) => c.length)).toEqual([1024, 1024, 1024, 1024, 1024]);
    expect(Buffer.concat(unzipped).equals(body)).toBe(true);

    const first = await fetch(`${standin.url}/messageexchange/X26ABC2/inbox/${messageId}`, {
      headers: { accept: MESH_V2_ACCEPT, authorization: buildMeshAuthHeader({ mailboxId: 'X26ABC2', password: MAILBOXES.X26ABC2!, sharedKey: SHARED_KEY }) },
    });
    expect([first.status, first.headers.get('mex-chunk-range')]).toEqual([206, '1:5']);

    const download = await clientFor('X26ABC2').download(messageId);
    expect(download.body.equals(body)).toBe(true);
  });

  it('sends a body that is not a whole number of chunks, and an empty one', async () => {
    const body = 'x'.repeat(2500);
    const sender = clientFor('X26ABC1', { chunkSize: 1000 });
    const { messageId } = await sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body });
    expect(standin.messages().find((m) => m.messageId === messageId)!.chunks.map((c) => gunzipSync(c!).length)).toEqual([1000, 1000, 500]);
    const empty = await sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body: new Uint8Array(0) });
    const recipient = clientFor('X26ABC2');
    expect((await recipient.download(messageId)).body.toString()).toBe(body);
    expect((await recipient.download(empty.messageId)).body.length).toBe(0);
  });

  it('lists more than 500 messages by following links.next, and the poller takes them all', async () => {
    const sender = clientFor('X26ABC1');
    const sent: string[] = [];
    for (let batch = 0; batch < 11; batch++) {
      const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body: `message ${batch * 50 + i}` })));
      sent.push(...ids.map((r) => r.messageId));
    }
    const recipient = clientFor('X26ABC2');
    // Sent 50 at a time, so arrival order within a batch is the server's.
    const listed = await recipient.listInbox();
    expect(listed).toHaveLength(550);
    expect(new Set(listed)).toEqual(new Set(sent));

    const handled: string[] = [];
    const result = await pollMeshInbox(recipient, memorySeenMessages(), async (m) => { handled.push(m.body.toString()); });
    expect(result).toMatchObject({ downloaded: 550, skippedDuplicates: 0, reports: [], failed: [] });
    expect(new Set(handled)).toEqual(new Set(Array.from({ length: 550 }, (_, i) => `message ${i}`)));
    expect(await recipient.listInbox()).toEqual([]);
  });

  it('pages the v2 inbox by max_results, and answers a v1 client without links', async () => {
    const sender = clientFor('X26ABC1');
    for (let i = 0; i < 3; i++) await sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body: `m${i}` });
    const auth = () => buildMeshAuthHeader({ mailboxId: 'X26ABC2', password: MAILBOXES.X26ABC2!, sharedKey: SHARED_KEY });
    const page1 = await (await signedFetch('/messageexchange/X26ABC2/inbox?max_results=2', { authorization: auth() })).json() as { messages: string[]; links: { next?: string } };
    expect(page1.messages).toHaveLength(2);
    const page2 = await (await signedFetch(page1.links.next!, { authorization: auth() })).json() as { messages: string[]; links: { next?: string } };
    expect(page2.messages).toHaveLength(1);
    expect(page2.links.next).toBeUndefined();
    const v1 = await (await fetch(`${standin.url}/messageexchange/X26ABC2/inbox`, { headers: { authorization: auth() } })).json();
    expect(v1).toEqual({ messages: [...page1.messages, ...page2.messages] });
  });

  it('looks up the mailbox registered for an organisation and workflow', async () => {
    const client = clientFor('X26ABC1');
    expect(await client.endpointLookup('X26', WORKFLOW)).toEqual([{ mailbox_id: 'X26ABC2', mailbox_name: 'Test council inbox' }]);
    expect(await client.endpointLookup('X26', 'OTHER_WORKFLOW')).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses a replayed Authorization header with 403', async () => {
    const authorization = buildMeshAuthHeader({ mailboxId: 'X26ABC1', password: MAILBOXES.X26ABC1!, sharedKey: SHARED_KEY });
    expect((await signedFetch('/messageexchange/X26ABC1', { method: 'POST', authorization })).status).toBe(200);
    expect((await signedFetch('/messageexchange/X26ABC1', { method: 'POST', authorization })).status).toBe(403);
  });

  it('refuses a wrong password, a wrong shared key, and one mailbox acting for another', async () => {
    for (const client of [clientFor('X26ABC1', { password: 'guess' }), clientFor('X26ABC1', { sharedKey: 'OtherKey' }), clientFor('X26ZZZ9')]) {
      const err = await meshFailure(client.handshake());
      expect([err.status, err.retryable, err.category, err.code]).toEqual([403, false, 'fault', 'MESH_HTTP_403']);
    }
    const authorization = buildMeshAuthHeader({ mailboxId: 'X26ABC1', password: MAILBOXES.X26ABC1!, sharedKey: SHARED_KEY });
    expect((await signedFetch('/messageexchange/X26ABC2/inbox', { authorization })).status).toBe(403);
  });

  it('refuses a message without Mex-To with 400 and MESH error 08', async () => {
    const res = await fetch(`${standin.url}/messageexchange/X26ABC1/outbox`, {
      method: 'POST',
      headers: {
        accept: MESH_V2_ACCEPT, 'content-type': 'application/octet-stream', 'mex-workflowid': WORKFLOW,
        authorization: buildMeshAuthHeader({ mailboxId: 'X26ABC1', password: MAILBOXES.X26ABC1!, sharedKey: SHARED_KEY }),
      },
      body: 'no address',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorEvent: 'SEND', errorCode: '08' });
    expect(standin.messages()).toEqual([]);
  });

  it('refuses a chunk that does not fit its message with MESH error 06, and one for another mailbox with 404', async () => {
    const { messageId } = await clientFor('X26ABC1', { chunkSize: 1 }).send({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'ab' });
    const postChunk = (mailboxId: string, n: number, range: string) => fetch(`${standin.url}/messageexchange/${mailboxId}/outbox/${messageId}/${n}`, {
      method: 'POST',
      headers: {
        authorization: buildMeshAuthHeader({ mailboxId, password: MAILBOXES[mailboxId]!, sharedKey: SHARED_KEY }),
        'mex-chunk-range': range, 'content-type': 'application/octet-stream',
      },
      body: 'c',
    });
    const extra = await postChunk('X26ABC1', 3, '3:2');
    expect([extra.status, (await extra.json() as { errorCode?: string }).errorCode]).toEqual([400, '06']);
    expect((await postChunk('X26ABC2', 2, '2:2')).status).toBe(404);
    expect((await clientFor('X26ABC2').download(messageId)).body.toString()).toBe('ab');
  });

  it('answers 404 for a message that is not in the inbox', async () => {
    const { messageId } = await clientFor('X26ABC1').send({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'for ABC2 only' });
    expect((await meshFailure(clientFor('X26ABC1').download(messageId))).status).toBe(404);
    expect((await meshFailure(clientFor('X26ABC1').acknowledge(messageId))).status).toBe(404);
    expect((await meshFailure(clientFor('X26ABC2').download('20240101000000000000_ABCDEF'))).status).toBe(404);
  });
});

describe('pollMeshInbox', () => {
  it('surfaces an unknown recipient as a REPORT (code 12) to the sender, not as a message to handle', async () => {
    const sender = clientFor('X26ABC1');
    const { messageId } = await sender.send({ to: 'X26NOPE1', workflowId: WORKFLOW, body: 'lost', localId: 'ref-9' });
    expect((await sender.tracking(messageId)).status).toBe('undeliverable');

    const handled: MeshInboundMessage[] = [];
    const alerted: string[] = [];
    const result = await pollMeshInbox(sender, memorySeenMessages(), async (m) => { handled.push(m); }, {
      onReport: async (report) => { alerted.push(report.linkedMessageId!); },
    });
    expect(handled).toEqual([]);
    expect(result.reports).toEqual([expect.objectContaining({ statusCode: '12', linkedMessageId: messageId, localId: 'ref-9', workflowId: WORKFLOW })]);
    expect(alerted).toEqual([messageId]);
    expect(result.downloaded).toBe(1);
    expect(await sender.listInbox()).toEqual([]);
  });

  it('handles a message once when a crash came between handling and acknowledging', async () => {
    const { messageId } = await clientFor('X26ABC1').send({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'admitted' });
    // The first process dies as it acknowledges: the request never reaches MESH.
    const crashing: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT') throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const seen = memorySeenMessages();
    const handled: string[] = [];
    const handle = async (m: MeshInboundMessage) => { handled.push(m.messageId); };

    const first = await pollMeshInbox(clientFor('X26ABC2', { fetch: crashing }), seen, handle);
    expect(first.failed).toEqual([expect.objectContaining({ messageId, stage: 'acknowledge' })]);
    expect((first.failed[0]!.error as MeshError).retryable).toBe(true);
    expect(await clientFor('X26ABC2').listInbox()).toEqual([messageId]);

    const second = await pollMeshInbox(clientFor('X26ABC2'), seen, handle);
    expect(second).toMatchObject({ downloaded: 0, skippedDuplicates: 1, failed: [] });
    expect(handled).toEqual([messageId]);
    expect(await clientFor('X26ABC2').listInbox()).toEqual([]);
  });

  it('leaves a message the handler could not take in the inbox, unremembered, and carries on with the rest', async () => {
    const sender = clientFor('X26ABC1');
    const bad = await sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'poison' });
    const good = await sender.send({ to: 'X26ABC2', workflowId: WORKFLOW, body: 'fine' });
    const seen = memorySeenMessages();
    const result = await pollMeshInbox(clientFor('X26ABC2'), seen, async (m) => {
      if (m.body.toString() === 'poison') throw new Error('cannot parse');
    });
    expect(result.failed).toEqual([expect.objectContaining({ messageId: bad.messageId, stage: 'handle' })]);
    expect(result.downloaded).toBe(2);
    expect(await seen.has('X26ABC2', bad.messageId)).toBe(false);
    expect(await seen.has('X26ABC2', good.messageId)).toBe(true);
    expect(await clientFor('X26ABC2').listInbox()).toEqual([bad.messageId]);
  });
});
