// `sharedcare serve`: builds the platform, loads the demo population on first start, listens,
// and shuts down cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { mountPdsStandin } from '../identity/pds/pds-standin.ts';
import { PDS_BASE_PATH } from '../identity/pds/spine-codes.ts';
import { Hl7Ingestor } from '../ingest/hl7/hl7-ingestor.ts';
import { startMllpListener } from '../ingest/hl7/mllp-listener.ts';
import { loadConfig, type Config } from '../server/config.ts';
import { buildHttpServer } from '../server/http/http-server.ts';
import { createPlatform } from '../server/platform.ts';
import { hasAnyPatient, loadDemoPopulation } from './demo-population.ts';
import type { GenerateOptions } from './generate/generate-population.ts';
import { buildStandinPopulation } from './pds-standin-population.ts';

export const DEMO_SEED = 1;

/**
 * The demo population: `people` of seed 1, one in forty with a long, busy record (~300 resources),
 * so the viewer is tried on records as full as real ones. The PDS stand-in's spine is the same people.
 */
export function demoPopulation(people: number): GenerateOptions {
  return { people, seed: DEMO_SEED, heavyPeople: Math.floor(people / 40) };
}

export const SERVE_HELP = `sharedcare serve [options]

  --port N         HTTP port (default 8080, env SHAREDCARE_PORT)
  --host H         interface to listen on (default 127.0.0.1, env SHAREDCARE_HOST)
  --data DIR       data directory for the embedded database and instance key (default ./data)
  --no-demo        do not load the synthetic demo population on first start
  --demo-people N  size of the demo population (default 200)
  --mllp-port N    also listen for HL7 v2 ADT feeds over MLLP on this port (env SHAREDCARE_MLLP_PORT);
                   ACK AA once the message is committed, AE/AR with the reason otherwise
  --mllp-host H    interface for the MLLP listener (default: the --host interface)
  --webhook-allow H  let webhooks reach this private or loopback receiver (an IP, CIDR or host name;
                   repeat for more; env SHAREDCARE_WEBHOOK_ALLOW=a,b): on-premise council systems, tests
  --no-events      do not run the event workers (routing, deliveries) in this process
  --pds-standin    also serve a stand-in PDS FHIR API at ${PDS_BASE_PATH} whose spine holds the
                   demo population (for sharedcare trace; see docs/identity/pds.md)

  DATABASE_URL=postgres://… uses a PostgreSQL server instead of the embedded database.`;

export async function runServeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'no-demo': { type: 'boolean' },
      'demo-people': { type: 'string' },
      'mllp-port': { type: 'string' },
      'mllp-host': { type: 'string' },
      'pds-standin': { type: 'boolean' },
      'webhook-allow': { type: 'string', multiple: true },
      'no-events': { type: 'boolean' },
    },
  });
  const overrides: Partial<Config> = {
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
    ...(values['no-demo'] ? { demo: false } : {}),
    ...(values['demo-people'] ? { demoPeople: Number(values['demo-people']) } : {}),
    ...(values['mllp-port'] ? { mllpPort: Number(values['mllp-port']) } : {}),
    ...(values['mllp-host'] ? { mllpHost: values['mllp-host'] } : {}),
    ...(values['webhook-allow'] ? { webhookAllow: values['webhook-allow'] } : {}),
    ...(values['no-events'] ? { events: false } : {}),
  };
  for (const [flag, port] of [['--port', overrides.port], ['--mllp-port', overrides.mllpPort]] as const) {
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
      process.stderr.write(`${flag} must be a port number\n`);
      return 2;
    }
  }
  const config = loadConfig(overrides);
  const platform = await createPlatform(config);
  if (config.demo && !(await hasAnyPatient(platform.fhir))) {
    const started = Date.now();
    process.stdout.write(`Loading a synthetic demo population of ${config.demoPeople} people…\n`);
    const loaded = await loadDemoPopulation(platform.fhir, demoPopulation(config.demoPeople));
    process.stdout.write(`Loaded ${loaded.resources} resources from FHIR Bundles, ${loaded.csvRows} council CSV rows and ` +
      `${loaded.hl7Messages} hospital ADT messages in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${loaded.quarantined} bad on purpose, now in the quarantine: sharedcare quarantine list); ` +
      `their source records are ${loaded.persons} persons (sharedcare review list)\n`);
  }
  const app = await buildHttpServer(platform);
  // The stand-in's spine is the demo population (same size and seed), so tracing the demo finds its people.
  const spine = values['pds-standin'] ? buildStandinPopulation(demoPopulation(config.demoPeople)) : undefined;
  if (spine) await mountPdsStandin(app, spine.population);
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`sharedcare is running on ${address} (FHIR R4 at ${address}/fhir, database: ${platform.driver.name})\n`);
  if (config.demoUsers) process.stdout.write(`Open the viewer at ${address}/ and sign in as one of the demo users (password "demo")\n`);
  if (spine) process.stdout.write(`PDS stand-in at ${address}${PDS_BASE_PATH} (${spine.population.patients.length} people on the spine)\n`);
  const mllp = config.mllpPort !== undefined
    ? await startMllpListener({ port: config.mllpPort, host: config.mllpHost ?? config.host }, new Hl7Ingestor(platform.fhir.ingest, {
      origin: `mllp ${config.mllpHost ?? config.host}:${config.mllpPort}`,
      log: (line) => process.stderr.write(`${line}\n`),
    }))
    : undefined;
  if (mllp) process.stdout.write(`HL7 v2 MLLP listener on ${mllp.host}:${mllp.port}\n`);
  if (config.events) platform.eventWorkers.start();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await mllp?.close();
  await app.close();
  await platform.close();
  return 0;
}
