import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Parley's own code (core, audio-worklets, react) goes into one chunk, so
// scripts/check-bundle-size.mjs can hold it to a budget apart from React and the demo's UI. zod
// is not in it: core loads it lazily, only for a JSON Schema client tool's first call.
const parleyModules = /[\\/]packages[\\/](core|audio-worklets|react)[\\/]/;

// What core loads on demand (a GPT-Live connection, the beta dialect, WebRTC): each its own chunk,
// fetched when first needed, so a Realtime visitor downloads none of it. The parley group takes
// only what the page loads up front (`$initial`), so these stay out of it;
// scripts/check-bundle-size.mjs fails the build if one of them is loaded up front.
const lazyParleyGroups = [
  {
    name: 'parley-live',
    test: /[\\/]packages[\\/]core[\\/]src[\\/](session[\\/]live-|protocol[\\/]adapters[\\/]live|protocol[\\/]live[\\/]|machine[\\/]live)/,
  },
  { name: 'parley-beta', test: /[\\/]packages[\\/]core[\\/]src[\\/]protocol[\\/]beta-/ },
  { name: 'parley-webrtc', test: /[\\/]packages[\\/]core[\\/]src[\\/]transport[\\/]/ },
];

const reactModules = /[\\/]node_modules[\\/](\.pnpm[\\/])?(react|react-dom|scheduler)[@\\/]/;

export default defineConfig({
  plugins: [react()],
  // Workspace packages are bundled from their TypeScript sources (their `source` export), so the
  // demo never runs against a stale build of core or the bindings.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
  preview: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
  build: {
    sourcemap: true,
    // Which chunks load up front and which on demand: read by scripts/bundle-size.mjs.
    manifest: true,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React first (higher priority), so the parley group's dependencies do not pull it in.
            { name: 'react', test: reactModules, priority: 3 },
            { name: 'parley', test: parleyModules, tags: ['$initial'], priority: 2 },
            ...lazyParleyGroups.map((group) => ({ ...group, priority: 1 })),
          ],
        },
      },
    },
  },
});
