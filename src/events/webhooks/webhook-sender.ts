// Sends one rest-hook notification: checks the endpoint again at send time, connects only to the
// address the check approved (no second DNS answer, so no rebinding), signs the body, never
// follows redirects and never hands the receiver's response body back. See test case 22.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { FhirError } from '../../fhir/errors.ts';
import { type CheckedWebhookUrl, checkWebhookUrl, type WebhookAllowList, type WebhookResolver } from './ssrf-guard.ts';
import { signWebhook } from './webhook-signature.ts';

export interface WebhookSendOptions {
  url: string;
  body: string;
  /** Default `application/fhir+json`. */
  contentType?: string;
  /** The subscription's shared secret; when given, the body is signed. */
  secret?: string;
  /** Stable across retries so the receiver can de-duplicate. */
  eventId: string;
  allow: WebhookAllowList;
  /** The whole exchange, connect to last byte read (default 10 s). */
  timeoutMs?: number;
  /** Extra headers (e.g. from Subscription.channel.header); ours win on a clash. */
  headers?: Record<string, string>;
  /** For tests: replaces the DNS lookup the SSRF guard uses. */
  resolve?: WebhookResolver;
}

export interface WebhookDelivery {
  status: number;
  /** From sending to the response headers. */
  durationMs: number;
}

/** A delivery that did not get a 2xx; `retryable` tells the queue whether to try again. */
export class WebhookDeliveryError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  readonly reason: string;
  /** From a 429/503 `Retry-After` in seconds, when the receiver sent one. */
  readonly retryAfterMs?: number;

  constructor(reason: string, retryable: boolean, status?: number, retryAfterMs?: number) {
    super(reason);
    this.name = 'WebhookDeliveryError';
    this.reason = reason;
    this.retryable = retryable;
    if (status !== undefined) this.status = status;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
// Enough to let a receiver finish a short reply; the bytes are counted, never kept.
const MAX_DISCARDED_BYTES = 8 * 1024;
const OWN_HEADERS = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection', 'user-agent']);

/** POSTs a notification; resolves on 2xx, otherwise throws `WebhookDeliveryError`. */
export async function sendWebhook(options: WebhookSendOptions): Promise<WebhookDelivery> {
  const target = await checkTarget(options);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: OutgoingHttpHeaders = {
    ...extraHeaders(options.headers),
    host: target.url.host,
    'content-type': options.contentType ?? 'application/fhir+json',
    'content-length': Buffer.byteLength(options.body),
    'user-agent': 'sharedcare-webhook',
    'x-sharedcare-event-id': options.eventId,
    'x-sharedcare-timestamp': timestamp,
    ...(options.secret ? { 'x-sharedcare-signature': signWebhook(options.secret, timestamp, options.body) } : {}),
  };
  return post(target, headers, options.body, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

async function checkTarget(options: WebhookSendOptions): Promise<CheckedWebhookUrl> {
  try {
    return await checkWebhookUrl(options.url, options.allow, options.resolve);
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    // A name that does not resolve may be a DNS outage; a refused address will stay refused.
    const retryable = err.code === 'WEBHOOK_HOST_UNRESOLVED';
    throw new WebhookDeliveryError(retryable ? err.message : `refused by the SSRF guard: ${err.message}`, retryable);
  }
}

function extraHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!OWN_HEADERS.has(lower) && !lower.startsWith('x-sharedcare-')) kept[lower] = value;
  }
  return kept;
}

function post(target: CheckedWebhookUrl, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<WebhookDelivery> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let settled = false;
    const settle = (outcome: WebhookDelivery | WebhookDeliveryError) => {
      if (settled) return;
      settled = true;
      if (outcome instanceof WebhookDeliveryError) reject(outcome);
      else resolve(outcome);
    };
    let req: ClientRequest;
    try {
      req = openRequest(target, headers);
    } catch {
      settle(new WebhookDeliveryError('the request could not be built (invalid header name or value)', false));
      return;
    }
    const timer = setTimeout(() => {
      settle(new WebhookDeliveryError(`no complete response within ${timeoutMs} ms`, true));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      settle(new WebhookDeliveryError(`connection failed (${err.code ?? 'network error'})`, true));
    });
    req.on('response', (res) => {
      settle(outcomeOf(res, Math.round(performance.now() - started)));
      discardBody(res, () => clearTimeout(timer));
    });
    req.end(body);
  });
}

function openRequest(target: CheckedWebhookUrl, headers: OutgoingHttpHeaders): ClientRequest {
  const { url, address, family } = target;
  const secure = url.protocol === 'https:';
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return (secure ? httpsRequest : httpRequest)({
    method: 'POST',
    hostname,
    port: url.port || (secure ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers,
    // A fresh connection each time: a pooled socket would skip the pinned lookup.
    agent: false,
    lookup: pinnedLookup(address, family),
    // TLS checks the certificate against the name in the URL, not the pinned address.
    ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
  });
}

/** A `lookup` that answers every query with the address the guard approved. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

function outcomeOf(res: IncomingMessage, durationMs: number): WebhookDelivery | WebhookDeliveryError {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return { status, durationMs };
  if (status >= 300 && status < 400) return new WebhookDeliveryError(`redirect (${status}) not followed`, false, status);
  const retryable = status === 408 || status === 429 || status >= 500;
  return new WebhookDeliveryError(`receiver answered ${status}`, retryable, status, retryable ? retryAfterMs(res.headers['retry-after']) : undefined);
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header || !/^\d{1,7}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

// Read a little so a receiver writing a short body is not reset mid-write, then hang up.
function discardBody(res: IncomingMessage, done: () => void): void {
  let seen = 0;
  res.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > MAX_DISCARDED_BYTES) res.destroy();
  });
  res.on('error', () => undefined);
  res.on('close', done);
}
