// Builds the viewer into web/dist, which `sharedcare serve` serves at /. During development,
// `npx vite web` proxies the API to a running server (SHAREDCARE_URL, default localhost:8080).
import { cpSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const api = process.env.SHAREDCARE_URL ?? 'http://localhost:8080';
const nhsukAssets = join(dirname(createRequire(import.meta.url).resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk', 'assets');

/** NHS.UK frontend's stylesheet names its icons at /assets/images/…; ship them there. */
function nhsukImages(): Plugin {
  let outDir = '';
  return {
    name: 'nhsuk-images',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      cpSync(join(nhsukAssets, 'images'), join(outDir, 'assets', 'images'), { recursive: true });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), nhsukImages()],
  // NHS.UK frontend's stylesheet comes minified, with old-IE hacks (`@media screen\0`) that minifiers reject.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, cssMinify: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/fhir': api, '/oauth': api, '/.well-known': api } },
});
