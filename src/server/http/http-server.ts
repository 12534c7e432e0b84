// The HTTP edge (Fastify): turns requests into FhirRequests, enforces body limits, content types
// and authentication, and turns every error into an OperationOutcome. No FHIR logic lives here.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { FhirError } from '../../fhir/errors.ts';
import { authenticate, type Principal } from '../auth/tokens.ts';
import type { FhirRequest, HttpMethod } from '../fhir-request.ts';
import { errorResponse } from '../outcome.ts';
import type { Platform } from '../platform.ts';
import { auditUnauthenticated, handleFhirRequest } from '../governed-dispatch.ts';
import { registerOAuthRoutes } from '../oauth/oauth-routes.ts';
import { parseJsonBody } from './json-body.ts';
import { registerViewer } from './viewer-routes.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JSON_TYPES = ['application/fhir+json', 'application/json', 'application/json-patch+json', 'text/json'];
/** Bodies handed to operations as a Readable stream: CSV extracts, NDJSON, HL7 v2 (ER7) files. */
const STREAMED_TYPES = ['text/csv', 'application/fhir+ndjson', 'application/x-ndjson', 'application/ndjson', 'x-application/hl7-v2+er7', 'text/plain'];
const XML_TYPES = /(^|\/|\+)xml\b/;
const ANONYMOUS: Principal = { subject: 'anonymous', scope: '', scopes: [] };

function sendOutcome(reply: FastifyReply, err: unknown, requestId: string, log: FastifyRequest['log']): FastifyReply {
  const { status, body, known } = errorResponse(err, requestId);
  // Log the category and code only: messages may quote client input.
  if (known) log.info({ requestId, status, code: (err as FhirError).code }, 'request refused');
  else log.error({ requestId, err: { name: (err as Error)?.name, message: (err as Error)?.message, stack: (err as Error)?.stack } }, 'request failed');
  // RFC 7235 §3.1: a 401 must carry a challenge; RFC 6750 §3 names the Bearer scheme.
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="sharedcare"');
  return reply.code(status).header('content-type', FHIR_JSON).send(JSON.stringify(body));
}

/** Translates framework-level failures (body size, media type) into product errors. */
function frameworkError(err: { code?: string; statusCode?: number; message?: string }): FhirError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FhirError('too-large', 'HTTP_BODY_TOO_LARGE', 'The request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new FhirError('unsupported-media', 'HTTP_MEDIA_TYPE', 'Send FHIR resources as application/fhir+json (XML is not supported)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FhirError('invalid', 'HTTP_BODY', 'The request body is empty or its length is wrong');
    default:
      return err.statusCode && err.statusCode < 500 ? new FhirError('invalid', 'HTTP_REQUEST', 'The HTTP request is malformed') : undefined;
  }
}

function baseUrlOf(req: FastifyRequest, configured?: string): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${req.protocol}://${req.headers.host ?? 'localhost'}/fhir`;
}

function wantsXmlOnly(req: FastifyRequest, query: Array<[string, string]>): boolean {
  const format = query.find(([k]) => k === '_format')?.[1];
  if (format !== undefined) return XML_TYPES.test(format) || format === 'xml';
  const accept = req.headers.accept;
  return !!accept && XML_TYPES.test(accept) && !/json|\*\/\*/.test(accept);
}

export async function buildHttpServer(platform: Platform): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    bodyLimit: config.bodyLimitBytes,
    logger: { level: config.logLevel, serializers: { req: (r) => ({ method: r.method, path: r.url.split('?')[0] }) } },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  });

  // Personal data must not be kept by browsers or proxies, nor sniffed into another content type.
  app.addHook('onSend', async (_req, reply) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string, config.maxJsonDepth));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, [...new URLSearchParams(body as string)]);
  });

  // Extracts and feeds go to the importers as streams, so a 1 GB CSV is never held in memory.
  app.addContentTypeParser(STREAMED_TYPES, (_req, payload, done) => done(null, payload));

  app.setErrorHandler((err, req, reply) => {
    const translated = err instanceof FhirError ? err : (frameworkError(err as { code?: string }) ?? err);
    return sendOutcome(reply, translated, String(req.id), req.log);
  });
  const viewer = await registerViewer(app, config.viewerDir);
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0]!;
    // Browsers navigating get the app, which routes the path; API clients get an OperationOutcome.
    const navigating = req.method === 'GET' && /\btext\/html\b/.test(req.headers.accept ?? '');
    if (navigating && (await viewer.sendPage(path, reply))) return reply;
    return sendOutcome(reply, new FhirError('not-found', 'HTTP_NOT_FOUND', 'Nothing is served at this path'), String(req.id), req.log);
  });

  app.get('/healthz', async (_req, reply) => {
    await platform.driver.query('SELECT 1');
    return reply.send({ status: 'ok', database: platform.driver.name });
  });
  await registerOAuthRoutes(app, platform);
  // Without a built viewer (`npm run build:web`), the root says what is running and how to use it.
  if (!viewer.built) app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(landingPage()));

  const handleFhir = async (req: FastifyRequest, reply: FastifyReply) => {
    const requestId = String(req.id);
    reply.header('x-request-id', requestId);
    const url = new URL(req.url, 'http://local');
    const segments = url.pathname.replace(/^\/fhir\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
    let query = [...url.searchParams];
    if (wantsXmlOnly(req, query)) {
      return sendOutcome(reply, new FhirError('not-acceptable', 'HTTP_NOT_ACCEPTABLE', 'This server answers in FHIR JSON only'), requestId, req.log);
    }
    let body = req.body;
    // POST _search: parameters may arrive in the form body as well as the URL.
    if (Array.isArray(body) && req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      query = [...query, ...(body as Array<[string, string]>)];
      body = undefined;
    }
    const method = req.method as HttpMethod;
    const isMetadata = segments.length === 1 && segments[0] === 'metadata' && method === 'GET';
    // Only operations ($import, $import-csv…) read streamed extracts; resources travel as JSON.
    if (body instanceof Readable && !segments.at(-1)?.startsWith('$')) {
      body.resume();
      return sendOutcome(reply, new FhirError('unsupported-media', 'HTTP_MEDIA_TYPE', 'Send FHIR resources as application/fhir+json'), requestId, req.log);
    }
    const fhirReq: FhirRequest = {
      method,
      segments,
      query,
      header: (name) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      body,
      baseUrl: baseUrlOf(req, config.baseUrl),
      principal: ANONYMOUS,
      requestId,
      network: req.ip,
    };
    if (!isMetadata) {
      try {
        fhirReq.principal = await authenticate(platform.key, req.headers.authorization);
      } catch (err) {
        // Refused before anything was read, but a refusal all the same: audited.
        await auditUnauthenticated(fhirReq, platform.fhir, err);
        throw err;
      }
    }
    const res = await handleFhirRequest(fhirReq, platform.fhir);
    reply.code(res.status).headers(res.headers ?? {});
    if (res.body === undefined) return reply.send();
    const pretty = query.some(([k, v]) => k === '_pretty' && v === 'true');
    return reply.header('content-type', FHIR_JSON).send(JSON.stringify(res.body, null, pretty ? 2 : undefined));
  };
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/fhir', handler: handleFhir, exposeHeadRoute: false });
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/fhir/*', handler: handleFhir, exposeHeadRoute: false });
  return app;
}

function landingPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sharedcare</title></head>
<body><main><h1>sharedcare</h1><p>The shared health and social care record is running.</p>
<ul><li>FHIR R4 API: <a href="/fhir/metadata">/fhir/metadata</a></li><li>Health: <a href="/healthz">/healthz</a></li></ul>
<p>The viewer is not built: run <code>npm run build:web</code> and restart.</p>
<p>Get a token with <code>npx sharedcare token --scope "system/*.cruds"</code>.</p></main></body></html>`;
}
