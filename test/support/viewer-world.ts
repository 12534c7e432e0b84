// A listening sharedcare with the built viewer and a small synthetic demo population, for browser
// tests: the same server, sign-in and data a person trying the demo gets, on a test database.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { loadDemoPopulation } from '../../src/cli/demo-population.ts';
import { demoPopulation } from '../../src/cli/serve-command.ts';
import type { Config } from '../../src/server/config.ts';
import { startTestPlatform, type TestPlatform } from './test-platform.ts';

/** The viewer build the tests serve: `npm test` builds web/dist first; SHAREDCARE_VIEWER_DIR points elsewhere. */
export const VIEWER_DIR = process.env.SHAREDCARE_VIEWER_DIR ?? join(import.meta.dirname, '..', '..', 'web', 'dist');

export interface ViewerWorld {
  t: TestPlatform;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** Searches as the operator (for finding test people); returns the matching resources. */
  search<T extends Resource = Resource>(type: string, query: string): Promise<T[]>;
  close(): Promise<void>;
}

/** `config` overrides the deployment's settings, e.g. a `policyFile` that turns on consent to view. */
export async function startViewerWorld(options: { people?: number; config?: Partial<Config> } = {}): Promise<ViewerWorld> {
  if (!existsSync(join(VIEWER_DIR, 'index.html'))) throw new Error(`No built viewer in ${VIEWER_DIR}: run npm run build:web`);
  const t = await startTestPlatform({ baseUrl: undefined, viewerDir: VIEWER_DIR, ...options.config });
  await loadDemoPopulation(t.platform.fhir, demoPopulation(options.people ?? 60));
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    t,
    origin: address,
    async search<T extends Resource>(type: string, query: string) {
      const res = await t.request('GET', `/fhir/${type}?${query}`);
      if (res.status !== 200) throw new Error(`search ${type}?${query}: ${res.status} ${res.text.slice(0, 300)}`);
      return ((res.body as Bundle).entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource as T);
    },
    close: () => t.close(),
  };
}
