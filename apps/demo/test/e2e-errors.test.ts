// @vitest-environment node
// The demo's error states in real Chromium: a blocked microphone, and a connection that drops
// (the server goes away mid-conversation). Screenshots go to apps/demo/test-results/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { VoiceSession } from '@parley/core';
import type { ParleyAudioPort } from '@parley/audio-worklets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, requireChromium } from '../../../scripts/chromium.mjs';
import { startStack } from './stack.mjs';
import type { Stack } from './stack.mjs';
import { ensureDemoBuilt } from './demo-build.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(appDir, 'test-results');
const STEP_TIMEOUT = 15_000;

let stack: Stack | undefined;

/** Waits for `selector`; on timeout, fails with the session's and the audio port's state. */
async function waitForState(page: Page, selector: string): Promise<void> {
  try {
    await page.locator(selector).waitFor({ timeout: STEP_TIMEOUT });
  } catch (error) {
    const state = await page
      .evaluate(() => {
        const parley = (
          window as unknown as { parley?: { session: VoiceSession; audio: ParleyAudioPort } }
        ).parley;
        if (!parley) return 'no session on window';
        const snapshot = parley.session.getSnapshot();
        return JSON.stringify({
          status: snapshot.status,
          error: snapshot.error && {
            reason: snapshot.error.reason,
            code: snapshot.error.code,
            message: snapshot.error.message,
          },
          audio: parley.audio.state,
          audioError: parley.audio.error?.message ?? null,
        });
      })
      .catch((reason: unknown) => `unreadable: ${String(reason)}`);
    throw new Error(`${selector} did not appear; state: ${state}`, { cause: error });
  }
}
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  ensureDemoBuilt(appDir);
  stack = await startStack({ demoDir: join(appDir, 'dist'), speechEngine: 'generated' });
  // Without the flag that accepts every permission prompt: a page must be granted the microphone.
  browser = await playwright.chromium.launch({
    executablePath: requireChromium(),
    args: chromiumArgs().filter((arg) => arg !== '--use-fake-ui-for-media-stream'),
    headless: true,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.close();
});

describe("the demo's error states", () => {
  it('explains a blocked microphone and lets the visitor type instead, with no unhandled rejection', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(stack!.url);
      await page.getByRole('button', { name: 'Start conversation' }).click();
      const alert = page.locator('[data-state="microphone-blocked"]');
      await alert.waitFor({ timeout: STEP_TIMEOUT });
      expect(await alert.textContent()).toContain('Microphone access is blocked');
      await waitForState(page, '[data-status="connected"]');
      const box = page.getByRole('textbox', { name: 'Message' });
      expect(await box.isDisabled()).toBe(false);
      await box.fill('I have no microphone, can you hear me?');
      await page.getByRole('button', { name: 'Send' }).click();
      await page
        .locator('.message--user')
        .filter({ hasText: 'I have no microphone' })
        .waitFor({ timeout: STEP_TIMEOUT });
      await expect
        .poll(async () => (await page.locator('.message--assistant').count()) > 0, {
          timeout: STEP_TIMEOUT,
        })
        .toBe(true);
      expect(await page.getByRole('button', { name: 'Hold to talk' }).isDisabled()).toBe(true);
      await page.screenshot({
        path: join(resultsDir, '08-microphone-blocked.png'),
        fullPage: true,
      });
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 45_000);

  it('shows an unreachable server as an error without an unhandled rejection', async () => {
    const context = await browser!.newContext({ permissions: ['microphone'] });
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // Calls and sessions are refused (the WebRTC offer, then the relay fallback): connect()
      // rejects, and the page must only show it.
      await page.route('**/api/calls', (route) => route.abort('connectionrefused'));
      await page.route('**/api/sessions', (route) => route.abort('connectionrefused'));
      await page.goto(stack!.url);
      await page.getByRole('button', { name: 'Start conversation' }).click();
      await page.locator('[data-state="error"]').waitFor({ timeout: STEP_TIMEOUT });
      await page.waitForTimeout(200);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 45_000);

  it('tells an npm start user how to bring an unreachable server back', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      await page.route('**/api/agents', (route) => route.abort('connectionrefused'));
      await page.goto(stack!.url);
      const alert = page.locator('[data-state="server-down"]');
      await alert.waitFor({ timeout: STEP_TIMEOUT });
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('npm start');
      expect(text).not.toContain('8080');
      expect(text).not.toContain('pnpm dev');
    } finally {
      await context.close();
    }
  }, 45_000);

  it('shows that it is reconnecting when the connection drops', async () => {
    const context = await browser!.newContext({ permissions: ['microphone'] });
    try {
      const page = await context.newPage();
      // The default transport: a WebRTC call, which resumes its conversation after a drop.
      await page.goto(`${stack!.url}/?debug`);
      await page.getByRole('button', { name: 'Start conversation' }).click();
      await waitForState(page, '[data-status="connected"]');
      const note = page.getByTestId('transport');
      await expect.poll(() => note.getAttribute('data-transport')).toBe('webrtc');
      // Connected means the data channel is open: the call is up on both sides (the server
      // attached its sideband before it answered the offer).
      // The server goes away: it hangs its calls up, and the page's peer connection closes.
      await stack!.parley.close();
      await waitForState(page, '[data-state="reconnecting"]');
      const alert = page.locator('[data-state="reconnecting"]');
      expect(await alert.textContent()).toContain('Connection lost, reconnecting');
      const announcer = page.locator('[role="status"][aria-live="polite"]');
      await expect.poll(() => announcer.textContent()).toMatch(/^Connection lost\. Reconnecting/);
      await page.screenshot({ path: join(resultsDir, '09-reconnecting.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 45_000);
});
