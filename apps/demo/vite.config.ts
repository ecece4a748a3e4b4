import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Parley's own code (core, audio-worklets, react) goes into one chunk, so
// scripts/check-bundle-size.mjs can hold it to a budget apart from React and the demo's UI. zod
// is not in it: core loads it lazily, only for a JSON Schema client tool's first call.
const parleyModules = /[\\/]packages[\\/](core|audio-worklets|react)[\\/]/;
// What core imports lazily keeps its own chunks (the WebRTC transport on the first WebRTC connect,
// the beta dialect and the GPT-Live runtime on their first session), so a Realtime GA visitor on
// WebSocket does not download them.
const lazyParleyModules =
  /[\\/]core[\\/]src[\\/](transport[\\/](webrtc-transport|media-levels)|protocol[\\/]beta-dialect|session[\\/]live-runtime)\.ts$/;

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
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React first (higher priority), so the parley group's dependencies do not pull it in.
            { name: 'react', test: reactModules, priority: 2 },
            {
              name: 'parley',
              test: (id: string) => parleyModules.test(id) && !lazyParleyModules.test(id),
              priority: 1,
            },
          ],
        },
      },
    },
  },
});
