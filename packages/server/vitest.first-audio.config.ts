// Runs bench/first-audio.bench-run.ts (Chromium, time to first agent audio over WebRTC against the
// WebSocket relay in the same run): `pnpm --filter @parley/server bench:first-audio`.
import { defineConfig } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['bench/first-audio.bench-run.ts'],
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
