import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig(({ mode }) => ({
  base: '/admin/',
  plugins: [svelte(), ...(mode === 'test' ? [svelteTesting()] : [])],
  // Workspace packages resolve to their TypeScript sources, so the console never bundles a stale
  // build of @parley/svelte, @parley/core or the server's schemas.
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
  build: {
    sourcemap: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        // The console runs under a CSP without 'unsafe-eval', so zod must not compile parsers
        // with `new Function` (its probe alone reports a violation). Zod reads its settings from
        // this global when it loads, and schemas read them when they are built: it has to be set
        // before zod's own chunk runs, which no module of the app can do (chunks it imports run
        // first).
        banner: (chunk) =>
          chunk.moduleIds.some((id) => /[\\/]zod[\\/]/.test(id))
            ? 'globalThis.__zod_globalConfig = { ...globalThis.__zod_globalConfig, jitless: true };'
            : '',
      },
    },
  },
}));
