// Lets a receiver prove a notification came from us and is fresh: an HMAC-SHA256 over
// "<timestamp>.<body>" with the subscription's shared secret, in the Stripe/GitHub style.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/** The `x-sharedcare-signature` value: `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function signWebhook(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  return `sha256=${hmac(secret, String(timestamp), body).toString('hex')}`;
}

/**
 * True when `header` signs `timestamp` and `body` with `secret`, and the timestamp (Unix seconds)
 * is within `toleranceSeconds` of `now` (milliseconds, default the clock), which limits replays.
 */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  timestamp: string | number | undefined,
  body: string | Uint8Array,
  toleranceSeconds = 300,
  now: number = Date.now(),
): boolean {
  const match = SIGNATURE_PATTERN.exec(header?.trim() ?? '');
  const stamp = String(timestamp ?? '');
  if (!match || !/^\d{1,12}$/.test(stamp)) return false;
  if (Math.abs(now / 1000 - Number(stamp)) > toleranceSeconds) return false;
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), hmac(secret, stamp, body));
}

function hmac(secret: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}
