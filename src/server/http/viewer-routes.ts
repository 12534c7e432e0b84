// Serves the viewer (web/, built by Vite into web/dist): hashed assets cached for a year, and the
// app's page for every other browser path, so /record/Patient/… and /callback load the app, which
// routes them. The page may load only this server's own scripts and styles, and talk only to it.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DEFAULT_VIEWER_DIR = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
  'referrer-policy': 'no-referrer',
};

/** Paths the app itself never owns: the API, sign-in and discovery answer there. */
const NOT_THE_APP = /^\/(fhir|oauth|\.well-known|healthz|assets)(\/|$)/;

export interface Viewer {
  /** True when `web/dist` holds a built viewer. */
  built: boolean;
  /** Sends the app's page for a browser path it routes; false when the path is not the app's. */
  sendPage(path: string, reply: FastifyReply): Promise<boolean>;
}

/** Registers the asset route and returns the page sender for the not-found fallback. */
export async function registerViewer(app: FastifyInstance, dir = DEFAULT_VIEWER_DIR): Promise<Viewer> {
  const built = await stat(join(dir, 'index.html')).then(() => true, () => false);
  app.get('/assets/*', async (req, reply) => {
    const wanted = normalize(join(dir, 'assets', (req.params as { '*': string })['*']));
    // normalize() resolves "..": anything that climbs out of the assets folder is simply not there.
    if (!wanted.startsWith(join(dir, 'assets') + sep)) return reply.callNotFound();
    const body = await readFile(wanted).catch(() => undefined);
    if (!body) return reply.callNotFound();
    return reply
      .header('content-type', TYPES[extname(wanted)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(body);
  });
  let page: Buffer | undefined;
  return {
    built,
    async sendPage(path, reply) {
      if (!built || NOT_THE_APP.test(path)) return false;
      page ??= await readFile(join(dir, 'index.html'));
      await reply.code(200).headers(PAGE_HEADERS).send(page);
      return true;
    },
  };
}
