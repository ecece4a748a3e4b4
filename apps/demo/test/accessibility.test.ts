// @vitest-environment node
// axe-core on the demo in real Chromium, in light and dark mode at 1280 and 360 px: before a
// conversation, and during one with a typed turn answered (transcript, tool output, settings open).
// Zero violations, and nothing wider than the screen.
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityMatrix, axeViolations, horizontalOverflow } from '../../../scripts/axe.mjs';
import { useDemoInChromium } from './chromium-stack.js';

const STEP_TIMEOUT = 20_000;

const demo = useDemoInChromium({ speechEngine: 'generated' });

/** Violations and sideways overflow of the page as it is now, labelled with where it was seen. */
async function audit(page: Page, label: string): Promise<string[]> {
  const found = (await axeViolations(page, axe.source)).map((line) => `${label}: ${line}`);
  for (const line of await horizontalOverflow(page)) found.push(`${label}: ${line}`);
  return found;
}

describe('the demo is accessible', () => {
  for (const { colorScheme, width, height } of accessibilityMatrix) {
    it(`has no axe violation in ${colorScheme} mode at ${width} px, idle and in a conversation`, async () => {
      const context = await demo.browser.newContext({
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
        await page.goto(demo.stack.url);
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
