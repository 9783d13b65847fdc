/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Static files only: relative asset URLs are not needed because the site is
// always served from the root of its origin ("/"), next to the API's /admin/*.
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    // Keep every asset a separate file: inlined data: URLs would need a
    // looser Content-Security-Policy than default-src 'self'.
    assetsInlineLimit: 0,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-router marks its modules "use client"; irrelevant in a plain SPA.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    port: 5173,
    // `npm run dev` against a running `make dev` API (port 9003).
    proxy: { '/admin': 'http://127.0.0.1:9003' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
    restoreMocks: true,
    // The 5 s default is too short for a dialog test on a loaded 2-core
    // machine; a hung test still fails, after 30 s.
    testTimeout: 30_000,
  },
});
