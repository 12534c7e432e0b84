// The MESH client against a tiny scripted HTTP server on a real port: what goes on the wire (auth,
// Accept, chunk requests) and every way an answer can fail (throttling, server errors, MESH error
// bodies, no answer, timeouts, bodies that are not what MESH sends, checksum mismatches).
// The conversation with the stand-in is in src/server/mesh/mesh-standin.test.ts.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FhirError } from '../../fhir/errors.ts';
import { MeshClient, MeshError, MESH_MAX_CHUNK_BYTES, MESH_V2_ACCEPT } from './mesh-client.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Script = (req: Seen, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let script: Script;
let requests: Seen[];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(parts) };
      requests.push(seen);
      script(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests = [];
});

const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const client = (extra: Partial<ConstructorParameters<typeof MeshClient>[0]> = {}) =>
  new MeshClient({ baseUrl, mailboxId: 'X26ABC1', password: 'password', sharedKey: 'TestKey', ...extra });

async function meshFailure(promise: Promise<unknown>): Promise<MeshError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MeshError);
  return err as MeshError;
}

describe('on the wire', () => {
  it('sends a new NHSMESH header and the v2 Accept on every request', async () => {
    script = (_req, res) => json(res, 200, { mailbox_id: 'X26ABC1' });
    const mesh = client();
    await mesh.handshake();
    await mesh.handshake();
    expect(requests.map((r) => [r.method, r.url, r.headers.accept])).toEqual([
      ['POST', '/messageexchange/X26ABC1', MESH_V2_ACCEPT],
      ['POST', '/messageexchange/X26ABC1', MESH_V2_ACCEPT],
    ]);
    const [a, b] = requests.map((r) => r.headers.authorization);
    expect(a).toMatch(/^NHSMESH X26ABC1:[^:]+:1:\d{12}:[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });

  it('splits the uncompressed body into chunks, gzips each alone, and numbers the follow-up requests', async () => {
    script = (req, res) => json(res, 202, { message_id: req.url === '/messageexchange/X26ABC1/outbox' ? 'MSG1' : 'ignored' });
    const body = Buffer.from('abcdefghij'.repeat(25)); // 250 bytes
    const { messageId } = await client({ chunkSize: 100 }).send({ to: 'X26ABC2', workflowId: 'WF', body, subject: 'S', localId: 'L', fileName: 'f.txt' });
    expect(messageId).toBe('MSG1');
    expect(requests.map((r) => [r.url, r.headers['mex-chunk-range'], r.headers['content-encoding']])).toEqual([
      ['/messageexchange/X26ABC1/outbox', '1:3', 'gzip'],
      ['/messageexchange/X26ABC1/outbox/MSG1/2', '2:3', 'gzip'],
      ['/messageexchange/X26ABC1/outbox/MSG1/3', '3:3', 'gzip'],
    ]);
    expect(requests.map((r) => gunzipSync(r.body).length)).toEqual([100, 100, 50]);
    expect(Buffer.concat(requests.map((r) => gunzipSync(r.body))).equals(body)).toBe(true);
    expect(requests[0]!.headers).toMatchObject({
      'mex-to': 'X26ABC2', 'mex-from': 'X26ABC1', 'mex-workflowid': 'WF', 'mex-subject': 'S', 'mex-localid': 'L', 'mex-filename': 'f.txt',
      'mex-content-checksum': `sha256:${createHash('sha256').update(body).digest('hex')}`,
    });
    expect(requests[1]!.headers['mex-to']).toBeUndefined();
  });

  it('sends a message within one chunk without Mex-Chunk-Range', async () => {
    script = (_req, res) => json(res, 202, { message_id: 'MSG2' });
    await client({ chunkSize: 100 }).send({ to: 'X26ABC2', workflowId: 'WF', body: 'x'.repeat(100) });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['mex-chunk-range']).toBeUndefined();
  });

  it('refuses bad options and header values before sending anything', async () => {
    for (const chunkSize of [0, 1.5, MESH_MAX_CHUNK_BYTES + 1]) {
      expect(() => client({ chunkSize })).toThrow(FhirError);
    }
    const refusals = [
      [{ subject: 'Café' }, 'MESH_HEADER_INVALID'],
      [{ to: ' ' }, 'MESH_HEADER_REQUIRED'],
      [{ workflowId: '' }, 'MESH_HEADER_REQUIRED'],
    ] as const;
    for (const [change, code] of refusals) {
      const err = await client().send({ to: 'X26ABC2', workflowId: 'WF', body: 'x', ...change }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FhirError);
      expect([(err as FhirError).category, (err as FhirError).code]).toEqual(['invalid', code]);
    }
    expect(requests).toEqual([]);
  });
});

describe('failures', () => {
  it('marks 429 and 503 busy and retryable, other 5xx a retryable fault, 4xx a fault with the MESH code', async () => {
    const cases: [number, unknown, string, boolean][] = [
      [429, {}, 'busy', true],
      [503, {}, 'busy', true],
      [500, {}, 'fault', true],
      [400, { errorEvent: 'SEND', errorCode: '17', errorDescription: 'Workflow not registered' }, 'fault', false],
    ];
    for (const [status, body, category, retryable] of cases) {
      script = (_req, res) => json(res, status, body);
      const err = await meshFailure(client().send({ to: 'X26ABC2', workflowId: 'WF', body: 'x' }));
      expect([err.status, err.code, err.category, err.retryable]).toEqual([status, `MESH_HTTP_${status}`, category, retryable]);
      if (status === 400) expect([err.meshCode, err.message]).toEqual(['17', 'MESH answered 400 to POST /messageexchange/X26ABC1/outbox (MESH error 17: Workflow not registered)']);
    }
  });

  it('reports no answer as a retryable network failure, and a slow answer as a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await meshFailure(client({ baseUrl: `http://127.0.0.1:${port}` }).handshake());
    expect([unreachable.status, unreachable.code, unreachable.retryable]).toEqual([0, 'MESH_NETWORK', true]);

    script = (_req, res) => { setTimeout(() => json(res, 200, {}), 500); };
    const slow = await meshFailure(client({ timeoutMs: 50 }).handshake());
    expect([slow.status, slow.code, slow.retryable]).toEqual([0, 'MESH_TIMEOUT', true]);
  });

  it('refuses answers that are not what MESH sends', async () => {
    script = (_req, res) => res.writeHead(202, { 'content-type': 'text/html' }).end('<html>proxy</html>');
    expect((await meshFailure(client().send({ to: 'X26ABC2', workflowId: 'WF', body: 'x' }))).code).toBe('MESH_INVALID_RESPONSE');
    script = (_req, res) => json(res, 202, {});
    expect((await meshFailure(client().send({ to: 'X26ABC2', workflowId: 'WF', body: 'x' }))).code).toBe('MESH_INVALID_RESPONSE');
    script = (_req, res) => json(res, 200, { messages: 'none' });
    expect((await meshFailure(client().listInbox())).code).toBe('MESH_INVALID_RESPONSE');
    script = (_req, res) => res.writeHead(206, { 'mex-chunk-range': '2:1' }).end('part');
    expect((await meshFailure(client().download('M1'))).code).toBe('MESH_INVALID_RESPONSE');
  });

  it('will not follow an inbox link to another host, nor loop on a page that repeats itself', async () => {
    script = (_req, res) => json(res, 200, { messages: ['A'], links: { next: 'http://elsewhere.example/messageexchange/X26ABC1/inbox' } });
    expect((await meshFailure(client().listInbox())).code).toBe('MESH_INVALID_RESPONSE');
    expect(requests).toHaveLength(1);

    requests = [];
    script = (_req, res) => json(res, 200, { messages: ['A', 'B'], links: { next: '/messageexchange/X26ABC1/inbox?continue_from=B' } });
    expect(await client().listInbox()).toEqual(['A', 'B']);
    expect(requests.map((r) => r.url)).toEqual(['/messageexchange/X26ABC1/inbox?max_results=500', '/messageexchange/X26ABC1/inbox?continue_from=B']);
  });

  it('refuses a download that does not match its sha256 checksum, and accepts one that does', async () => {
    const checksum = `sha256:${createHash('sha256').update('original').digest('hex')}`;
    script = (_req, res) => res.writeHead(200, { 'mex-content-checksum': checksum, 'mex-messagetype': 'DATA' }).end('tampered');
    expect((await meshFailure(client().download('M1'))).code).toBe('MESH_CHECKSUM');
    script = (_req, res) => res.writeHead(200, { 'mex-content-checksum': checksum }).end('original');
    expect((await client().download('M1')).body.toString()).toBe('original');
  });
});
