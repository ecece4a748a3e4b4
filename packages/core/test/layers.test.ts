// The lint's import rules fail when they should: a fixture tree shaped like core's src/ plants one
// violation per rule (an upward import out of each layer, a cycle of type-only imports, core
// importing a binding) and runs the same `depcruise` command `pnpm lint` runs, with core's config.
// A clean twin of each planted file checks the rules do not fire on what is allowed.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const coreDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = join(coreDir, '..', '..');
const depcruise = join(
  repoDir,
  'node_modules',
  'dependency-cruiser',
  'bin',
  'dependency-cruise.mjs',
);

/** Files of the planted tree: path under the fixture root → source. */
const planted: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true },
  }),
  'src/errors.ts': 'export class ParleyError extends Error {}\n',
  // Bottom layer pointing up at the session.
  'src/types.ts':
    "import type { ParleyError } from './errors.js';\n" +
    "import type { VoiceSession } from './session/voice-session.js';\n" +
    'export type Snapshot = { error: ParleyError | null; session: VoiceSession };\n',
  // Protocol pointing up at the machine (allowed: the vocabulary below it).
  'src/protocol/parse.ts':
    "import type { Snapshot } from '../types.js';\n" +
    "import { reduce } from '../machine/reducer.js';\n" +
    'export const parse = (s: Snapshot) => reduce(s);\n',
  'src/audio/pcm16.ts':
    "import { parse } from '../protocol/parse.js';\nexport const pcm = () => parse;\n",
  'src/ports.ts':
    "import type { Snapshot } from './types.js';\n" +
    "import type { State } from './machine/state.js';\n" +
    'export interface Clock { now(): number; s?: Snapshot; st?: State }\n',
  'src/system-clock.ts':
    "import type { Clock } from './ports.js';\nexport const systemClock: Clock = { now: () => 0 };\n",
  // The machine reads the clock (allowed: ports, protocol) and points up at the session.
  'src/machine/state.ts':
    "import type { Clock } from '../ports.js';\n" +
    "import { systemClock } from '../system-clock.js';\n" +
    "import type { Item } from './items.js';\n" +
    'export type State = { clock: Clock; items: Item[] };\nexport const clock = systemClock;\n',
  // A cycle of type-only imports: state → items → state.
  'src/machine/items.ts':
    "import type { State } from './state.js';\nexport type Item = { owner: State };\n",
  'src/machine/reducer.ts':
    "import type { Snapshot } from '../types.js';\n" +
    "import { parse } from '../protocol/parse.js';\n" +
    "import { createVoiceSession } from '../session/voice-session.js';\n" +
    'export const reduce = (s: Snapshot) => [s, parse, createVoiceSession];\n',
  // The bindings' stores read the machine's types and the ports (allowed) and point up at the session.
  'src/cadence/stores.ts':
    "import type { State } from '../machine/state.js';\n" +
    "import type { Clock } from '../ports.js';\n" +
    "import type { VoiceSession } from '../session/voice-session.js';\n" +
    'export type Store = { state: State; clock: Clock; session: VoiceSession };\n',
  'src/tools/run-tool.ts':
    "import { reduce } from '../machine/reducer.js';\nexport const run = () => reduce;\n",
  'src/transport/websocket.ts':
    "import type { Clock } from '../ports.js';\nexport const open = (c: Clock) => c;\n",
  'src/session/voice-session.ts':
    "import { reduce } from '../machine/reducer.js';\n" +
    "import { open } from '../transport/websocket.js';\n" +
    "import { fake } from '../test-utils/index.js';\n" +
    'export type VoiceSession = { a: 1 };\n' +
    'export const createVoiceSession = () => [reduce, open, fake];\n',
  'src/test-utils/index.ts':
    "import { createVoiceSession } from '../session/voice-session.js';\n" +
    'export const fake = () => createVoiceSession;\n',
  // A test may import test-utils and anything else.
  'src/machine/reducer.test.ts':
    "import { fake } from '../test-utils/index.js';\n" +
    "import { createVoiceSession } from '../session/voice-session.js';\n" +
    'export const t = [fake, createVoiceSession];\n',
  // Core importing a binding (a sibling workspace package) and a name it cannot resolve.
  'src/index.ts':
    "export { createVoiceSession } from './session/voice-session.js';\n" +
    "export { useVoiceSession } from '../../react/src/index.js';\n" +
    "export { createSvelteSession } from '@parley/svelte';\n",
  '../react/src/index.ts': 'export const useVoiceSession = 1;\n',
};

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly cycle?: readonly { readonly name: string }[];
}

let root: string;
let violations: Violation[];

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'parley-layers-'));
  root = join(base, 'core');
  for (const [path, source] of Object.entries(planted)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, source);
  }
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      [
        depcruise,
        'src',
        '--config',
        join(coreDir, '.dependency-cruiser.cjs'),
        '--output-type',
        'json',
      ],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
      // depcruise exits non-zero when it finds violations: that is the expected outcome here.
      (error, out) => (out ? resolve(out) : reject(error ?? new Error('no output'))),
    );
  });
  violations = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}, 120_000);

afterAll(() => rmSync(dirname(root), { recursive: true, force: true }));

const edges = (rule: string) =>
  violations
    .filter((violation) => violation.rule.name === rule)
    .map((violation) => `${violation.from} → ${violation.to}`)
    .sort();

describe('core layer rules (packages/core/.dependency-cruiser.cjs)', () => {
  it('keep the vocabulary at the bottom', () => {
    expect(edges('vocabulary-at-the-bottom')).toEqual([
      'src/types.ts → src/session/voice-session.ts',
    ]);
  });

  it('keep the codecs, the protocol and the ports below the machine', () => {
    expect(edges('audio-codecs-stand-alone')).toEqual([
      'src/audio/pcm16.ts → src/protocol/parse.ts',
    ]);
    expect(edges('protocol-below-machine')).toEqual([
      'src/protocol/parse.ts → src/machine/reducer.ts',
    ]);
    expect(edges('ports-below-machine')).toEqual(['src/ports.ts → src/machine/state.ts']);
  });

  it('keep the machine below the session and off the system clock', () => {
    expect(edges('machine-below-session')).toEqual([
      'src/machine/reducer.ts → src/session/voice-session.ts',
      'src/machine/state.ts → src/system-clock.ts',
    ]);
    expect(edges('effects-below-session')).toEqual([
      'src/tools/run-tool.ts → src/machine/reducer.ts',
    ]);
  });

  it('keep the cadence (scheduler and stores) above the machine and below the session', () => {
    expect(edges('cadence-below-session')).toEqual([
      'src/cadence/stores.ts → src/session/voice-session.ts',
    ]);
  });

  it('keep test-utils out of product code, tests excepted', () => {
    expect(edges('session-below-entry')).toEqual([
      'src/session/voice-session.ts → src/test-utils/index.ts',
    ]);
    expect(edges('no-test-utils-in-product')).toEqual([
      'src/session/voice-session.ts → src/test-utils/index.ts',
    ]);
    expect(violations.filter((violation) => violation.from.endsWith('.test.ts'))).toEqual([]);
  });

  it('forbid core importing another workspace package', () => {
    expect(edges('core-imports-no-workspace-package')).toEqual([
      'src/index.ts → ../react/src/index.ts',
      'src/index.ts → @parley/svelte',
    ]);
    expect(edges('core-imports-resolve')).toEqual(['src/index.ts → @parley/svelte']);
  });

  it('find import cycles, type-only ones included (the workspace rule, inherited)', () => {
    const cycles = violations.filter((violation) => violation.rule.name === 'no-circular');
    const inCycles = new Set(
      cycles.flatMap((violation) => [
        violation.from,
        ...(violation.cycle ?? []).map((m) => m.name),
      ]),
    );
    expect(cycles.map((violation) => violation.from)).toContain('src/machine/items.ts');
    // The planted session ↔ test-utils and machine ↔ session loops are cycles too.
    for (const module of [
      'src/machine/state.ts',
      'src/test-utils/index.ts',
      'src/session/voice-session.ts',
      'src/machine/reducer.ts',
    ]) {
      expect(inCycles).toContain(module);
    }
    // The clean files are in no cycle.
    expect(inCycles).not.toContain('src/errors.ts');
  });
});
