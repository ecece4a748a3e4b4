import { defineConfig } from 'vitest/config';
import { outputFile, reporters } from '../../vitest.shared.ts';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    reporters,
    outputFile,
    testTimeout: 60_000,
  },
});
