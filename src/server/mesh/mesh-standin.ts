// A local MESH for tests and the demo, following NHS England's API v2 where our client and poller
// depend on it: NHSMESH auth with replay refusal, chunked upload and download, inbox paging, acknowledgement,
// error reports, tracking and endpoint lookup. In memory, plain HTTP (no mTLS), no 5-day expiry.
// See: https://digital.nhs.uk/developer/api-catalogue/message-exchange-for-social-care-and-health-api
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { MeshAuthVerifier } from '../../events/mesh/mesh-auth.ts';
import { MESH_INBOX_PAGE, MESH_MAX_CHUNK_BYTES, parseChunkRange, type MeshEndpoint } from '../../events/mesh/mesh-client.ts';

export interface MeshStandinOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  sharedKey: string;
  /** Mailbox id → password. */
  mailboxes: Record<string, string>;
  /** `ODS/WORKFLOW_ID` → the mailboxes endpoint lookup answers with. */
  endpoints?: Record<string, MeshEndpoint[]>;
  /** Largest request body (default: MESH's 100 MB and some room for gzip overhead). */
  bodyLimit?: number;
}

export type StandinMessageStatus = 'uploading' | 'accepted' | 'acknowledged' | 'undeliverable';

/** A message as the stand-in holds it; chunks stay as received (gzipped if sent so). */
export interface StandinMessage {
  messageId: string;
  /** Upload order. */
  sequence: number;
  messageType: 'DATA' | 'REPORT';
  from: string;
  to: string;
  workflowId: string;
  subject?: string;
  localId?: string;
  fileName?: string;
  checksum?: string;
  contentEncoding?: string;
  chunks: (Buffer | undefined)[];
  status: StandinMessageStatus;
  /** Reports and undeliverable messages: MESH's status code (e.g. `12`), text and the message reported on. */
  statusCode?: string;
  statusDescription?: string;
  linkedMessageId?: string;
  uploadedAt: Date;
  statusAt: Date;
}

export interface RunningMeshStandin {
  /** The MESH host to give MeshClient as `baseUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
  /** Every message held, oldest first (the live records: for tests to inspect). */
  messages(): readonly StandinMessage[];
}

type Params = Record<string, string | undefined>;

/** 100 GB (MESH's largest message) in 100 MB chunks; also keeps a forged range from allocating without bound. */
const MAX_CHUNKS = 1000;

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

// MESH's error body: the step that failed, a description, and for a refused send its two-digit code.
function refuse(reply: FastifyReply, status: number, errorEvent: string, errorDescription: string, errorCode?: string) {
  return reply.code(status).send({ errorEvent, errorDescription, ...(errorCode ? { errorCode } : {}) });
}

/** MESH-shaped ids (`yyyyMMddHHmmssSSS_XXXXXX`), unique and in upload order. */
function newMessageId(sequence: number): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 17);
  return `${stamp}${String(sequence % 1000).padStart(3, '0')}_${randomBytes(3).toString('hex').toUpperCase()}`;
}

class MeshPostOffice {
  readonly all: StandinMessage[] = [];
  readonly byId = new Map<string, StandinMessage>();
  readonly mailboxes: Map<string, string>;

  constructor(mailboxes: Record<string, string>) {
    this.mailboxes = new Map(Object.entries(mailboxes));
  }

  add(fields: Omit<StandinMessage, 'messageId' | 'sequence' | 'uploadedAt' | 'statusAt'>): StandinMessage {
    const now = new Date();
    const sequence = this.all.length;
    const message: StandinMessage = { ...fields, messageId: newMessageId(sequence), sequence, uploadedAt: now, statusAt: now };
    this.all.push(message);
    this.byId.set(message.messageId, message);
    return message;
  }

  setStatus(message: StandinMessage, status: StandinMessageStatus): void {
    message.status = status;
    message.statusAt = new Date();
  }

  /** All chunks are in: deliver, or report code 12 to the sender when the recipient does not exist. */
  complete(message: StandinMessage): void {
    if (this.mailboxes.has(message.to)) return this.setStatus(message, 'accepted');
    this.setStatus(message, 'undeliverable');
    Object.assign(message, { statusCode: '12', statusDescription: 'Unregistered to address' });
    this.add({
      messageType: 'REPORT', from: message.to, to: message.from, workflowId: message.workflowId,
      ...(message.localId ? { localId: message.localId } : {}),
      chunks: [Buffer.alloc(0)], status: 'accepted',
      statusCode: '12', statusDescription: 'Unregistered to address', linkedMessageId: message.messageId,
    });
  }

  inbox(mailbox: string): StandinMessage[] {
    return this.all.filter((m) => m.to === mailbox && m.status === 'accepted');
  }

  /** A message addressed to `mailbox` that has arrived (acknowledged ones too, for a 410). */
  received(mailbox: string, messageId: string | undefined): StandinMessage | undefined {
    const message = messageId ? this.byId.get(messageId) : undefined;
    return message && message.to === mailbox && (message.status === 'accepted' || message.status === 'acknowledged') ? message : undefined;
  }
}

function messageHeaders(m: StandinMessage): Record<string, string> {
  const headers: Record<string, string> = {
    'mex-messageid': m.messageId, 'mex-messagetype': m.messageType, 'mex-from': m.from, 'mex-to': m.to, 'mex-workflowid': m.workflowId,
  };
  const optional: Record<string, string | undefined> = {
    'mex-subject': m.subject, 'mex-localid': m.localId, 'mex-filename': m.fileName, 'mex-content-checksum': m.checksum,
    'content-encoding': m.contentEncoding,
  };
  if (m.messageType === 'REPORT') {
    Object.assign(optional, {
      'mex-statuscode': m.statusCode, 'mex-statusdescription': m.statusDescription, 'mex-linkedmsgid': m.linkedMessageId,
      'mex-statusevent': 'TRANSFER', 'mex-statussuccess': 'ERROR', 'mex-statustimestamp': m.statusAt.toISOString(),
    });
  }
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) headers[name] = value;
  return headers;
}

function sendChunk(reply: FastifyReply, message: StandinMessage, n: number) {
  const total = message.chunks.length;
  const headers = { ...messageHeaders(message), 'content-type': 'application/octet-stream', ...(total > 1 ? { 'mex-chunk-range': `${n}:${total}` } : {}) };
  return reply.code(n < total ? 206 : 200).headers(headers).send(message.chunks[n - 1]);
}

function trackingOf(m: StandinMessage): Record<string, unknown> {
  return {
    message_id: m.messageId, local_id: m.localId ?? null, workflow_id: m.workflowId, filename: m.fileName ?? null,
    sender: m.from, recipient: m.to, status: m.status, status_code: m.statusCode ?? null,
    status_description: m.statusDescription ?? null, status_timestamp: m.statusAt.toISOString(), upload_timestamp: m.uploadedAt.toISOString(),
  };
}

function registerOutbox(app: FastifyInstance, office: MeshPostOffice): void {
  app.post('/:mailbox/outbox', async (req, reply) => {
    const from = (req.params as Params).mailbox!;
    const to = headerOf(req, 'mex-to');
    const workflowId = headerOf(req, 'mex-workflowid');
    if (!to) return refuse(reply, 400, 'SEND', 'Missing Mex-To', '08');
    if (!workflowId) return refuse(reply, 400, 'SEND', 'Missing Mex-WorkflowID', '06');
    const claimedFrom = headerOf(req, 'mex-from');
    if (claimedFrom !== undefined && claimedFrom !== from) return refuse(reply, 400, 'SEND', 'Mex-From is not the sending mailbox', '07');
    const rangeHeader = headerOf(req, 'mex-chunk-range');
    const range = rangeHeader === undefined ? { index: 1, total: 1 } : parseChunkRange(rangeHeader);
    if (!range || range.index !== 1 || range.total > MAX_CHUNKS) return refuse(reply, 400, 'SEND', `Mex-Chunk-Range of a new message must be 1:n, n at most ${MAX_CHUNKS}`, '06');
    const optional: Record<string, string | undefined> = {
      subject: headerOf(req, 'mex-subject'), localId: headerOf(req, 'mex-localid'), fileName: headerOf(req, 'mex-filename'),
      checksum: headerOf(req, 'mex-content-checksum'), contentEncoding: headerOf(req, 'content-encoding'),
    };
    const chunks: (Buffer | undefined)[] = new Array(range.total).fill(undefined);
    chunks[0] = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const message = office.add({
      messageType: 'DATA', from, to, workflowId, chunks, status: 'uploading',
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    });
    if (range.total === 1) office.complete(message);
    return reply.code(202).send({ message_id: message.messageId });
  });

  app.post('/:mailbox/outbox/:messageId/:chunk', async (req, reply) => {
    const { mailbox, messageId, chunk } = req.params as Params;
    const message = messageId ? office.byId.get(messageId) : undefined;
    if (!message || message.from !== mailbox || message.messageType !== 'DATA') return refuse(reply, 404, 'SEND', 'Message does not exist');
    const n = Number(chunk);
    const range = parseChunkRange(headerOf(req, 'mex-chunk-range'));
    if (message.status !== 'uploading' || !range || range.index !== n || range.total !== message.chunks.length || n < 2 || message.chunks[n - 1]) {
      return refuse(reply, 400, 'SEND', 'Chunk number or Mex-Chunk-Range does not fit the message', '06');
    }
    message.chunks[n - 1] = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (message.chunks.every((c) => c !== undefined)) office.complete(message);
    return reply.code(202).send({ message_id: message.messageId, blocks_received: message.chunks.filter(Boolean).length });
  });

  app.get('/:mailbox/outbox/tracking', async (req, reply) => {
    const { mailbox } = req.params as Params;
    const messageId = (req.query as Params).message_id;
    const message = messageId ? office.byId.get(messageId) : undefined;
    if (!message || message.from !== mailbox || message.messageType !== 'DATA') return refuse(reply, 404, 'TRACK', 'Message does not exist');
    return reply.send(trackingOf(message));
  });
}

function registerInbox(app: FastifyInstance, office: MeshPostOffice): void {
  app.get('/:mailbox/inbox', async (req, reply) => {
    const mailbox = (req.params as Params).mailbox!;
    const query = req.query as Params;
    const inbox = office.inbox(mailbox);
    // Without the v2 media type MESH answers as v1: the first 500 ids and no paging.
    if (!(req.headers.accept ?? '').includes('application/vnd.mesh.v2+json')) return reply.send({ messages: inbox.slice(0, MESH_INBOX_PAGE).map((m) => m.messageId) });
    const max = query.max_results === undefined ? MESH_INBOX_PAGE : Number(query.max_results);
    if (!Number.isInteger(max) || max < 1 || max > MESH_INBOX_PAGE) return refuse(reply, 400, 'INBOX', `max_results must be 1 to ${MESH_INBOX_PAGE}`);
    // Continues after the anchor's place in upload order, even if it was acknowledged since.
    const anchor = query.continue_from ? office.byId.get(query.continue_from) : undefined;
    if (query.continue_from && !anchor) return refuse(reply, 400, 'INBOX', 'continue_from is not a message id');
    const rest = anchor ? inbox.filter((m) => m.sequence > anchor.sequence) : inbox;
    const page = rest.slice(0, max).map((m) => m.messageId);
    const next = rest.length > max
      ? `/messageexchange/${encodeURIComponent(mailbox)}/inbox?max_results=${max}&continue_from=${encodeURIComponent(page[page.length - 1]!)}`
      : undefined;
    return reply.send({ messages: page, links: { self: req.url, ...(next ? { next } : {}) }, approx_inbox_count: inbox.length });
  });

  app.get('/:mailbox/inbox/:messageId', async (req, reply) => {
    const { mailbox, messageId } = req.params as Params;
    const message = office.received(mailbox!, messageId);
    if (!message) return refuse(reply, 404, 'RETRIEVE', 'Message does not exist');
    if (message.status === 'acknowledged') return refuse(reply, 410, 'RETRIEVE', 'Message has been acknowledged');
    return sendChunk(reply, message, 1);
  });

  app.get('/:mailbox/inbox/:messageId/:chunk', async (req, reply) => {
    const { mailbox, messageId, chunk } = req.params as Params;
    const message = office.received(mailbox!, messageId);
    const n = Number(chunk);
    if (!message || !Number.isInteger(n) || n < 1 || n > message.chunks.length) return refuse(reply, 404, 'RETRIEVE', 'Message or chunk does not exist');
    if (message.status === 'acknowledged') return refuse(reply, 410, 'RETRIEVE', 'Message has been acknowledged');
    return sendChunk(reply, message, n);
  });

  app.put('/:mailbox/inbox/:messageId/status/acknowledged', async (req, reply) => {
    const { mailbox, messageId } = req.params as Params;
    const message = office.received(mailbox!, messageId);
    if (!message) return refuse(reply, 404, 'ACK', 'Message does not exist');
    // Acknowledging twice is harmless, so a retried acknowledgement succeeds.
    if (message.status !== 'acknowledged') office.setStatus(message, 'acknowledged');
    return reply.send({ message_id: message.messageId });
  });
}

/** Starts the stand-in on its own port, its API under `/messageexchange`. */
export async function startMeshStandin(options: MeshStandinOptions): Promise<RunningMeshStandin> {
  const office = new MeshPostOffice(options.mailboxes);
  const endpoints = new Map(Object.entries(options.endpoints ?? {}));
  const verifier = new MeshAuthVerifier({ sharedKey: options.sharedKey, passwordOf: (id) => office.mailboxes.get(id) });
  const app = Fastify({ logger: false });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Bodies are files, usually gzipped: kept as bytes, never parsed or decompressed.
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? MESH_MAX_CHUNK_BYTES + 1_000_000 }, (_req, body, done) => done(null, body));
    scope.addHook('onRequest', async (req, reply) => {
      const auth = verifier.verify(headerOf(req, 'authorization'));
      const mailbox = (req.params as Params).mailbox;
      // Checked before the body is read, so an unauthenticated upload costs nothing.
      if (!auth.ok || (mailbox !== undefined && mailbox !== auth.mailboxId)) return refuse(reply, 403, 'AUTH', 'Authentication failed');
    });
    scope.post('/:mailbox', async (req, reply) => reply.send({ mailbox_id: (req.params as Params).mailbox }));
    registerOutbox(scope, office);
    registerInbox(scope, office);
    scope.get('/endpointlookup/:ods/:workflowId', async (req, reply) => {
      const { ods, workflowId } = req.params as Params;
      return reply.send({ results: endpoints.get(`${ods}/${workflowId}`) ?? [] });
    });
  }, { prefix: '/messageexchange' });
  const url = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return { url, close: () => app.close(), messages: () => office.all };
}
