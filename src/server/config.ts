// Configuration: defaults that need nothing, then an optional JSON file, then environment
// variables, then command-line flags. Documented in docs/configuration.md.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** Embedded database and instance key live here. */
  dataDir: string;
  /** PostgreSQL server; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl?: string;
  databasePoolSize: number;
  /** Load a synthetic demo population on first start. */
  demo: boolean;
  demoPeople: number;
  /** Public FHIR base URL for links; derived from the request Host when absent. */
  baseUrl?: string;
  keyFile: string;
  allowUpdateCreate: boolean;
  bodyLimitBytes: number;
  maxJsonDepth: number;
  maxBundleEntries: number;
  /** Worker threads that validate and index large batches off the event loop (0: inline). */
  writeWorkers: number;
  logLevel: string;
  /** Folders of the deployment's own CSV profiles, searched before the shipped ones. */
  profileDirs: string[];
  /** Port of the HL7 v2 MLLP listener; absent: no listener. */
  mllpPort?: number;
  /** Interface the MLLP listener binds (default: the HTTP host). */
  mllpHost?: string;
  /** PDS FHIR base URL that `sharedcare trace` uses; absent: none (see docs/identity/pds.md). */
  pdsBaseUrl?: string;
  /** The deployment's information-governance policy (JSON); absent: the defaults (docs/governance/policy.md). */
  policyFile?: string;
  /** Offer the built-in identity provider's demo users (password "demo"): development only. */
  demoUsers: boolean;
  /** Run the event workers (routing, deliveries, heartbeats) in this process. */
  events: boolean;
  /** Private or loopback webhook receivers allowed despite the SSRF guard (IPs, CIDRs, host names). */
  webhookAllow: string[];
  /** The deployment's locator tables (postcodes.csv, overrides.csv, councils.csv); absent: the shipped sample. */
  locatorDir?: string;
  /** Where readable notices for councils without an endpoint are written (default <dataDir>/mail-outbox). */
  mailDir?: string;
  /** The built viewer (web/dist); tests point it at their own build. */
  viewerDir?: string;
  /** How often idle event workers look for work (ms). */
  eventPollMs: number;
  /** Delivery attempts before a dead letter. */
  eventMaxAttempts: number;
  /** First retry delay (ms); doubles per attempt up to an hour. */
  eventRetryBaseMs: number;
  /** How long a delivery in flight is held before another worker (or this one, restarted) sends it again (ms). */
  eventLeaseMs: number;
}

export const DEFAULT_CONFIG: Omit<Config, 'keyFile'> = {
  port: 8080,
  host: '127.0.0.1',
  dataDir: './data',
  databasePoolSize: 10,
  demo: true,
  demoPeople: 200,
  allowUpdateCreate: false,
  bodyLimitBytes: 16 * 1024 * 1024,
  maxJsonDepth: 64,
  maxBundleEntries: 10_000,
  // A worker needs a core of its own: on two, copying resources to workers costs more than the
  // fast-path validation they would take over, and they compete with the database (CSV: -15%).
  writeWorkers: availableParallelism() > 2 ? Math.min(availableParallelism() - 1, 4) : 0,
  logLevel: 'info',
  profileDirs: [],
  demoUsers: true,
  events: true,
  webhookAllow: [],
  eventPollMs: 100,
  eventMaxAttempts: 12,
  eventRetryBaseMs: 1000,
  eventLeaseMs: 30_000,
};

type Env = Record<string, string | undefined>;

const ENV: Array<[keyof Config, string, 'number' | 'string' | 'boolean']> = [
  ['port', 'SHAREDCARE_PORT', 'number'],
  ['host', 'SHAREDCARE_HOST', 'string'],
  ['dataDir', 'SHAREDCARE_DATA_DIR', 'string'],
  ['databaseUrl', 'DATABASE_URL', 'string'],
  ['databasePoolSize', 'SHAREDCARE_DB_POOL', 'number'],
  ['demo', 'SHAREDCARE_DEMO', 'boolean'],
  ['demoPeople', 'SHAREDCARE_DEMO_PEOPLE', 'number'],
  ['baseUrl', 'SHAREDCARE_BASE_URL', 'string'],
  ['keyFile', 'SHAREDCARE_KEY_FILE', 'string'],
  ['allowUpdateCreate', 'SHAREDCARE_UPDATE_CREATE', 'boolean'],
  ['bodyLimitBytes', 'SHAREDCARE_BODY_LIMIT', 'number'],
  ['maxJsonDepth', 'SHAREDCARE_MAX_JSON_DEPTH', 'number'],
  ['maxBundleEntries', 'SHAREDCARE_MAX_BUNDLE_ENTRIES', 'number'],
  ['writeWorkers', 'SHAREDCARE_WRITE_WORKERS', 'number'],
  ['logLevel', 'SHAREDCARE_LOG_LEVEL', 'string'],
  ['mllpPort', 'SHAREDCARE_MLLP_PORT', 'number'],
  ['mllpHost', 'SHAREDCARE_MLLP_HOST', 'string'],
  ['pdsBaseUrl', 'SHAREDCARE_PDS_URL', 'string'],
  ['policyFile', 'SHAREDCARE_POLICY', 'string'],
  ['demoUsers', 'SHAREDCARE_DEMO_USERS', 'boolean'],
  ['events', 'SHAREDCARE_EVENTS', 'boolean'],
  ['locatorDir', 'SHAREDCARE_LOCATOR_DIR', 'string'],
  ['mailDir', 'SHAREDCARE_MAIL_DIR', 'string'],
  ['viewerDir', 'SHAREDCARE_VIEWER_DIR', 'string'],
  ['eventPollMs', 'SHAREDCARE_EVENT_POLL_MS', 'number'],
  ['eventMaxAttempts', 'SHAREDCARE_EVENT_MAX_ATTEMPTS', 'number'],
  ['eventRetryBaseMs', 'SHAREDCARE_EVENT_RETRY_BASE_MS', 'number'],
  ['eventLeaseMs', 'SHAREDCARE_EVENT_LEASE_MS', 'number'],
];

function coerce(name: string, raw: string, kind: 'number' | 'string' | 'boolean'): unknown {
  if (kind === 'string') return raw;
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new Error(`${name} must be true or false`);
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

/** Builds the configuration; `overrides` come from command-line flags. Throws on bad values. */
export function loadConfig(overrides: Partial<Config> = {}, env: Env = process.env): Config {
  const file = env.SHAREDCARE_CONFIG ?? (existsSync('sharedcare.config.json') ? 'sharedcare.config.json' : undefined);
  const fromFile = file ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Config>) : {};
  const fromEnv: Partial<Config> = {};
  for (const [key, name, kind] of ENV) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') (fromEnv as Record<string, unknown>)[key] = coerce(name, raw, kind);
  }
  const merged = { ...DEFAULT_CONFIG, ...fromFile, ...fromEnv, ...stripUndefined(overrides) } as Config;
  merged.dataDir = resolve(merged.dataDir);
  const profileDirs = env.SHAREDCARE_PROFILE_DIRS ? env.SHAREDCARE_PROFILE_DIRS.split(':').filter(Boolean) : merged.profileDirs;
  merged.profileDirs = profileDirs.map((dir) => resolve(dir));
  merged.keyFile = resolve(merged.keyFile ?? join(merged.dataDir, 'instance-key.jwk'));
  if (env.SHAREDCARE_WEBHOOK_ALLOW && overrides.webhookAllow === undefined) merged.webhookAllow = env.SHAREDCARE_WEBHOOK_ALLOW.split(',').map((h) => h.trim()).filter(Boolean);
  merged.mailDir = resolve(merged.mailDir ?? join(merged.dataDir, 'mail-outbox'));
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
