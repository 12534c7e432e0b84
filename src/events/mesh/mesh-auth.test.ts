// The NHSMESH header: its shape and HMAC (checked against an independent computation), and every
// reason the verifier refuses one: wrong secret or password, unknown mailbox, stale, replayed, malformed.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildMeshAuthHeader, MeshAuthVerifier, meshTimestamp } from './mesh-auth.ts';

const credentials = { mailboxId: 'X26ABC1', password: 'password', sharedKey: 'TestKey' };
const at = new Date('2024-03-05T09:07:30Z');
const verifier = () => new MeshAuthVerifier({ sharedKey: 'TestKey', passwordOf: (id) => (id === 'X26ABC1' ? 'password' : undefined) });

describe('buildMeshAuthHeader', () => {
  it('formats the timestamp as yyyyMMddHHmm in UTC', () => {
    expect(meshTimestamp(at)).toBe('202403050907');
    expect(meshTimestamp(new Date('2024-12-31T23:59:59.999Z'))).toBe('202412312359');
  });

  it('signs mailbox:nonce:count:password:timestamp with HMAC-SHA256 keyed by the shared secret', () => {
    const header = buildMeshAuthHeader(credentials, { nonce: 'abc-123', nonceCount: 1, now: at });
    const expected = createHmac('sha256', 'TestKey').update('X26ABC1:abc-123:1:password:202403050907').digest('hex');
    expect(header).toBe(`NHSMESH X26ABC1:abc-123:1:202403050907:${expected}`);
  });

  it('uses a new nonce every time', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => buildMeshAuthHeader(credentials).split(':')[1]));
    expect(nonces.size).toBe(20);
  });
});

describe('MeshAuthVerifier', () => {
  it('accepts a fresh header and names its mailbox', () => {
    expect(verifier().verify(buildMeshAuthHeader(credentials, { now: at }), at)).toEqual({ ok: true, mailboxId: 'X26ABC1' });
  });

  it('refuses a reused nonce, even with a different count', () => {
    const v = verifier();
    const header = buildMeshAuthHeader(credentials, { nonce: 'n1', now: at });
    expect(v.verify(header, at).ok).toBe(true);
    expect(v.verify(header, at)).toEqual({ ok: false, reason: 'replayed' });
    expect(v.verify(buildMeshAuthHeader(credentials, { nonce: 'n1', nonceCount: 2, now: at }), at)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts up to two hours of clock difference either way, and no more', () => {
    const v = verifier();
    const twoHours = 2 * 60 * 60 * 1000;
    expect(v.verify(buildMeshAuthHeader(credentials, { now: new Date(at.getTime() - twoHours + 60_000) }), at).ok).toBe(true);
    expect(v.verify(buildMeshAuthHeader(credentials, { now: new Date(at.getTime() + twoHours - 60_000) }), at).ok).toBe(true);
    expect(v.verify(buildMeshAuthHeader(credentials, { now: new Date(at.getTime() - twoHours - 60_000) }), at)).toEqual({ ok: false, reason: 'stale' });
    expect(v.verify(buildMeshAuthHeader(credentials, { now: new Date(at.getTime() + twoHours + 60_000) }), at)).toEqual({ ok: false, reason: 'stale' });
  });

  it('forgets old nonces without letting them be replayed (they are stale by then)', () => {
    const v = verifier();
    const header = buildMeshAuthHeader(credentials, { nonce: 'old', now: at });
    expect(v.verify(header, at).ok).toBe(true);
    const later = new Date(at.getTime() + 3 * 60 * 60 * 1000);
    expect(v.verify(buildMeshAuthHeader(credentials, { now: later }), later).ok).toBe(true);
    expect(v.verify(header, later)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a wrong password, a wrong shared secret and a tampered hash', () => {
    const v = verifier();
    expect(v.verify(buildMeshAuthHeader({ ...credentials, password: 'guess' }, { now: at }), at)).toEqual({ ok: false, reason: 'bad-hash' });
    expect(v.verify(buildMeshAuthHeader({ ...credentials, sharedKey: 'OtherKey' }, { now: at }), at)).toEqual({ ok: false, reason: 'bad-hash' });
    const good = buildMeshAuthHeader(credentials, { now: at });
    const flipped = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    expect(v.verify(flipped, at)).toEqual({ ok: false, reason: 'bad-hash' });
    // A refused header does not use up its nonce.
    expect(v.verify(good, at).ok).toBe(true);
  });

  it('refuses an unknown mailbox, a missing header and malformed ones', () => {
    const v = verifier();
    expect(v.verify(buildMeshAuthHeader({ ...credentials, mailboxId: 'X26ZZZ9' }, { now: at }), at)).toEqual({ ok: false, reason: 'unknown-mailbox' });
    expect(v.verify(undefined, at)).toEqual({ ok: false, reason: 'missing' });
    const good = buildMeshAuthHeader(credentials, { now: at });
    for (const bad of [good.replace('NHSMESH', 'Bearer'), good.slice(0, -2), 'NHSMESH X26ABC1:n:1:202413010000:' + 'a'.repeat(64), good.replace(':1:', ':one:')]) {
      expect(v.verify(bad, at)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});
