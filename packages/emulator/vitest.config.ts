import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Socket tests run real speech synthesis and pacing; on a busy 2-core CI box they need headroom.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    reporters,
    outputFile,
  },
});
