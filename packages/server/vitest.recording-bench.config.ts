// Runs bench/recording-cpu.bench-run.ts (relay CPU per session with and without recording, same
// run): `pnpm --filter @parley/server bench:recording`.
import { defineConfig } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['bench/recording-cpu.bench-run.ts'],
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
