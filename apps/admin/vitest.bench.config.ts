// The replay page's load benchmark (bench/replay-load.test.ts): `pnpm --filter @parley/admin bench:replay`.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig((env) => {
  const config = mergeConfig(base(env), { test: { testTimeout: 600_000, hookTimeout: 600_000 } });
  // Only the benchmark (mergeConfig would add to the suite's include, not replace it).
  config.test = { ...config.test, include: ['bench/**/*.test.ts'] };
  return config;
});
