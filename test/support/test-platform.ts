// A whole sharedcare platform over a test database, with helpers to mint tokens and make
// in-process HTTP requests (Fastify inject) or listen on a real port for external clients.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { issueToken, type IssueOptions } from '../../src/server/auth/tokens.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { buildHttpServer } from '../../src/server/http/http-server.ts';
import { createPlatform, type Platform } from '../../src/server/platform.ts';
import { openTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  token(scope?: string, options?: Omit<IssueOptions, 'scope'>): Promise<string>;
  /** An in-process request; `body` objects are sent as FHIR JSON. */
  request(method: string, url: string, options?: { body?: unknown; headers?: Record<string, string>; token?: string | null }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
  text: string;
}

export async function startTestPlatform(overrides: Partial<Config> = {}): Promise<TestPlatform> {
  const db: TestDatabase = await openTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'sharedcare-test-'));
  const config = loadConfig({ dataDir, demo: false, logLevel: 'silent', baseUrl: 'http://sharedcare.test/fhir', ...overrides }, {});
  const platform = await createPlatform(config, { driver: db.driver });
  const app = await buildHttpServer(platform);
  const defaultToken = await issueToken(platform.key, { scope: 'system/*.cruds' });
  return {
    platform,
    app,
    token: (scope = 'system/*.cruds', options = {}) => issueToken(platform.key, { scope, ...options }),
    async request(method, url, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const token = options.token === undefined ? defaultToken : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (options.body !== undefined) {
        payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/fhir+json';
      }
      const res = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
      let body: unknown;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, headers: res.headers, body, text: res.body };
    },
    async close() {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
