// The composition root: opens the database, migrates, loads the FHIR definitions and the instance
// key, and wires the repository and FHIR context. Passed explicitly; no globals.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinitions, type Definitions } from '../fhir/definitions.ts';
import { createSearchParamRegistry, type SearchParamRegistry } from '../fhir/search-parameters.ts';
import { SHIPPED_PROFILES_DIR } from '../ingest/csv/profile.ts';
import type { Driver } from '../store/driver.ts';
import { migrate } from '../store/migrate.ts';
import { PgDriver } from '../store/pg-driver.ts';
import { PgliteDriver } from '../store/pglite-driver.ts';
import { SqlRepository } from '../store/sql-repository.ts';
import { compartmentOwner } from '../store/index-rows.ts';
import { PreparePool } from '../store/prepare-pool.ts';
import { loadPolicy } from '../governance/policy/policy-config.ts';
import { samePersonSql } from '../identity/same-person-sql.ts';
import { createEventWorkers } from '../events/create-event-workers.ts';
import { DEFAULT_EVENT_SETTINGS, type EventsContext } from '../events/events-context.ts';
import type { EventWorkers } from '../events/event-workers.ts';
import { loadLocator } from '../events/locator/locator.ts';
import { SAMPLE_LOCATOR_DIR } from '../events/locator/locator-table.ts';
import { loadOrCreateInstanceKey, type InstanceKey } from './auth/instance-key.ts';
import type { Config } from './config.ts';
import { DEFAULT_SERVER_SETTINGS, type FhirContext } from './fhir-request.ts';

export interface Platform {
  config: Config;
  driver: Driver;
  definitions: Definitions;
  registry: SearchParamRegistry;
  repo: SqlRepository;
  fhir: FhirContext;
  key: InstanceKey;
  events: EventsContext;
  /** Routing and delivery; `serve` starts them (config.events), tests start them when they need them. */
  eventWorkers: EventWorkers;
  close(): Promise<void>;
}

export async function openDriver(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>, inMemory = false): Promise<Driver> {
  if (config.databaseUrl) return new PgDriver(config.databaseUrl, config.databasePoolSize);
  if (inMemory) return PgliteDriver.open();
  mkdirSync(config.dataDir, { recursive: true });
  return PgliteDriver.open(join(config.dataDir, 'pglite'));
}

export async function createPlatform(config: Config, options: { driver?: Driver } = {}): Promise<Platform> {
  const driver = options.driver ?? (await openDriver(config));
  await migrate(driver);
  const definitions = loadDefinitions();
  const registry = createSearchParamRegistry(definitions);
  const preparePool = config.writeWorkers > 0 ? new PreparePool(config.writeWorkers) : undefined;
  const repo = new SqlRepository(driver, { definitions, registry, ...(preparePool ? { preparePool } : {}) });
  const key = await loadOrCreateInstanceKey(config.keyFile);
  const governance = { policy: loadPolicy(config.policyFile), links: { samePersonSql }, resourceTypes: definitions.resourceTypes, directory: new Map() };
  const events: EventsContext = {
    repo, db: driver, governance,
    patientOf: (r) => compartmentOwner(r as unknown as Record<string, unknown>, registry, definitions.patientCompartmentParams(r.resourceType)),
    locator: await loadLocator(config.locatorDir ?? SAMPLE_LOCATOR_DIR),
    settings: { ...DEFAULT_EVENT_SETTINGS, pollMs: config.eventPollMs, maxAttempts: config.eventMaxAttempts, baseDelayMs: config.eventRetryBaseMs, leaseMs: config.eventLeaseMs,
      webhookAllow: { hosts: config.webhookAllow }, mailDir: config.mailDir ?? join(config.dataDir, 'mail-outbox'),
      baseUrl: config.baseUrl ?? `http://${config.host}:${config.port}/fhir` },
  };
  const eventWorkers = createEventWorkers(events, { warn: (message) => process.stderr.write(`${message}\n`) });
  const fhir: FhirContext = {
    repo,
    ingest: { repo, db: driver, profileDirs: [...config.profileDirs, SHIPPED_PROFILES_DIR] },
    definitions,
    registry,
    settings: { ...DEFAULT_SERVER_SETTINGS, allowUpdateCreate: config.allowUpdateCreate, maxBundleEntries: config.maxBundleEntries },
    governance,
    events,
  };
  const close = async () => {
    await eventWorkers.stop();
    await preparePool?.close();
    await driver.close();
  };
  return { config, driver, definitions, registry, repo, fhir, key, events, eventWorkers, close };
}
