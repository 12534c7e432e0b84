// A client for NHS England's MESH API v2 (how councils and the NHS exchange files such as CP-IS
// and discharge notices): handshake, chunked gzip send, inbox list, download, acknowledge,
// tracking and endpoint lookup.
// Errors: every refusal or transport failure is a MeshError, a FhirError (category `busy` for 429
// and 503, `fault` otherwise; code `MESH_HTTP_<status>`, `MESH_NETWORK`, `MESH_TIMEOUT`,
// `MESH_INVALID_RESPONSE` or `MESH_CHECKSUM`) that also carries the HTTP `status` (0 when no answer
// came) and `retryable` (network failures, 429 and 5xx). The client never retries by itself: a
// repeated send would be a second message, so the caller decides.
// See: https://digital.nhs.uk/developer/api-catalogue/message-exchange-for-social-care-and-health-api
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { buildMeshAuthHeader } from './mesh-auth.ts';

const gzipAsync = promisify(gzip);

export const MESH_V2_ACCEPT = 'application/vnd.mesh.v2+json';
/** MESH refuses requests over 100 MB; the smaller reading of "MB" keeps a chunk under it either way. */
export const MESH_MAX_CHUNK_BYTES = 100_000_000;
/** The most ids one inbox request returns. */
export const MESH_INBOX_PAGE = 500;

/** A refused or failed MESH request. */
export class MeshError extends FhirError {
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** True when the same request may succeed later (network failure, 429, 5xx). */
  readonly retryable: boolean;
  /** MESH's own error code from the response body, e.g. `08` (missing Mex-To). */
  readonly meshCode?: string;

  constructor(status: number, code: string, message: string, meshCode?: string) {
    super(status === 429 || status === 503 ? 'busy' : 'fault', code, message);
    this.name = 'MeshError';
    this.status = status;
    this.retryable = status === 0 || status === 429 || status >= 500;
    if (meshCode !== undefined) this.meshCode = meshCode;
  }
}

export interface MeshClientOptions {
  /** The MESH host, e.g. `https://msg.intspineservices.nhs.uk` (INT) or the local stand-in's url. */
  baseUrl: string;
  mailboxId: string;
  password: string;
  /** The environment's shared secret for the NHSMESH header. */
  sharedKey: string;
  /** A WHATWG fetch (default: Node's global one), e.g. one carrying a client-certificate dispatcher. */
  fetch?: typeof fetch;
  /** Most uncompressed bytes per chunk (default and maximum 100 MB). */
  chunkSize?: number;
  /** Per request (default 5 minutes: a 100 MB chunk takes a while). */
  timeoutMs?: number;
}

export interface MeshSendRequest {
  /** The recipient mailbox id. */
  to: string;
  workflowId: string;
  body: Uint8Array | string;
  subject?: string;
  /** The sender's own reference; MESH forbids personal data in it. */
  localId?: string;
  fileName?: string;
}

export interface MeshDownload {
  messageId: string;
  /** The whole message, chunks joined and decompressed. */
  body: Buffer;
  /** Response headers of the first chunk, names in lower case (`mex-from`, `mex-messagetype`…). */
  headers: Record<string, string>;
}

/** Tracking as MESH reports it (snake_case as on the wire); fields beyond these pass through. */
export interface MeshTracking {
  message_id: string;
  status?: string;
  status_code?: string;
  status_description?: string;
  status_timestamp?: string;
  local_id?: string;
  workflow_id?: string;
  recipient?: string;
  sender?: string;
  filename?: string;
  upload_timestamp?: string;
  [field: string]: unknown;
}

export interface MeshEndpoint {
  mailbox_id: string;
  mailbox_name?: string;
}

interface RequestInit {
  headers?: Record<string, string>;
  /** zlib's output: always backed by a plain ArrayBuffer, as fetch's types require. */
  body?: Uint8Array<ArrayBuffer>;
  expect: readonly number[];
}

// Header values must be printable ASCII or fetch throws an opaque TypeError.
function checkHeader(name: string, value: string, required = false): string {
  if (required && value.trim() === '') throw invalid('MESH_HEADER_REQUIRED', `${name} is required`, name);
  if (!/^[\x20-\x7e]*$/.test(value)) throw invalid('MESH_HEADER_INVALID', `${name} must be printable ASCII`, name);
  return value;
}

/** `k:n` from a Mex-Chunk-Range header. */
export function parseChunkRange(value: string | undefined): { index: number; total: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  const index = Number(m[1]);
  const total = Number(m[2]);
  return index >= 1 && index <= total ? { index, total } : undefined;
}

/** One mailbox's view of MESH. A new NHSMESH header is built for every request. */
export class MeshClient {
  readonly baseUrl: string;
  readonly mailboxId: string;
  readonly chunkSize: number;
  readonly #password: string;
  readonly #sharedKey: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;

  constructor(options: MeshClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.mailboxId = checkHeader('mailboxId', options.mailboxId, true);
    this.#password = options.password;
    this.#sharedKey = options.sharedKey;
    this.#fetch = options.fetch ?? fetch;
    this.#timeoutMs = options.timeoutMs ?? 5 * 60_000;
    this.chunkSize = options.chunkSize ?? MESH_MAX_CHUNK_BYTES;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize < 1 || this.chunkSize > MESH_MAX_CHUNK_BYTES) {
      throw invalid('MESH_CHUNK_SIZE', `chunkSize must be a whole number of bytes from 1 to ${MESH_MAX_CHUNK_BYTES}`, 'chunkSize');
    }
  }

  /** Tells MESH the mailbox is alive; MESH expects one at least daily. */
  async handshake(): Promise<void> {
    await this.#request('POST', this.#mailboxPath(), {
      headers: { 'mex-clientversion': 'sharedcare', 'mex-osname': process.platform, 'mex-osversion': process.version },
      expect: [200],
    });
  }

  /** Sends a message, chunked when bigger than `chunkSize`; each chunk is gzipped on its own as MESH requires. */
  async send(request: MeshSendRequest): Promise<{ messageId: string }> {
    const data = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const total = Math.max(1, Math.ceil(data.length / this.chunkSize));
    // Compressed one at a time, so at most one compressed chunk is held besides the data.
    const chunk = async (n: number) => (await gzipAsync(data.subarray((n - 1) * this.chunkSize, n * this.chunkSize))) as Uint8Array<ArrayBuffer>;
    const optional: Record<string, string | undefined> = { 'mex-subject': request.subject, 'mex-localid': request.localId, 'mex-filename': request.fileName };
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      'content-encoding': 'gzip',
      'mex-from': this.mailboxId,
      'mex-to': checkHeader('to', request.to, true),
      'mex-workflowid': checkHeader('workflowId', request.workflowId, true),
      'mex-content-checksum': `sha256:${createHash('sha256').update(data).digest('hex')}`,
      ...(total > 1 ? { 'mex-chunk-range': `1:${total}` } : {}),
    };
    for (const [name, value] of Object.entries(optional)) if (value !== undefined) headers[name] = checkHeader(name, value);
    const first = await this.#request('POST', `${this.#mailboxPath()}/outbox`, { headers, body: await chunk(1), expect: [200, 202] });
    const messageId = (await this.#json<{ message_id?: unknown }>(first)).message_id;
    if (typeof messageId !== 'string' || messageId === '') throw new MeshError(first.status, 'MESH_INVALID_RESPONSE', 'MESH accepted the message without a message_id');
    for (let n = 2; n <= total; n++) {
      await this.#request('POST', `${this.#mailboxPath()}/outbox/${encodeURIComponent(messageId)}/${n}`, {
        headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip', 'mex-chunk-range': `${n}:${total}` },
        body: await chunk(n),
        expect: [200, 202],
      });
    }
    return { messageId };
  }

  /**
   * Ids waiting in the inbox, following v2 `links.next` pages. Re-polling after a full page of
   * 500 belongs after acknowledging (see pollMeshInbox): until then MESH lists the same ids again.
   */
  async listInbox(): Promise<string[]> {
    const ids = new Set<string>();
    let path = `${this.#mailboxPath()}/inbox?max_results=${MESH_INBOX_PAGE}`;
    for (;;) {
      const page = await this.#json<{ messages?: unknown; links?: { next?: unknown } }>(await this.#request('GET', path, { expect: [200] }));
      if (!Array.isArray(page.messages) || !page.messages.every((id) => typeof id === 'string')) {
        throw new MeshError(200, 'MESH_INVALID_RESPONSE', 'MESH inbox answer has no messages list');
      }
      const before = ids.size;
      for (const id of page.messages as string[]) ids.add(id);
      const next = page.links?.next;
      // A page adding nothing new would loop forever on a misbehaving server.
      if (typeof next !== 'string' || ids.size === before) return [...ids];
      path = this.#sameOriginPath(next);
    }
  }

  /** Downloads a message, fetching every chunk after a 206. Node's fetch undoes `content-encoding: gzip` per chunk. */
  async download(messageId: string): Promise<MeshDownload> {
    const path = `${this.#mailboxPath()}/inbox/${encodeURIComponent(messageId)}`;
    const first = await this.#request('GET', path, { expect: [200, 206] });
    const headers: Record<string, string> = {};
    first.headers.forEach((value, name) => { headers[name] = value; });
    const parts = [Buffer.from(await first.arrayBuffer())];
    if (first.status === 206) {
      const range = parseChunkRange(headers['mex-chunk-range']);
      if (!range || range.index !== 1) throw new MeshError(206, 'MESH_INVALID_RESPONSE', 'MESH sent part of a message without a valid Mex-Chunk-Range');
      for (let n = 2; n <= range.total; n++) {
        parts.push(Buffer.from(await (await this.#request('GET', `${path}/${n}`, { expect: [200, 206] })).arrayBuffer()));
      }
    }
    const body = Buffer.concat(parts);
    const checksum = /^sha256:([0-9a-f]{64})$/i.exec(headers['mex-content-checksum'] ?? '');
    // Only the form this client sends is checked; other senders' checksums are theirs to define.
    if (checksum && createHash('sha256').update(body).digest('hex') !== checksum[1]!.toLowerCase()) {
      throw new MeshError(first.status, 'MESH_CHECKSUM', `MESH message ${messageId} does not match its Mex-Content-Checksum`);
    }
    return { messageId, body, headers };
  }

  /** Removes a downloaded message from the inbox. */
  async acknowledge(messageId: string): Promise<void> {
    await this.#request('PUT', `${this.#mailboxPath()}/inbox/${encodeURIComponent(messageId)}/status/acknowledged`, { expect: [200] });
  }

  /** The status of a message this mailbox sent. */
  async tracking(messageId: string): Promise<MeshTracking> {
    const res = await this.#request('GET', `${this.#mailboxPath()}/outbox/tracking?message_id=${encodeURIComponent(messageId)}`, { expect: [200] });
    return this.#json<MeshTracking>(res);
  }

  /** The mailboxes registered to receive `workflowId` for an organisation (ODS code). */
  async endpointLookup(odsCode: string, workflowId: string): Promise<MeshEndpoint[]> {
    const res = await this.#request('GET', `/messageexchange/endpointlookup/${encodeURIComponent(odsCode)}/${encodeURIComponent(workflowId)}`, { expect: [200] });
    const { results } = await this.#json<{ results?: unknown }>(res);
    if (!Array.isArray(results)) throw new MeshError(200, 'MESH_INVALID_RESPONSE', 'MESH endpoint lookup answer has no results list');
    return results as MeshEndpoint[];
  }

  #mailboxPath(): string {
    return `/messageexchange/${encodeURIComponent(this.mailboxId)}`;
  }

  // A link elsewhere would receive an Authorization header meant for MESH.
  #sameOriginPath(link: string): string {
    const url = new URL(link, `${this.baseUrl}/`);
    if (url.origin !== new URL(this.baseUrl).origin) throw new MeshError(200, 'MESH_INVALID_RESPONSE', 'MESH inbox link points to another host');
    return `${url.pathname}${url.search}`;
  }

  async #request(method: string, path: string, init: RequestInit): Promise<Response> {
    const headers = {
      accept: MESH_V2_ACCEPT,
      authorization: buildMeshAuthHeader({ mailboxId: this.mailboxId, password: this.#password, sharedKey: this.#sharedKey }),
      ...init.headers,
    };
    const where = `${method} ${path.split('?')[0]}`;
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, { method, headers, body: init.body, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new MeshError(0, timedOut ? 'MESH_TIMEOUT' : 'MESH_NETWORK', `MESH ${timedOut ? 'did not answer in time' : 'could not be reached'}: ${where}`);
    }
    if (init.expect.includes(res.status)) return res;
    const text = await res.text().catch(() => '');
    const { errorCode, errorDescription } = parseMeshErrorBody(text);
    const detail = errorCode ? ` (MESH error ${errorCode}${errorDescription ? `: ${errorDescription}` : ''})` : '';
    throw new MeshError(res.status, `MESH_HTTP_${res.status}`, `MESH answered ${res.status} to ${where}${detail}`, errorCode);
  }

  async #json<T>(res: Response): Promise<T> {
    try {
      return (await res.json()) as T;
    } catch {
      throw new MeshError(res.status, 'MESH_INVALID_RESPONSE', `MESH answered ${res.status} with a body that is not JSON`);
    }
  }
}

function parseMeshErrorBody(text: string): { errorCode?: string; errorDescription?: string } {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const pick = (value: unknown) => (typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined);
    const errorCode = pick(body.errorCode);
    const errorDescription = pick(body.errorDescription);
    return { ...(errorCode ? { errorCode } : {}), ...(errorDescription ? { errorDescription } : {}) };
  } catch {
    return {};
  }
}
