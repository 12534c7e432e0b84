// Signing and verifying webhook bodies: the header format, a reference HMAC computed here
// independently, tampering, wrong secrets, malformed headers and the replay window.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './webhook-signature.ts';

const SECRET = 'whsec-test-4f1c';
const BODY = JSON.stringify({ resourceType: 'Bundle', type: 'history', entry: [{ fullUrl: 'Encounter/e1' }] });
const NOW_MS = Date.UTC(2026, 0, 15, 9, 30);
const TIMESTAMP = Math.floor(NOW_MS / 1000);

describe('signWebhook', () => {
  it('is sha256= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`${TIMESTAMP}.${BODY}`, 'utf8').digest('hex');
    expect(signWebhook(SECRET, TIMESTAMP, BODY)).toBe(`sha256=${expected}`);
    expect(signWebhook(SECRET, String(TIMESTAMP), BODY)).toBe(`sha256=${expected}`);
  });

  it('signs string and byte bodies alike, including non-ASCII text', () => {
    const text = '{"name":"Siân Ó Briain"}';
    expect(signWebhook(SECRET, TIMESTAMP, Buffer.from(text, 'utf8'))).toBe(signWebhook(SECRET, TIMESTAMP, text));
  });

  it('changes with the secret, the timestamp and the body', () => {
    const base = signWebhook(SECRET, TIMESTAMP, BODY);
    expect(signWebhook('other', TIMESTAMP, BODY)).not.toBe(base);
    expect(signWebhook(SECRET, TIMESTAMP + 1, BODY)).not.toBe(base);
    expect(signWebhook(SECRET, TIMESTAMP, `${BODY} `)).not.toBe(base);
  });
});

describe('verifyWebhook', () => {
  const header = signWebhook(SECRET, TIMESTAMP, BODY);

  it('accepts a genuine signature within the window, as string or bytes', () => {
    expect(verifyWebhook(SECRET, header, String(TIMESTAMP), BODY, 300, NOW_MS)).toBe(true);
    expect(verifyWebhook(SECRET, header.toUpperCase().replace('SHA256=', 'sha256='), TIMESTAMP, Buffer.from(BODY), 300, NOW_MS)).toBe(true);
  });

  it('rejects a tampered body, a wrong secret or a moved timestamp', () => {
    expect(verifyWebhook(SECRET, header, TIMESTAMP, BODY.replace('e1', 'e2'), 300, NOW_MS)).toBe(false);
    expect(verifyWebhook('wrong-secret', header, TIMESTAMP, BODY, 300, NOW_MS)).toBe(false);
    expect(verifyWebhook(SECRET, header, TIMESTAMP + 1, BODY, 300, NOW_MS)).toBe(false);
  });

  it('rejects timestamps outside the tolerance in either direction, and honours a custom tolerance', () => {
    expect(verifyWebhook(SECRET, header, TIMESTAMP, BODY, 300, NOW_MS + 300_000)).toBe(true);
    expect(verifyWebhook(SECRET, header, TIMESTAMP, BODY, 300, NOW_MS + 301_000)).toBe(false);
    expect(verifyWebhook(SECRET, header, TIMESTAMP, BODY, 300, NOW_MS - 301_000)).toBe(false);
    expect(verifyWebhook(SECRET, header, TIMESTAMP, BODY, 30, NOW_MS + 60_000)).toBe(false);
  });

  it('uses the clock when no time is given', () => {
    const fresh = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(SECRET, signWebhook(SECRET, fresh, BODY), fresh, BODY)).toBe(true);
    expect(verifyWebhook(SECRET, header, TIMESTAMP, BODY)).toBe(false);
  });

  it.each([
    ['missing header', undefined, TIMESTAMP],
    ['empty header', '', TIMESTAMP],
    ['no scheme', header.slice('sha256='.length), TIMESTAMP],
    ['other algorithm', header.replace('sha256=', 'sha1='), TIMESTAMP],
    ['truncated digest', header.slice(0, -2), TIMESTAMP],
    ['non-hex digest', `sha256=${'z'.repeat(64)}`, TIMESTAMP],
    ['missing timestamp', header, undefined],
    ['non-numeric timestamp', header, `${TIMESTAMP}abc`],
    ['negative timestamp', header, `-${TIMESTAMP}`],
  ])('rejects a %s without throwing', (_case, badHeader, badTimestamp) => {
    expect(verifyWebhook(SECRET, badHeader, badTimestamp, BODY, 300, NOW_MS)).toBe(false);
  });
});
