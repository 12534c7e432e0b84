// EHR launch contexts: a registered system asks for one to open the viewer on a person, and the
// authorisation step redeems it once. In the database, so any server instance honours it.
export const name = 'launch';
export const sql = `
-- One row per launch, stored by SHA-256 hash of its random id (a database read yields no usable
-- launch). patient is the Patient id the launch opens; used flips once, at sign-in.
CREATE TABLE oauth_launch (
  launch_hash text PRIMARY KEY,
  client_id text NOT NULL,
  patient text NOT NULL,
  expires_at timestamptz NOT NULL,
  used boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_launch_expires ON oauth_launch (expires_at);
`;
