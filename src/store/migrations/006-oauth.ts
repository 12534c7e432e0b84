// OAuth clients, authorisation codes and the client-assertion jti replay guard. Codes and jtis
// live in the database, not in memory, so a restart or a second server instance honours them.
export const name = 'oauth';
export const sql = `
-- Registered clients. kind: system (client credentials) | user-app (authorization code).
-- A client with neither jwks nor jku_urls is public (PKCE only, token_endpoint_auth none).
CREATE TABLE oauth_client (
  client_id text PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('system', 'user-app')),
  jwks jsonb,
  jku_urls jsonb NOT NULL DEFAULT '[]'::jsonb,
  scope text NOT NULL,
  organization text,
  redirect_uris jsonb NOT NULL DEFAULT '[]'::jsonb,
  trusted boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Assertion ids seen per client, kept until the assertion expires (SMART Backend Services:
-- a jti already seen for that client within its lifetime is refused).
CREATE TABLE oauth_jti (
  client_id text NOT NULL,
  jti text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX oauth_jti_expires ON oauth_jti (expires_at);

-- One-time authorisation codes, stored by hash so a database read does not yield usable codes.
-- signed_in is the user as the identity provider described them at sign-in.
CREATE TABLE oauth_code (
  code_hash text PRIMARY KEY,
  client_id text NOT NULL,
  redirect_uri text NOT NULL,
  user_id text NOT NULL,
  signed_in jsonb NOT NULL,
  scope text NOT NULL,
  code_challenge text NOT NULL,
  patient text,
  nonce text,
  expires_at timestamptz NOT NULL,
  used boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_code_expires ON oauth_code (expires_at);
`;
