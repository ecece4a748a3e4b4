// Shared Vitest settings: workspace packages resolve to their TypeScript sources, so a package's
// tests never wait for (or run against a stale) build of the packages it depends on.
import { fileURLToPath } from 'node:url';
import type { AliasOptions } from 'vite';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export const workspaceAlias: AliasOptions = [
  { find: /^@parley\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
  { find: /^@parley\/core\/schemas$/, replacement: `${packagesDir}core/src/schemas.ts` },
];

/** JSON report beside the default reporter; scripts/test.mjs sums these into one closing line. */
export const reporters: ['default', 'json'] = ['default', 'json'];
export const outputFile = { json: '.vitest-report.json' };
