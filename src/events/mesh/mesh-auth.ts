// MESH's own Authorization header: an HMAC over the mailbox, a fresh nonce and the time, built anew
// for every request by the client and checked (with replay refusal) by the local stand-in.
// See: https://digital.nhs.uk/developer/api-catalogue/message-exchange-for-social-care-and-health-api
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const MESH_AUTH_SCHEME = 'NHSMESH';

/** How far a header's timestamp may be from the verifier's clock, either way (MESH allows 2 hours). */
export const MESH_AUTH_WINDOW_MS = 2 * 60 * 60 * 1000;

export interface MeshCredentials {
  mailboxId: string;
  password: string;
  /** The environment's shared secret, the HMAC key (the same for every mailbox in an environment). */
  sharedKey: string;
}

/** `yyyyMMddHHmm` in UTC, as MESH expects. */
export function meshTimestamp(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-T:]/g, '');
}

function parseMeshTimestamp(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  // Date.UTC rolls over impossible dates (month 13), which would not round-trip.
  return meshTimestamp(new Date(ms)) === text ? ms : undefined;
}

function meshHash(sharedKey: string, mailboxId: string, nonce: string, nonceCount: string, password: string, timestamp: string): string {
  return createHmac('sha256', sharedKey).update(`${mailboxId}:${nonce}:${nonceCount}:${password}:${timestamp}`).digest('hex');
}

/** A header value `NHSMESH {mailbox}:{nonce}:{nonce_count}:{yyyyMMddHHmm}:{hash}`; a new nonce each call unless given. */
export function buildMeshAuthHeader(credentials: MeshCredentials, options: { nonce?: string; nonceCount?: number; now?: Date } = {}): string {
  const { mailboxId, password, sharedKey } = credentials;
  const nonce = options.nonce ?? randomUUID();
  const nonceCount = String(options.nonceCount ?? 1);
  const timestamp = meshTimestamp(options.now ?? new Date());
  const hash = meshHash(sharedKey, mailboxId, nonce, nonceCount, password, timestamp);
  return `${MESH_AUTH_SCHEME} ${mailboxId}:${nonce}:${nonceCount}:${timestamp}:${hash}`;
}

export type MeshAuthRefusal = 'missing' | 'malformed' | 'unknown-mailbox' | 'bad-hash' | 'stale' | 'replayed';

export type MeshAuthResult = { ok: true; mailboxId: string } | { ok: false; reason: MeshAuthRefusal };

export interface MeshAuthVerifierOptions {
  sharedKey: string;
  /** The mailbox's password, or undefined when the mailbox does not exist. */
  passwordOf: (mailboxId: string) => string | undefined;
  windowMs?: number;
}

/** Checks headers and remembers nonces until they would be stale anyway, so memory stays bounded. */
export class MeshAuthVerifier {
  readonly #sharedKey: string;
  readonly #passwordOf: (mailboxId: string) => string | undefined;
  readonly #windowMs: number;
  /** `mailbox:nonce` → when it may be forgotten (its timestamp plus the window). */
  readonly #seenNonces = new Map<string, number>();
  #nextSweep = 0;

  constructor(options: MeshAuthVerifierOptions) {
    this.#sharedKey = options.sharedKey;
    this.#passwordOf = options.passwordOf;
    this.#windowMs = options.windowMs ?? MESH_AUTH_WINDOW_MS;
  }

  verify(header: string | undefined, now: Date = new Date()): MeshAuthResult {
    if (!header) return { ok: false, reason: 'missing' };
    const m = /^NHSMESH ([^:\s]+):([^:\s]+):(\d+):(\d{12}):([0-9a-f]{64})$/i.exec(header.trim());
    if (!m) return { ok: false, reason: 'malformed' };
    const [, mailboxId, nonce, nonceCount, timestamp, hash] = m as unknown as [string, string, string, string, string, string];
    const at = parseMeshTimestamp(timestamp);
    if (at === undefined) return { ok: false, reason: 'malformed' };
    const password = this.#passwordOf(mailboxId);
    if (password === undefined) return { ok: false, reason: 'unknown-mailbox' };
    const expected = Buffer.from(meshHash(this.#sharedKey, mailboxId, nonce, nonceCount, password, timestamp), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) return { ok: false, reason: 'bad-hash' };
    if (Math.abs(now.getTime() - at) > this.#windowMs) return { ok: false, reason: 'stale' };
    this.#forgetStale(now.getTime());
    // A nonce is single-use per mailbox whatever its count: a captured header must not be replayable.
    const key = `${mailboxId}:${nonce}`;
    if (this.#seenNonces.has(key)) return { ok: false, reason: 'replayed' };
    this.#seenNonces.set(key, at + this.#windowMs);
    return { ok: true, mailboxId };
  }

  #forgetStale(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 60_000;
    for (const [key, forgetAt] of this.#seenNonces) if (forgetAt < now) this.#seenNonces.delete(key);
  }
}
