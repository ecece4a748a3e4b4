import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters,
    outputFile,
  },
});
