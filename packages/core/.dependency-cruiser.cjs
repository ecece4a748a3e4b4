/**
 * Core's layers, bottom to top (each imports only what is below it; see README.md "Layers"):
 *
 *   errors.ts, types.ts (the vocabulary)   audio/ (codecs)
 *   protocol/                              wire schemas, parse and serialize, `Dialect`
 *   ports.ts, system-clock.ts              what the session runs its effects through
 *   machine/                               the pure reducer
 *   cadence/                               when bindings deliver changes (scheduler, stores)
 *   tools/, transport/                     effect implementations behind the ports
 *   session/                               the VoiceSession that wires them together
 *   index.ts, test-utils/                  the public entry points
 *
 * Plus: core imports no other workspace package (no binding, no server), and product code never
 * imports test-utils. The workspace rules (no cycles) come from the root config.
 * packages/core/src/layers.test.ts plants violations and checks that each rule catches them.
 */
const outside = (...allowed) => `^src/(?!${allowed.join('|')})`;
/** Tests sit beside the code they test and may use test-utils and anything else of core. */
const tests = '\\.test(-d)?\\.ts$';

module.exports = {
  extends: '../../.dependency-cruiser.cjs',
  forbidden: [
    {
      name: 'vocabulary-at-the-bottom',
      severity: 'error',
      comment:
        'types.ts and errors.ts are the bottom layer: they import nothing of core but errors.ts.',
      from: { path: '^src/(types|errors)\\.ts$', pathNot: tests },
      to: { path: outside('errors\\.ts$') },
    },
    {
      name: 'audio-codecs-stand-alone',
      severity: 'error',
      comment:
        'The codecs are pure functions over samples: they import nothing of core but errors.ts.',
      from: { path: '^src/audio/', pathNot: tests },
      to: { path: outside('audio/', 'errors\\.ts$') },
    },
    {
      name: 'protocol-below-machine',
      severity: 'error',
      comment: 'protocol/ is the wire: it may import the vocabulary and errors, nothing above.',
      from: { path: '^src/protocol/', pathNot: tests },
      to: { path: outside('protocol/', 'errors\\.ts$', 'types\\.ts$') },
    },
    {
      name: 'ports-below-machine',
      severity: 'error',
      comment: 'The ports name protocol types only; the system clock implements the Clock port.',
      from: { path: '^src/(ports|system-clock)\\.ts$', pathNot: tests },
      to: { path: outside('protocol/', 'errors\\.ts$', 'types\\.ts$', 'ports\\.ts$') },
    },
    {
      name: 'machine-below-session',
      severity: 'error',
      comment:
        'The machine is a pure reducer: no session, tools, transport, codecs or clock (time comes ' +
        'in on its events).',
      from: { path: '^src/machine/', pathNot: tests },
      to: { path: outside('machine/', 'protocol/', 'errors\\.ts$', 'types\\.ts$', 'ports\\.ts$') },
    },
    {
      name: 'cadence-below-session',
      severity: 'error',
      comment:
        'cadence/ (the notify scheduler and the stores bindings read) names the session it reads ' +
        'structurally: it sits above the machine and below the session, tools and transports.',
      from: { path: '^src/cadence/', pathNot: tests },
      to: { path: '^src/(session|tools|transport|test-utils)/|^src/index\\.ts$' },
    },
    {
      name: 'effects-below-session',
      severity: 'error',
      comment: 'Tools and transports implement effects; the session wires them to the machine.',
      from: { path: '^src/(tools|transport)/', pathNot: tests },
      to: { path: '^src/(machine|session|test-utils)/|^src/index\\.ts$' },
    },
    {
      name: 'session-below-entry',
      severity: 'error',
      comment: 'The session is the top layer of product code; the entry points re-export it.',
      from: { path: '^src/session/', pathNot: tests },
      to: { path: '^src/(test-utils/|index\\.ts$)' },
    },
    {
      name: 'no-test-utils-in-product',
      severity: 'error',
      comment: 'test-utils is a separate entry point for tests; product code never imports it.',
      from: { path: '^src/', pathNot: ['^src/test-utils/', tests] },
      to: { path: '^src/test-utils/' },
    },
    {
      name: 'core-imports-no-workspace-package',
      severity: 'error',
      comment:
        'Core depends on nothing of ours: no binding (react, svelte), no audio-worklets, server or ' +
        'emulator. They depend on core, never the other way.',
      from: { path: '^src/' },
      // A sibling package resolves to ../<name>/…, an app to ../../apps/…; npm packages do not.
      to: { path: ['@parley/', '^\\.\\./(?!\\.\\./)', '^\\.\\./\\.\\./apps/'] },
    },
    {
      name: 'core-imports-resolve',
      severity: 'error',
      comment: 'An import core cannot resolve (e.g. a package it does not declare).',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
};
