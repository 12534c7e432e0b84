// The replay guard for client assertions: a jti is accepted once per client until the assertion
// could no longer be accepted anyway. In the database, so every server instance shares it.
// See: https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html (jti)
import type { Queryable } from '../../store/driver.ts';

const PRUNE_EVERY_MS = 60_000;

export class JtiStore {
  private readonly db: Queryable;
  private lastPrune = 0;

  constructor(db: Queryable) {
    this.db = db;
  }

  /**
   * Records the jti atomically; false when the client already used it and that use has not expired.
   * Two concurrent claims of one jti serialise on the primary key, so exactly one succeeds.
   */
  async claim(clientId: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.prune(now);
    const { rows } = await this.db.query(
      `INSERT INTO oauth_jti (client_id, jti, expires_at) VALUES ($1, $2, $3::timestamptz)
       ON CONFLICT (client_id, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE oauth_jti.expires_at <= $4::timestamptz
       RETURNING jti`,
      [clientId, jti, expiresAt.toISOString(), now.toISOString()],
    );
    return rows.length === 1;
  }

  /** True when the client used this jti and that use has not expired: a check that spends nothing. */
  async isUsed(clientId: string, jti: string, now: Date): Promise<boolean> {
    const { rows } = await this.db.query('SELECT 1 FROM oauth_jti WHERE client_id = $1 AND jti = $2 AND expires_at > $3::timestamptz', [clientId, jti, now.toISOString()]);
    return rows.length > 0;
  }

  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.db.query('DELETE FROM oauth_jti WHERE expires_at <= $1::timestamptz', [now.toISOString()]);
  }
}
