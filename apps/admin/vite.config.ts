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
  build: { sourcemap: true, chunkSizeWarningLimit: 700 },
}));
