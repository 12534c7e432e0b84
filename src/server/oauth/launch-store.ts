// EHR launch contexts (SMART App Launch): a registered system asks for one naming a person, and the
// sign-in that carries it redeems it once. Kept by SHA-256 hash in the database, valid five minutes.
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/driver.ts';

export const LAUNCH_LIFETIME_SECONDS = 300;
const PRUNE_EVERY_MS = 60_000;

/** What a launch opens, and which system asked for it. */
export interface StoredLaunch {
  clientId: string;
  patient: string;
}

/** Why a launch id cannot be used, in words a person signing in can act on. */
export type LaunchLookup = { ok: true; launch: StoredLaunch } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

interface LaunchRow {
  client_id: string;
  patient: string;
  used: boolean;
  expires_at: string | Date;
}

const hashOf = (launch: string): string => createHash('sha256').update(launch).digest('hex');

export class LaunchStore {
  private readonly db: Queryable;
  private lastPrune = 0;

  constructor(db: Queryable) {
    this.db = db;
  }

  /** Stores a launch and returns its id (256 random bits, base64url: never a JWT, which has dots). */
  async issue(launch: StoredLaunch, now: Date): Promise<string> {
    await this.prune(now);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + LAUNCH_LIFETIME_SECONDS * 1000);
    await this.db.query(
      'INSERT INTO oauth_launch (launch_hash, client_id, patient, expires_at) VALUES ($1, $2, $3, $4::timestamptz)',
      [hashOf(id), launch.clientId, launch.patient, expiresAt.toISOString()],
    );
    return id;
  }

  /** The launch if it could still be redeemed, without spending it (the sign-in page checks first). */
  async peek(id: string, now: Date): Promise<LaunchLookup> {
    const { rows } = await this.db.query<LaunchRow>('SELECT client_id, patient, used, expires_at FROM oauth_launch WHERE launch_hash = $1', [hashOf(id)]);
    return lookupOf(rows[0], now);
  }

  /**
   * Marks the launch used and returns it. The update is the check, so two sign-ins carrying the
   * same launch cannot both succeed.
   */
  async redeem(id: string, now: Date): Promise<LaunchLookup> {
    const { rows } = await this.db.query<{ client_id: string; patient: string }>(
      `UPDATE oauth_launch SET used = true WHERE launch_hash = $1 AND NOT used AND expires_at > $2::timestamptz
       RETURNING client_id, patient`,
      [hashOf(id), now.toISOString()],
    );
    const row = rows[0];
    if (row) return { ok: true, launch: { clientId: row.client_id, patient: row.patient } };
    const why = await this.peek(id, now);
    return why.ok ? { ok: false, reason: 'used' } : why;
  }

  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    // Kept a day past expiry, so a late click is told "expired" rather than "unknown".
    await this.db.query('DELETE FROM oauth_launch WHERE expires_at <= $1::timestamptz', [new Date(now.getTime() - 86_400_000).toISOString()]);
  }
}

function lookupOf(row: LaunchRow | undefined, now: Date): LaunchLookup {
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used) return { ok: false, reason: 'used' };
  if (new Date(row.expires_at).getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, launch: { clientId: row.client_id, patient: row.patient } };
}
