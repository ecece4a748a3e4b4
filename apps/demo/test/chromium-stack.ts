// One test file's demo in headless Chromium: the built demo served by the server beside the
// emulator (`startStack`), and a Chromium, both started before the file's tests and closed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, writeSilentWav } from '../../../scripts/chromium.mjs';
import { ensureDemoBuilt } from './demo-build.js';
import { startStack } from './stack.mjs';
import type { Stack } from './stack.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The running stack and browser; reading either before `beforeAll` has run throws. */
export interface DemoInChromium {
  readonly stack: Stack;
  readonly browser: Browser;
}

/**
 * Registers the file's `beforeAll`/`afterAll`: the stack with `options`, and a Chromium. With
 * `quietMicrophone`, the fake microphone plays silence instead of its default beeps, which the
 * emulator's voice detection takes for speech: they barge in on replies at random (an assistant
 * message cut off empty), so a test that asserts a whole conversation asks for quiet.
 */
export function useDemoInChromium(
  options: Omit<Parameters<typeof startStack>[0], 'demoDir'>,
  { quietMicrophone = false }: { quietMicrophone?: boolean } = {},
): DemoInChromium {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let audioDir: string | undefined;
  beforeAll(async () => {
    ensureDemoBuilt(appDir);
    stack = await startStack({ demoDir: join(appDir, 'dist'), ...options });
    if (quietMicrophone) audioDir = mkdtempSync(join(tmpdir(), 'parley-demo-audio-'));
    browser = await launchChromium(
      playwright,
      // Longer than the file's tests: past its end the fake device would beep again.
      audioDir ? { audioFile: writeSilentWav(join(audioDir, 'silence.wav'), 300) } : {},
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.close();
    if (audioDir) rmSync(audioDir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the demo's ${what} is not started yet`);
    return value;
  };
  return {
    get stack() {
      return started(stack, 'stack');
    },
    get browser() {
      return started(browser, 'browser');
    },
  };
}

/**
 * Opens the demo's `path` (e.g. `/?debug`) in a page of its own, starts a conversation with the
 * first agent and waits, at most `timeoutMs` a step, until it is connected.
 */
export async function startConversation(
  demo: DemoInChromium,
  path: string,
  timeoutMs: number,
): Promise<Page> {
  const page = await demo.browser.newPage({ bypassCSP: true });
  await page.goto(`${demo.stack.url}${path}`);
  const start = page.getByRole('button', { name: 'Start conversation' });
  await start.waitFor({ timeout: timeoutMs });
  await start.click();
  await page.locator('[data-status="connected"]').waitFor({ timeout: timeoutMs });
  return page;
}
