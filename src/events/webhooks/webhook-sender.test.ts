// The webhook sender against real HTTP servers on 127.0.0.1: delivery with signed headers, the
// retryable and final failures, redirects not followed, timeouts, refused connections, and the
// SSRF guard stopping a send before any connection is made.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './ssrf-guard.ts';
import { sendWebhook, WebhookDeliveryError, type WebhookSendOptions } from './webhook-sender.ts';
import { verifyWebhook } from './webhook-signature.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  connections: () => number;
}

const running: Server[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

async function startReceiver(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      respond(req, res);
    });
  });
  server.on('connection', () => connections++);
  running.push(server);
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, received, connections: () => connections };
}

const answer = (status: number, headers: Record<string, string> = {}, body = '') => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, headers).end(body);
};

// A throwaway self-signed certificate for hooks.trust.example (test only, valid to 2126).
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgUeDyp6oNi/uYoqCy
fpXkYMdfXsuXGZe+OnDk/0yQpcahRANCAAT5VElmAeFteK1+0oYMoG19JZw5FdTG
qWmdbopwQI0elJ8wSZ8ATTb7x/YJF5ijWI8uU7Ozha3Az+Y5EV7MVMsH
-----END PRIVATE KEY-----`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBtDCCAVmgAwIBAgIUGSkHojnaMslHitiPt1lqTI55p6UwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTaG9va3MudHJ1c3QuZXhhbXBsZTAgFw0yNjExMjIxNzU2NTRa
GA8yMTI2MTAyOTE3NTY1NFowHjEcMBoGA1UEAwwTaG9va3MudHJ1c3QuZXhhbXBs
ZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPlUSWYB4W14rX7ShgygbX0lnDkV
1MapaZ1uinBAjR6UnzBJnwBNNvvH9gkXmKNYjy5Ts7OFrcDP5jkRXsxUywejczBx
MB0GA1UdDgQWBBQ7nri0BYAHZ+xOfCgRRzGxbrGoiTAfBgNVHSMEGDAWgBQ7nri0
BYAHZ+xOfCgRRzGxbrGoiTAPBgNVHRMBAf8EBTADAQH/MB4GA1UdEQQXMBWCE2hv
b2tzLnRydXN0LmV4YW1wbGUwCgYIKoZIzj0EAwIDSQAwRgIhAOkr6CWIICY1rHaf
Pj0/d22CxLQzB7hPvXGX9b5xiZh0AiEAnTC3iSZgbLQ2X8BWeFI3oeXS3veh+ANw
UJroLzCs4zI=
-----END CERTIFICATE-----`;

const LOCAL = { hosts: ['127.0.0.1'] };
const BODY = JSON.stringify({ resourceType: 'Bundle', type: 'history', entry: [] });

function send(overrides: Partial<WebhookSendOptions> & { url: string }) {
  return sendWebhook({ body: BODY, eventId: 'evt-0001', allow: LOCAL, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<WebhookDeliveryError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(WebhookDeliveryError);
  return err as WebhookDeliveryError;
}

describe('delivered', () => {
  it('POSTs the body with event id, timestamp and a signature the receiver can verify', async () => {
    const receiver = await startReceiver(answer(200, {}, 'ok'));
    const result = await send({ url: `${receiver.url}/fhir/notify?sub=42`, secret: 's3cret', headers: { Authorization: 'Bearer abc' } });
    expect(result.status).toBe(200);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [got] = receiver.received;
    expect(got).toMatchObject({ method: 'POST', url: '/fhir/notify?sub=42', body: BODY });
    expect(got!.headers).toMatchObject({
      host: `127.0.0.1:${receiver.port}`,
      'content-type': 'application/fhir+json',
      'content-length': String(Buffer.byteLength(BODY)),
      'x-sharedcare-event-id': 'evt-0001',
      authorization: 'Bearer abc',
    });
    const timestamp = got!.headers['x-sharedcare-timestamp'] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    const signature = got!.headers['x-sharedcare-signature'] as string;
    expect(verifyWebhook('s3cret', signature, timestamp, got!.body)).toBe(true);
    expect(verifyWebhook('other-secret', signature, timestamp, got!.body)).toBe(false);
  });

  it('omits the signature without a secret, honours contentType, and keeps its own headers from being overridden', async () => {
    const receiver = await startReceiver(answer(204));
    const result = await send({
      url: receiver.url,
      contentType: 'application/json',
      headers: { 'X-SharedCare-Event-Id': 'spoofed', Host: 'evil.example', 'x-sharedcare-signature': 'sha256=00', 'x-trace': 't1' },
    });
    expect(result.status).toBe(204);
    const headers = receiver.received[0]!.headers;
    expect(headers['x-sharedcare-signature']).toBeUndefined();
    expect(headers['x-sharedcare-event-id']).toBe('evt-0001');
    expect(headers.host).toBe(`127.0.0.1:${receiver.port}`);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-trace']).toBe('t1');
  });

  it('sends the same event id on every retry so the receiver can de-duplicate', async () => {
    const receiver = await startReceiver(answer(200));
    await send({ url: receiver.url, eventId: 'evt-stable' });
    await send({ url: receiver.url, eventId: 'evt-stable' });
    expect(receiver.received.map((r) => r.headers['x-sharedcare-event-id'])).toEqual(['evt-stable', 'evt-stable']);
  });

  it('connects to the checked address while keeping the URL host name in the Host header', async () => {
    const receiver = await startReceiver(answer(200));
    const resolve = async (host: string) => (host === 'hooks.trust.example' ? ['127.0.0.1'] : []);
    await send({ url: `http://hooks.trust.example:${receiver.port}/in`, resolve });
    expect(receiver.received[0]!.headers.host).toBe(`hooks.trust.example:${receiver.port}`);
  });

  it('does not wait for or keep a large response body', async () => {
    const receiver = await startReceiver(answer(200, { 'content-type': 'text/plain' }, 'x'.repeat(2_000_000)));
    expect((await send({ url: receiver.url, timeoutMs: 2000 })).status).toBe(200);
  });
});

describe('failed', () => {
  it.each([500, 502, 503, 429, 408])('%s is retryable, without the response body', async (status) => {
    const receiver = await startReceiver(answer(status, {}, 'stack trace: SECRET-INTERNAL-DETAIL'));
    const err = await failure(send({ url: receiver.url }));
    expect(err).toMatchObject({ retryable: true, status });
    expect(`${err.message} ${err.reason}`).not.toContain('SECRET-INTERNAL-DETAIL');
  });

  it('passes on a Retry-After in seconds', async () => {
    const receiver = await startReceiver(answer(429, { 'retry-after': '7' }));
    expect((await failure(send({ url: receiver.url }))).retryAfterMs).toBe(7000);
  });

  it.each([404, 400, 401, 410])('%s is not retryable, without the response body', async (status) => {
    const receiver = await startReceiver(answer(status, {}, 'SECRET-INTERNAL-DETAIL'));
    const err = await failure(send({ url: receiver.url }));
    expect(err).toMatchObject({ retryable: false, status });
    expect(`${err.message} ${err.reason}`).not.toContain('SECRET-INTERNAL-DETAIL');
  });

  it('does not follow a 302: the other server is never called', async () => {
    const other = await startReceiver(answer(200));
    const redirecting = await startReceiver(answer(302, { location: `${other.url}/internal` }));
    const err = await failure(send({ url: redirecting.url }));
    expect(err).toMatchObject({ retryable: false, status: 302 });
    expect(err.reason).toMatch(/redirect/);
    expect(redirecting.received).toHaveLength(1);
    expect(other.connections()).toBe(0);
  });

  it('times out a receiver that never answers, as retryable', async () => {
    const receiver = await startReceiver(() => undefined);
    const started = Date.now();
    const err = await failure(send({ url: receiver.url, timeoutMs: 300 }));
    expect(err).toMatchObject({ retryable: true });
    expect(err.status).toBeUndefined();
    expect(err.reason).toMatch(/300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(receiver.received).toHaveLength(1);
  });

  it('treats a refused connection as retryable', async () => {
    const receiver = await startReceiver(answer(200));
    const closed = running.pop()!;
    await new Promise((done) => closed.close(done));
    const err = await failure(send({ url: receiver.url }));
    expect(err).toMatchObject({ retryable: true });
    expect(err.reason).toMatch(/ECONNREFUSED/);
  });

  it('treats a name that does not resolve as retryable (DNS may be down)', async () => {
    const err = await failure(send({ url: 'https://nowhere.example/', resolve: async () => { throw new Error('EAI_AGAIN'); } }));
    expect(err).toMatchObject({ retryable: true });
  });

  it('refuses an invalid event id before connecting', async () => {
    const receiver = await startReceiver(answer(200));
    const err = await failure(send({ url: receiver.url, eventId: 'evt\r\nx-injected: 1' }));
    expect(err.retryable).toBe(false);
    expect(receiver.connections()).toBe(0);
  });
});

describe('refused by the SSRF guard', () => {
  it('refuses 127.0.0.1 without the allowlist before any connection', async () => {
    const receiver = await startReceiver(answer(200));
    const err = await failure(send({ url: receiver.url, allow: { hosts: [] }, secret: 's3cret' }));
    expect(err).toMatchObject({ retryable: false });
    expect(err.status).toBeUndefined();
    expect(err.reason).toMatch(/refused/);
    expect(err.reason).toMatch(/loopback/);
    expect(receiver.connections()).toBe(0);
  });

  it('re-checks at send time: a name that passed at create but now resolves to loopback is refused', async () => {
    const receiver = await startReceiver(answer(200));
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    const rebinding = async () => answers.shift() ?? [];
    const url = `http://hooks.partner.example:${receiver.port}/`;
    expect((await checkWebhookUrl(url, { hosts: [] }, rebinding)).address).toBe('93.184.215.14');
    const err = await failure(send({ url, allow: { hosts: [] }, resolve: rebinding }));
    expect(err).toMatchObject({ retryable: false });
    expect(err.reason).toMatch(/refused.*loopback/);
    expect(receiver.connections()).toBe(0);
  });
});

describe('https', () => {
  it('connects to the pinned address, sends the URL host as TLS server name, and verifies the certificate', async () => {
    const serverNames: string[] = [];
    let requests = 0;
    const context = createSecureContext({ key: TEST_KEY, cert: TEST_CERT });
    const server = createTlsServer({
      key: TEST_KEY,
      cert: TEST_CERT,
      SNICallback: (name, done) => { serverNames.push(name); done(null, context); },
    }, (_req, res) => { requests++; res.end(); });
    running.push(server);
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const { port } = server.address() as AddressInfo;
    // The name resolves nowhere real: only the pinned lookup can reach the server.
    const err = await failure(send({ url: `https://hooks.trust.example:${port}/in`, resolve: async () => ['127.0.0.1'] }));
    // Self-signed, so an honest client must refuse it: proof the certificate is checked.
    expect(err).toMatchObject({ retryable: true });
    expect(err.reason).toMatch(/SELF_SIGNED/);
    expect(requests).toBe(0);
    expect(serverNames).toEqual(['hooks.trust.example']);
  });
});
