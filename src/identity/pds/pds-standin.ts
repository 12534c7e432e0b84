// Serves the stand-in PDS over HTTP with Fastify, under the same path as NHS England's API, either
// mounted on sharedcare's own server (`serve --pds-standin`) or alone on a port (tests, tools).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import { handlePdsRequest } from './pds-standin-handler.ts';
import type { PdsPopulation } from './pds-population.ts';
import { PDS_BASE_PATH } from './spine-codes.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export interface RunningPdsStandin {
  /** The FHIR base, e.g. `http://127.0.0.1:41234/personal-demographics/FHIR/R4`. */
  url: string;
  close(): Promise<void>;
}

/** Adds the stand-in's routes to an app under `prefix` (default `/personal-demographics/FHIR/R4`). */
export async function mountPdsStandin(app: FastifyInstance, population: PdsPopulation, prefix = PDS_BASE_PATH): Promise<void> {
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(req.url, 'http://local');
    const res = handlePdsRequest(population, {
      method: req.method,
      path: url.pathname.slice(prefix.length),
      query: [...url.searchParams],
      header: (name) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
      baseUrl: `${req.protocol}://${req.headers.host ?? 'localhost'}${prefix}`,
    });
    return reply.code(res.status).headers(res.headers).header('content-type', FHIR_JSON).send(JSON.stringify(res.body));
  };
  await app.register(async (scope) => {
    scope.get('/*', handle);
    // Anything else under the prefix gets PDS's own refusal rather than the host server's 404.
    scope.setNotFoundHandler(handle);
  }, { prefix });
}

/** Starts the stand-in alone; port 0 picks a free port. */
export async function startPdsStandin(population: PdsPopulation, options: { port?: number; host?: string } = {}): Promise<RunningPdsStandin> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  await mountPdsStandin(app, population);
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return { url: `${address}${PDS_BASE_PATH}`, close: () => app.close() };
}
