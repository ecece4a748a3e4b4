// A Vite app that imports the built package gets both worklet modules emitted as files of its own
// build, with no configuration and nothing a strict CSP would block.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, createServer } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';
import { parleyAudioWorklets } from '../src/vite-plugin.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const coreDir = fileURLToPath(new URL('../../core', import.meta.url));
const app = mkdtempSync(join(tmpdir(), 'parley-vite-app-'));
const devApp = mkdtempSync(join(tmpdir(), 'parley-vite-dev-'));
const linkedApp = mkdtempSync(join(tmpdir(), 'parley-vite-linked-'));

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
  rmSync(devApp, { recursive: true, force: true });
  rmSync(linkedApp, { recursive: true, force: true });
});

describe('bundling with Vite', () => {
  it('emits the capture and playback worklets as assets of a zero-config app build', async () => {
    expect(existsSync(join(packageDir, 'dist/worklets/capture.js')), 'run `pnpm build` first').toBe(
      true,
    );
    mkdirSync(join(app, 'node_modules/@parley'), { recursive: true });
    symlinkSync(packageDir, join(app, 'node_modules/@parley/audio-worklets'), 'dir');
    symlinkSync(coreDir, join(app, 'node_modules/@parley/core'), 'dir');
    writeFileSync(
      join(app, 'index.html'),
      '<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>',
    );
    writeFileSync(
      join(app, 'main.js'),
      [
        "import { createAudioPort, defaultCaptureWorkletUrl, defaultPlaybackWorkletUrl } from '@parley/audio-worklets';",
        'window.urls = [String(defaultCaptureWorkletUrl()), String(defaultPlaybackWorkletUrl())];',
        'window.port = createAudioPort();',
      ].join('\n'),
    );
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: 'dist' } });

    const assets = readdirSync(join(app, 'dist/assets'));
    const capture = assets.find((name) => /^capture-.*\.js$/.test(name));
    const playback = assets.find((name) => /^playback-.*\.js$/.test(name));
    expect(capture).toBeDefined();
    expect(playback).toBeDefined();
    expect(readFileSync(join(app, 'dist/assets', capture!), 'utf8')).toContain('parley-capture');
    expect(readFileSync(join(app, 'dist/assets', playback!), 'utf8')).toContain('parley-playback');

    const entry = assets.find((name) => /^index-.*\.js$/.test(name));
    const code = readFileSync(join(app, 'dist/assets', entry!), 'utf8');
    expect(code).toContain(capture!);
    expect(code).toContain(playback!);
    for (const name of assets.filter((file) => file.endsWith('.js'))) {
      const text = readFileSync(join(app, 'dist/assets', name), 'utf8');
      expect(text).not.toMatch(/\beval\(|new Function\(|blob:/);
    }
  }, 60_000);

  it('serves the worklets in dev mode when the package is an installed, pre-bundled dependency', async () => {
    expect(existsSync(join(packageDir, 'dist/worklets/capture.js')), 'run `pnpm build` first').toBe(
      true,
    );
    // A real copy, as npm would install it (a symlinked workspace package is never pre-bundled).
    const installed = join(devApp, 'node_modules/@parley/audio-worklets');
    mkdirSync(installed, { recursive: true });
    cpSync(join(packageDir, 'dist'), join(installed, 'dist'), { recursive: true });
    cpSync(join(packageDir, 'package.json'), join(installed, 'package.json'));
    symlinkSync(coreDir, join(devApp, 'node_modules/@parley/core'), 'dir');
    writeFileSync(
      join(devApp, 'index.html'),
      '<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>',
    );
    writeFileSync(
      join(devApp, 'main.js'),
      "import { defaultCaptureWorkletUrl } from '@parley/audio-worklets';\nwindow.url = String(defaultCaptureWorkletUrl());\n",
    );
    const server = await createServer({
      root: devApp,
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0 },
    });
    try {
      await server.listen();
      const base = server.resolvedUrls!.local[0]!;
      const main = await (await fetch(new URL('main.js', base))).text();
      const dependency = /from "([^"]+audio-worklets[^"]*)"/.exec(main)?.[1];
      expect(dependency).toBeDefined();
      const code = await (await fetch(new URL(dependency!, base))).text();
      const urls = [...code.matchAll(/new URL\("([^"]+)"/g)].map((match) => match[1]!);
      expect(urls).toHaveLength(2);
      for (const url of urls) {
        const response = await fetch(new URL(url, base));
        expect(response.status).toBe(200);
        const worklet = await response.text();
        expect(worklet).toContain('registerProcessor(');
        expect(worklet).toMatch(/"parley-(capture|playback)"/);
      }
    } finally {
      await server.close();
    }
  }, 60_000);

  it('serves the worklets of a linked package in dev mode with the parleyAudioWorklets() plugin (403 without it)', async () => {
    expect(existsSync(join(packageDir, 'dist/worklets/capture.js')), 'run `pnpm build` first').toBe(
      true,
    );
    // `pnpm link` / a `link:` dependency: a symlink to a folder outside the app's workspace, which
    // Vite serves from its real path through /@fs/ and never pre-bundles.
    mkdirSync(join(linkedApp, 'node_modules/@parley'), { recursive: true });
    symlinkSync(packageDir, join(linkedApp, 'node_modules/@parley/audio-worklets'), 'dir');
    symlinkSync(coreDir, join(linkedApp, 'node_modules/@parley/core'), 'dir');
    writeFileSync(
      join(linkedApp, 'index.html'),
      '<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>',
    );
    writeFileSync(
      join(linkedApp, 'main.js'),
      "import { defaultCaptureWorkletUrl, defaultPlaybackWorkletUrl } from '@parley/audio-worklets';\nwindow.urls = [defaultCaptureWorkletUrl(), defaultPlaybackWorkletUrl()];\n",
    );

    async function workletStatuses(plugins: ReturnType<typeof parleyAudioWorklets>[]) {
      const server = await createServer({
        root: linkedApp,
        configFile: false,
        logLevel: 'silent',
        plugins,
        server: { host: '127.0.0.1', port: 0 },
      });
      try {
        await server.listen();
        const base = server.resolvedUrls!.local[0]!;
        const main = await (await fetch(new URL('main.js', base))).text();
        const entry = /from "([^"]+audio-worklets[^"]*)"/.exec(main)?.[1];
        expect(entry).toMatch(/^\/@fs\//);
        // Importing the entry makes Vite allow (and serve) the modules it imports.
        expect((await fetch(new URL(entry!, base))).status).toBe(200);
        const urlsModule = entry!.replace(/index\.js$/, 'worklet-urls.js');
        const code = await (await fetch(new URL(urlsModule, base))).text();
        const urls = [...code.matchAll(/new URL\("([^"]+)"/g)].map((match) => match[1]!);
        expect(urls).toHaveLength(2);
        const statuses = [];
        for (const url of urls) {
          const response = await fetch(new URL(url, base));
          const text = await response.text();
          statuses.push(response.status);
          if (response.status === 200) expect(text).toContain('registerProcessor(');
        }
        // The app's own files are still served, and nothing else of the package's folder is.
        expect((await fetch(new URL('index.html', base))).status).toBe(200);
        const packageJson = await fetch(new URL(`/@fs${packageDir}package.json`, base));
        expect(packageJson.status).toBe(403);
        return statuses;
      } finally {
        await server.close();
      }
    }

    expect(await workletStatuses([])).toEqual([403, 403]);
    expect(await workletStatuses([parleyAudioWorklets()])).toEqual([200, 200]);
  }, 60_000);
});
