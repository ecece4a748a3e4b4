// @vitest-environment node
// axe-core on the demo in real Chromium, in light and dark mode at 1280 and 360 px: before a
// conversation, and during one with a typed turn answered (transcript, tool output, settings open).
// Zero violations, and nothing wider than the screen.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityMatrix, axeViolations, horizontalOverflow } from '../../../scripts/axe.mjs';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { ensureDemoBuilt } from './demo-build.js';
import { startStack } from './stack.mjs';
import type { Stack } from './stack.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const STEP_TIMEOUT = 20_000;

let stack: Stack | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  ensureDemoBuilt(appDir);
  stack = await startStack({ demoDir: join(appDir, 'dist'), speechEngine: 'generated' });
  browser = await launchChromium(playwright);
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.close();
});

/** Violations and sideways overflow of the page as it is now, labelled with where it was seen. */
async function audit(page: Page, label: string): Promise<string[]> {
  const found = (await axeViolations(page, axe.source)).map((line) => `${label}: ${line}`);
  for (const line of await horizontalOverflow(page)) found.push(`${label}: ${line}`);
  return found;
}

describe('the demo is accessible', () => {
  for (const { colorScheme, width, height } of accessibilityMatrix) {
    it(`has no axe violation in ${colorScheme} mode at ${width} px, idle and in a conversation`, async () => {
      const context = await browser!.newContext({
        colorScheme,
        viewport: { width, height },
        permissions: ['microphone'],
        // axe is injected as a script tag; the served page's CSP would refuse it.
        bypassCSP: true,
      });
      try {
        const page = await context.newPage();
        // The demo's default transport (WebRTC): each audit's call is hung up when its page
        // closes, so the four conversations in a row from one address stay under the cap of 3.
        await page.goto(stack!.url);
        await page.getByRole('button', { name: 'Start conversation' }).waitFor();
        const found = await audit(page, 'idle');

        await page.getByText('Audio settings').click();
        await page.getByRole('button', { name: 'Start conversation' }).click();
        await page.locator('[data-status="connected"]').waitFor({ timeout: STEP_TIMEOUT });
        await page
          .getByRole('textbox', { name: 'Message' })
          .fill('My name is Dana Smith, my email is dana@example.com: capture_lead please.');
        await page.getByRole('button', { name: 'Send' }).click();
        await page
          .locator('.message--assistant:not([aria-busy])')
          .first()
          .waitFor({ timeout: STEP_TIMEOUT });
        found.push(...(await audit(page, 'in a conversation')));
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
    }, 90_000);
  }
});
