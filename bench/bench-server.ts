// The real HTTP edge for the benchmark: Fastify listening on loopback, a system bearer token, and a
// GET helper that reads the whole answer (undici's fetch keeps connections alive).
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../src/server/auth/tokens.ts';
import { buildHttpServer } from '../src/server/http/http-server.ts';
import type { Platform } from '../src/server/platform.ts';
import type { HttpTarget } from './ingest.ts';

export interface BenchServer extends HttpTarget {
  close(): Promise<void>;
}

export async function startBenchServer(platform: Platform): Promise<BenchServer> {
  const app: FastifyInstance = await buildHttpServer(platform);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = await issueToken(platform.key, { scope: 'system/*.cruds', subject: 'benchmark', expiresInSeconds: 6 * 3600 });
  return { fhirBase: `${address}/fhir`, token, close: () => app.close() };
}

/** GETs `path` (relative to the FHIR base), consumes the body and returns the parsed JSON. */
export async function getJson<T = unknown>(target: HttpTarget, path: string): Promise<T> {
  const res = await fetch(`${target.fhirBase}/${path}`, {
    headers: { accept: 'application/fhir+json', authorization: `Bearer ${target.token}` },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
