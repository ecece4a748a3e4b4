// @vitest-environment node
// The published package as an app would use it: a separate Vite + vite-plugin-svelte project that
// imports `@parley/svelte` by name (resolving `dist/` through the `svelte` export condition, not the
// sources), builds, and runs in a DOM.
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { build } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { JSDOM } from 'jsdom';

const packageDir = resolve(import.meta.dirname, '..');
const project = mkdtempSync(join(tmpdir(), 'parley-svelte-consumer-'));

afterAll(() => rmSync(project, { recursive: true, force: true }));

it('builds and runs in a Vite + vite-plugin-svelte app from dist', async () => {
  if (!existsSync(join(packageDir, 'dist/voice-session.svelte.js'))) {
    throw new Error(
      'packages/svelte/dist is missing: build the package first (pnpm --filter @parley/svelte build).',
    );
  }
  // node_modules as a package manager would lay it out: the package and Svelte, by name.
  mkdirSync(join(project, 'node_modules/@parley'), { recursive: true });
  symlinkSync(packageDir, join(project, 'node_modules/@parley/svelte'), 'dir');
  symlinkSync(join(packageDir, 'node_modules/svelte'), join(project, 'node_modules/svelte'), 'dir');
  writeFileSync(
    join(project, 'App.svelte'),
    `<script>
  import { createVoiceSession } from '@parley/svelte';
  const transport = {
    stats: { droppedAudioFrames: 0, sentFrames: 0 },
    connect() {},
    send() { return false; },
    close() {},
  };
  const voice = createVoiceSession({
    credentials: () => Promise.resolve({ url: 'ws://127.0.0.1:9/' }),
    transport,
  });
  const store = voice;
</script>
<p id="status">{voice.status}</p>
<p id="store">{$store.turn}</p>
<button id="mute" onclick={() => voice.mute(!voice.muted)}>{voice.muted ? 'muted' : 'live'}</button>
`,
  );
  writeFileSync(
    join(project, 'main.js'),
    `import { mount } from 'svelte';\nimport App from './App.svelte';\nmount(App, { target: document.getElementById('app') });\n`,
  );

  await build({
    root: project,
    configFile: false,
    logLevel: 'silent',
    plugins: [svelte()],
    build: {
      outDir: join(project, 'dist'),
      minify: false,
      lib: {
        entry: join(project, 'main.js'),
        formats: ['iife'],
        name: 'consumer',
        fileName: () => 'app.js',
      },
    },
  });

  const code = readFileSync(join(project, 'dist/app.js'), 'utf8');
  // One Svelte runtime: the package's module shares the app's (no second copy bundled).
  expect(code.match(/function createSubscriber\(/g)?.length ?? 0).toBe(1);

  const dom = new JSDOM('<!doctype html><div id="app"></div>', { runScripts: 'outside-only' });
  dom.window.eval(code);
  const text = (id: string) => dom.window.document.getElementById(id)?.textContent;
  expect(text('status')).toBe('idle');
  expect(text('store')).toBe('listening');
  dom.window.document.getElementById('mute')!.click();
  await new Promise((resolveTick) => dom.window.queueMicrotask(() => resolveTick(undefined)));
  await Promise.resolve();
  expect(text('mute')).toBe('muted');
  dom.window.close();
}, 60_000);
