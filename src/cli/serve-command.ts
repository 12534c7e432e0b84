// `sharedcare serve`: builds the platform, loads the demo population on first start, listens,
// and shuts down cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../server/config.ts';
import { buildHttpServer } from '../server/http/http-server.ts';
import { createPlatform } from '../server/platform.ts';
import { hasAnyPatient, loadBundles } from './demo-population.ts';
import { generatePopulation } from './generate/generate-population.ts';

export const SERVE_HELP = `sharedcare serve [options]

  --port N         HTTP port (default 8080, env SHAREDCARE_PORT)
  --host H         interface to listen on (default 127.0.0.1, env SHAREDCARE_HOST)
  --data DIR       data directory for the embedded database and instance key (default ./data)
  --no-demo        do not load the synthetic demo population on first start
  --demo-people N  size of the demo population (default 200)

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
    },
  });
  const overrides: Partial<Config> = {
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
    ...(values['no-demo'] ? { demo: false } : {}),
    ...(values['demo-people'] ? { demoPeople: Number(values['demo-people']) } : {}),
  };
  if (overrides.port !== undefined && !(Number.isInteger(overrides.port) && overrides.port >= 0 && overrides.port < 65536)) {
    process.stderr.write('--port must be a port number\n');
    return 2;
  }
  const config = loadConfig(overrides);
  const platform = await createPlatform(config);
  if (config.demo && !(await hasAnyPatient(platform.fhir))) {
    const started = Date.now();
    process.stdout.write(`Loading a synthetic demo population of ${config.demoPeople} people…\n`);
    const loaded = await loadBundles(platform.fhir, generatePopulation({ people: config.demoPeople, seed: 1 }));
    process.stdout.write(`Loaded ${loaded.resources} resources in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const app = await buildHttpServer(platform);
  const address = await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`sharedcare is running on ${address} (FHIR R4 at ${address}/fhir, database: ${platform.driver.name})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await platform.close();
  return 0;
}
