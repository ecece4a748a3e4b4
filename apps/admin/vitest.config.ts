import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

const schemas = fileURLToPath(new URL('../../packages/server/src/schemas.ts', import.meta.url));

export default defineConfig((env) =>
  mergeConfig(viteConfig({ ...env, mode: 'test' }), {
    resolve: {
      alias: [
        { find: /^@parley\/server\/schemas$/, replacement: schemas },
        ...(workspaceAlias as []),
      ],
    },
    test: {
      environment: 'jsdom',
      // test/ holds the end-to-end suite: a real server serving the built console, driven by Chromium.
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters,
      outputFile,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  }),
);
