// The instance signing key (ES256): generated on first use and kept beside the data, so tokens
// printed by `sharedcare token` are accepted by `sharedcare serve` on the same data directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';

export const SIGNING_ALG = 'ES256';

export interface InstanceKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

/** Loads the key at `file`, creating it (mode 0600) if it does not exist. */
export async function loadOrCreateInstanceKey(file: string): Promise<InstanceKey> {
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const jwk = await exportJWK(privateKey);
    jwk.kid = `sc-${Date.now().toString(36)}`;
    jwk.alg = SIGNING_ALG;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const { d: _private, ...publicJwk } = jwk;
  return {
    kid: jwk.kid!,
    privateKey: (await importJWK(jwk, SIGNING_ALG)) as CryptoKey,
    publicKey: (await importJWK(publicJwk, SIGNING_ALG)) as CryptoKey,
    publicJwk,
  };
}
