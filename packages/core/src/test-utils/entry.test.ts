// The test doubles ship as their own subpath export and never reach an app bundle.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as testUtils from './index.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${packageDir}package.json`, 'utf8')) as {
  exports: Record<string, Record<string, string>>;
};

describe('@parley/core/test-utils', () => {
  it('is a subpath export with types, built to dist, its source beside it', () => {
    const entry = manifest.exports['./test-utils'];
    expect(entry).toEqual({
      source: './src/test-utils/index.ts',
      types: './dist/test-utils/index.d.ts',
      default: './dist/test-utils/index.js',
    });
    expect(existsSync(`${packageDir}${entry!.source!}`)).toBe(true);
  });

  it('exports the fakes, the session kit, the item builders and the Live sequences', () => {
    expect(Object.keys(testUtils).sort()).toEqual([
      'FakeAudioPort',
      'FakeBrowserPeer',
      'FakeBrowserSocket',
      'FakeClock',
      'FakeTransport',
      'FakeVoiceSession',
      'assistantMessage',
      'bargeIn',
      'clientDelegation',
      'closeRequested',
      'closedFor',
      'createFakeVoiceSession',
      'createMachineHarness',
      'createTestSession',
      'fakeLevels',
      'functionCallItem',
      'idleSnapshot',
      'installFakeBrowser',
      'liveResponsesSessionResource',
      'liveSequences',
      'liveSessionResource',
      'muteUnmute',
      'pcmBase64',
      'responsesDelegation',
      'server',
      'settle',
      'silentOutputDelta',
      'startupAndExchange',
      'typedInput',
      'userMessage',
    ]);
  });

  it('is not reachable from the main entry point', async () => {
    const result = await build({
      entryPoints: [`${packageDir}src/index.ts`],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'browser',
      external: ['ws', 'zod'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('src/machine/heard.ts'))).toBe(true);
    expect(inputs.filter((path) => path.includes('test-utils'))).toEqual([]);
  });
});
