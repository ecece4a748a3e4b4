/**
 * Import rules of the whole workspace, checked by dependency-cruiser in every package's `lint`
 * script (`depcruise src …`, run by `pnpm lint` through turbo). Chosen over eslint's
 * `import/no-cycle` because it builds the module graph once per package (about a second on two
 * cores, where `no-cycle` re-resolves it per file inside an already type-aware eslint run) and
 * because it reads `.svelte` files, which the eslint config skips.
 *
 * Here: no import cycle, type-only imports included (a cycle of types still ties two modules'
 * meaning together, and it is how the machine ↔ session cycle of issue 14 went unnoticed).
 * packages/core/.dependency-cruiser.cjs adds core's layer rules on top of these.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules import each other, directly or through others. Move what both need one layer ' +
        'down (a types or helpers module both import) instead of importing upward.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Count `import type` too: the TypeScript source is cruised before types are erased.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Other workspace packages resolve to ../<name>/dist: list them as targets, do not cruise them.
    doNotFollow: { path: ['node_modules', '^\\.\\./'] },
    exclude: { path: ['/dist/'] },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.svelte', '.d.ts'],
    },
  },
};
