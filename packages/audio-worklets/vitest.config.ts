import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser suites run real-time audio: one Chromium at a time keeps them from starving
    // each other (and the fake microphone) of CPU on a small machine.
    fileParallelism: false,
    reporters,
    outputFile,
  },
});
