// The HL7 v2 MLLP listener hospitals send ADT feeds to: a TCP server on the given host and port,
// MLLP framing by @medplum/hl7's Hl7Connection on each socket, and each connection's messages
// handled strictly one after another, each acknowledged only once its handler has answered.
// See: https://www.hl7.org/documentcenter/public/wg/inm/mllp_transport_specification.PDF
import net from 'node:net';
import { Hl7Message } from '@medplum/core';
import { Hl7Connection, type Hl7ErrorEvent, type Hl7MessageEvent } from '@medplum/hl7';
import { hl7Unsupported } from './hl7-errors.ts';
import { buildAck } from './hl7-ack.ts';
import { splitMessages } from './hl7-text.ts';

/** What the listener needs of an ingestor: one message text in, its acknowledgement out. */
export interface Hl7MessageHandler {
  handle(text: string, where?: string): Promise<{ ack: string }>;
}

export interface MllpListenerOptions {
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  /** Interface to bind (default 127.0.0.1: only this machine). */
  host?: string;
  /** Character set of the feed (default utf-8; many PAS feeds are iso-8859-1). */
  encoding?: string;
  /** A frame larger than this closes the connection (default 1 MiB; ADT messages are a few kB). */
  maxMessageBytes?: number;
  /** How long close() lets connections finish before cutting them (default 10 s). */
  drainTimeoutMs?: number;
  /** Told about connection problems; never given message content. */
  log?: (line: string) => void;
}

export interface MllpListener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, lets messages in flight finish and be acknowledged, then closes every connection. */
  close(): Promise<void>;
}

const FS = 0x1c;
const CR = 0x0d;

/**
 * Mirrors Hl7Connection's framing rule (a frame ends with a chunk ending FS CR) to bound frame size
 * and keep the last frame's bytes: Hl7Connection drops a frame it cannot parse, and it must still be
 * answered AR and quarantined.
 */
class FrameWatch {
  private chunks: Buffer[] = [];
  private size = 0;
  last: Buffer = Buffer.alloc(0);
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** False when the frame has grown past the limit. */
  push(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (chunk.at(-2) === FS && chunk.at(-1) === CR) {
      this.last = Buffer.concat(this.chunks);
      this.chunks = [];
      this.size = 0;
    }
    return this.size <= this.max;
  }
}

function isParseFailure(error: Error): boolean {
  return (error as { type?: string }).type === 'entity.parse.failed' || error.message === 'Invalid HL7 message';
}

class MllpSession {
  private chain: Promise<void> = Promise.resolve();
  /** Closing: messages that arrive now are not taken (unacknowledged, the sender sends them again). */
  private draining = false;
  private readonly socket: net.Socket;
  private readonly connection: Hl7Connection;
  private readonly handler: Hl7MessageHandler;
  private readonly options: MllpListenerOptions;
  private readonly watch: FrameWatch;
  private readonly where: string;
  readonly closed: Promise<void>;

  constructor(socket: net.Socket, handler: Hl7MessageHandler, options: MllpListenerOptions) {
    this.socket = socket;
    this.handler = handler;
    this.options = options;
    this.where = `mllp ${socket.remoteAddress}:${socket.remotePort}`;
    this.watch = new FrameWatch(options.maxMessageBytes ?? 1024 * 1024);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    // Registered before Hl7Connection's own listener, so the frame is known when its parse fails.
    socket.prependListener('data', (chunk: Buffer) => {
      if (!this.watch.push(chunk)) {
        options.log?.(`hl7: ${this.where} sent a frame over ${options.maxMessageBytes ?? 1024 * 1024} bytes; connection closed`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    // An ACK is a small write the sender is waiting for: send it now rather than batching (Nagle).
    socket.setNoDelay(true);
    this.connection = new Hl7Connection(socket, options.encoding ?? 'utf-8');
    this.connection.addEventListener('message', (event: Hl7MessageEvent) => this.received(event.message));
    this.connection.addEventListener('error', (event: Hl7ErrorEvent) => this.failed(event.error));
  }

  /** Runs work after everything already queued on this connection: messages are handled in order. */
  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => {
      this.options.log?.(`hl7: ${this.where}: ${(err as Error).name ?? 'error'} while acknowledging`);
    });
  }

  private received(message: Hl7Message): void {
    if (this.draining) return;
    // Frames that arrive in one TCP chunk reach us joined; each is still its own message.
    for (const frame of splitMessages(message.toString())) this.enqueue(() => this.answer(frame.text));
  }

  private failed(error: Error): void {
    if (!isParseFailure(error) || this.draining) return;
    const raw = new TextDecoder(this.options.encoding ?? 'utf-8').decode(this.watch.last).replace(/^\u000b|\u001c\r$/g, '');
    // Hl7Connection keeps the unparseable bytes in its buffer, so nothing after them can be read:
    // answer AR, then close so the sender reconnects with a clean stream.
    this.enqueue(async () => {
      await this.answer(raw, this.where);
      this.socket.end();
    });
  }

  private async answer(text: string, where?: string): Promise<void> {
    let ack: string;
    try {
      ack = (await this.handler.handle(text, where)).ack;
    } catch (err) {
      this.options.log?.(`hl7: ${this.where}: message not processed (${(err as Error).name ?? 'error'})`);
      const message = (() => {
        try {
          return Hl7Message.parse(text);
        } catch {
          return undefined;
        }
      })();
      ack = buildAck(message, undefined, 'AR', hl7Unsupported('INGEST_HL7_INTERNAL', 'The message could not be processed now; send it again later'));
    }
    if (!this.socket.destroyed && this.socket.writable) this.connection.send(Hl7Message.parse(ack));
  }

  /** Takes no more messages, waits (up to the timeout) for queued ones to be answered, then ends the connection. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.chain, timeout]);
    this.socket.end();
    await Promise.race([this.closed, timeout]);
    clearTimeout(timer);
    this.socket.destroy();
  }
}

/**
 * Starts listening. Rejects (EADDRINUSE, EACCES…) if the port cannot be bound, rather than retrying.
 * Messages are handed to `handler` (an Hl7Ingestor) one connection at a time, in arrival order.
 */
export async function startMllpListener(options: MllpListenerOptions, handler: Hl7MessageHandler): Promise<MllpListener> {
  const host = options.host ?? '127.0.0.1';
  const sessions = new Set<MllpSession>();
  let closing = false;
  const server = net.createServer((socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const session = new MllpSession(socket, handler, options);
    sessions.add(session);
    void session.closed.then(() => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err: Error & { code?: string }) => options.log?.(`hl7: MLLP listener error ${err.code ?? err.name}`));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host,
    port,
    async close() {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...sessions].map((s) => s.drain(options.drainTimeoutMs ?? 10_000)));
      await stopped;
    },
  };
}
