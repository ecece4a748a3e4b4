// The README's example as a newcomer runs it: Vite's dev server with the README's /api proxy in
// front of a Parley server on the emulator, in real Chromium with a silent fake microphone. A
// conversation starts (over WebRTC, the default where the browser has it), the agent's greeting reaches the transcript and the cost shows a value, and
// no request of the page (the audio worklets included) fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { createParleyServer } from '@parley/server';
import { chromiumArgs, requireChromium, writeSilentWav } from '../../../scripts/chromium.mjs';

const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Generous: at load 10–15 on 2 cores the greeting took over 20 s once (Vite transforms on first use).
const STEP_TIMEOUT = 40_000;

const dataDir = mkdtempSync(join(tmpdir(), 'parley-example-react-'));
let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
let parley: Awaited<ReturnType<typeof createParleyServer>> | undefined;
let vite: ViteDevServer | undefined;
let browser: Browser | undefined;
let pageUrl = '';

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', speechEngine: 'generated' });
  parley = await createParleyServer({
    env: {},
    database: { dataDir },
    upstream: { kind: 'emulator', url: emulator.url },
    staticDirs: { demo: null, admin: null },
    logger: { info() {}, warn() {}, error: (...args) => console.error(...args) },
  });
  const listening = await parley.listen({ port: 0, host: '127.0.0.1' });
  // vite.config.ts reads it when the dev server loads the config.
  process.env.PARLEY_URL = `http://127.0.0.1:${listening.port}`;
  vite = await createServer({
    root: exampleDir,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await vite.listen();
  pageUrl = vite.resolvedUrls!.local[0]!;
  browser = await playwright.chromium.launch({
    executablePath: requireChromium(),
    // A quiet room: the fake device's beeps would be the visitor talking over the greeting.
    args: chromiumArgs({ audioFile: writeSilentWav(join(dataDir, 'silence.wav')) }),
    headless: true,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await vite?.close().catch(() => undefined);
  await parley?.close().catch(() => undefined);
  await emulator?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the React README example in Vite dev', () => {
  it('starts a conversation through the proxy, shows the greeting and a cost, and no request fails', async () => {
    const context = await browser!.newContext({ permissions: ['microphone'] });
    try {
      const page = await context.newPage();
      const failed: string[] = [];
      const pageErrors: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(pageUrl);
      await page.getByRole('button', { name: 'Start conversation' }).click();
      const status = page.getByRole('status');
      await expect
        .poll(async () => await status.textContent(), { timeout: STEP_TIMEOUT })
        .toMatch(/^connected · /);
      // No transport in the example: Chromium has RTCPeerConnection, so the default is WebRTC.
      expect(await status.textContent()).toMatch(/ · webrtc$/);
      const transcript = page.getByRole('log', { name: 'Transcript' });
      const greeting = transcript.locator('li').filter({ hasText: /^assistant: \S/ });
      await greeting.first().waitFor({ timeout: STEP_TIMEOUT });
      await expect
        .poll(async () => await page.getByText(/^Cost so far:/).textContent(), {
          timeout: STEP_TIMEOUT,
        })
        .toMatch(/^Cost so far: \$\d+\.\d{4}$/);
      expect(await page.getByRole('alert').count()).toBe(0);
      await page.getByRole('button', { name: 'End conversation' }).click();
      await page.getByRole('button', { name: 'Start conversation' }).waitFor();
      expect(failed).toEqual([]);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
