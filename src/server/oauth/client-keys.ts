// Which keys may verify a client's assertion: its registered JWKS, or a JWKS URL it registered.
// A `jku` header is followed only when it names one of the client's registered URLs exactly, so
// an attacker cannot point the server at their own keys (or make it fetch anything else).
// See: https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { OAuthClient } from '../../governance/clients.ts';
import { OAuthError } from './oauth-error.ts';

/** Remote JWKS fetchers, one per URL, so their caches and cool-downs live as long as the server. */
export class RemoteKeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();

  get(url: string): JWTVerifyGetKey {
    let set = this.sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
      this.sets.set(url, set);
    }
    return set;
  }
}

/** The key source for this client and assertion header; throws invalid_client when there is none. */
export function clientKeys(client: OAuthClient, jku: string | undefined, remote: RemoteKeySets): JWTVerifyGetKey {
  if (jku !== undefined) {
    if (!client.jkuUrls.includes(jku)) throw new OAuthError('invalid_client', 'The assertion names a jku that is not registered for this client');
    return remote.get(jku);
  }
  if (client.jwks) return createLocalJWKSet(client.jwks as JSONWebKeySet);
  const [only] = client.jkuUrls;
  if (only !== undefined && client.jkuUrls.length === 1) return remote.get(only);
  if (client.jkuUrls.length > 1) throw new OAuthError('invalid_client', 'This client registered several JWKS URLs: name one in the jku header');
  throw new OAuthError('invalid_client', 'This client has no keys registered; it cannot use a signed assertion');
}
