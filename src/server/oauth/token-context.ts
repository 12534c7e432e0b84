// What the token endpoint needs, built once per server and given a fresh clock per request.
import type { ClientLookup } from '../../governance/clients.ts';
import type { InstanceKey } from '../auth/instance-key.ts';
import type { RemoteKeySets } from './client-keys.ts';
import type { CodeStore } from './code-store.ts';
import type { OAuthEndpoints } from './endpoints.ts';
import type { JtiStore } from './jti-store.ts';

/** Access tokens live 15 minutes; there are no refresh tokens, so apps sign in again after that. */
export const ACCESS_TOKEN_SECONDS = 900;

export interface TokenContext {
  key: InstanceKey;
  clients: ClientLookup;
  jtis: JtiStore;
  codes: CodeStore;
  remoteKeys: RemoteKeySets;
  endpoints: OAuthEndpoints;
  now: Date;
}

/** The successful token response (RFC 6749 §5.1, SMART launch context). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  id_token?: string;
  patient?: string;
}
