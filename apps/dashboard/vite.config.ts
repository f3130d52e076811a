import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page is served by the gateway from dist/web, offline: relative asset URLs, no CDN.
export default defineConfig({
  root: fileURLToPath(new URL('src/web', import.meta.url)),
  base: './',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('dist/web', import.meta.url)),
    emptyOutDir: true,
    // elkjs alone is ~1.4 MB: it is loaded only when a statechart is shown.
    chunkSizeWarningLimit: 2_000,
    sourcemap: false,
  },
});
