// One-time authorisation codes (RFC 6749 §4.1.2): kept by SHA-256 hash in the database so a restart
// or another server instance honours them, valid for 60 seconds, and redeemable exactly once.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../../store/driver.ts';
import type { SignedInUser } from './identity-provider.ts';

export const CODE_LIFETIME_SECONDS = 60;
const PRUNE_EVERY_MS = 60_000;

/** What the sign-in granted, waiting for the client to exchange the code. */
export interface AuthorizationGrant {
  clientId: string;
  redirectUri: string;
  user: SignedInUser;
  scope: string;
  /** PKCE S256 challenge (RFC 7636). */
  codeChallenge: string;
  patient?: string;
  nonce?: string;
}

interface CodeRow {
  client_id: string;
  redirect_uri: string;
  signed_in: SignedInUser;
  scope: string;
  code_challenge: string;
  patient: string | null;
  nonce: string | null;
}

const hashOf = (code: string): string => createHash('sha256').update(code).digest('hex');

export class CodeStore {
  private readonly db: Queryable;
  private lastPrune = 0;

  constructor(db: Queryable) {
    this.db = db;
  }

  /** Stores the grant and returns its code (256 random bits, base64url). */
  async issue(grant: AuthorizationGrant, now: Date): Promise<string> {
    await this.prune(now);
    const code = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + CODE_LIFETIME_SECONDS * 1000);
    await this.db.query(
      `INSERT INTO oauth_code (code_hash, client_id, redirect_uri, user_id, signed_in, scope, code_challenge, patient, nonce, expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10::timestamptz)`,
      [hashOf(code), grant.clientId, grant.redirectUri, grant.user.id, JSON.stringify(grant.user), grant.scope, grant.codeChallenge,
        grant.patient ?? null, grant.nonce ?? null, expiresAt.toISOString()],
    );
    return code;
  }

  /**
   * Marks the code used and returns its grant; undefined when it is unknown, expired or already
   * used. The update is the check, so two concurrent redemptions cannot both succeed.
   */
  async redeem(code: string, now: Date): Promise<AuthorizationGrant | undefined> {
    const { rows } = await this.db.query<CodeRow>(
      `UPDATE oauth_code SET used = true WHERE code_hash = $1 AND NOT used AND expires_at > $2::timestamptz
       RETURNING client_id, redirect_uri, signed_in, scope, code_challenge, patient, nonce`,
      [hashOf(code), now.toISOString()],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      user: row.signed_in,
      scope: row.scope,
      codeChallenge: row.code_challenge,
      ...(row.patient ? { patient: row.patient } : {}),
      ...(row.nonce ? { nonce: row.nonce } : {}),
    };
  }

  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.db.query('DELETE FROM oauth_code WHERE expires_at <= $1::timestamptz', [now.toISOString()]);
  }
}
