// Opens the platform for a one-shot command (import, quarantine, lexicon) on the same database the
// server uses (./data, or DATABASE_URL), without the demo population, and always closes it.
import { loadConfig } from '../server/config.ts';
import { createPlatform, type Platform } from '../server/platform.ts';

/** Runs `fn` with a platform over the configured database; `dataDir` overrides the data directory. */
export async function withCliPlatform<T>(dataDir: string | undefined, fn: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await createPlatform(loadConfig({ ...(dataDir ? { dataDir } : {}), demo: false }));
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}
