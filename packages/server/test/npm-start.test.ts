// What `npm start` runs: the `parley-server` command through its package bin, with the environment
// scripts/start.mjs gives it. The command must exist before a build (so installing links it without
// warnings) and the server must listen on loopback unless HOST says otherwise.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startEnvironment } from '../../../scripts/start-options.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dataDirs: string[] = [];

afterEach(() => {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `parley-server --port 0` until it prints its address, then stops it. */
function firstAddress(env: NodeJS.ProcessEnv): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-npm-start-'));
  dataDirs.push(dataDir);
  const bin = join(root, 'packages/server/bin/parley-server.js');
  const child = spawn(process.execPath, [bin, '--port', '0'], {
    env: { ...env, PARLEY_DATA_DIR: dataDir, OPENAI_API_KEY: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no address within 90 s:\n${output}`));
    }, 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Admin API: (http:\/\/[^/\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.once('exit', () => resolve(match[1]!));
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('error', reject);
  });
}

describe('npm start', () => {
  it('links commands that exist before anything is built', () => {
    for (const dir of ['packages/server', 'packages/emulator']) {
      const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
        files: string[];
      };
      for (const target of Object.values(manifest.bin)) {
        expect(target).not.toMatch(/^(\.\/)?dist\//);
        expect(existsSync(join(root, dir, target))).toBe(true);
        expect(manifest.files).toContain(target.replace(/^\.\//, '').split('/')[0]);
      }
    }
  });

  it('leaves no dependency build script to a boxed warning', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      pnpm: { onlyBuiltDependencies: string[]; ignoredBuiltDependencies?: string[] };
    };
    const decided = [
      ...manifest.pnpm.onlyBuiltDependencies,
      ...(manifest.pnpm.ignoredBuiltDependencies ?? []),
    ];
    // bufferutil ships prebuilt binaries its install script would only look for.
    expect(decided).toEqual(expect.arrayContaining(['esbuild', 'better-sqlite3', 'bufferutil']));
  });

  it('listens on this machine only by default, and where HOST says when it is set', async () => {
    const env = { ...process.env, HOST: '' };
    expect(await firstAddress(startEnvironment(env))).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(startEnvironment({ ...env, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  }, 120_000);
});
