// @vitest-environment node
// The demo under its security headers, in real Chromium: the served page carries a CSP without
// inline script, a frame policy and a referrer policy, and a whole conversation against the
// emulator (worklets loaded, the relay socket open, a typed turn answered) raises no CSP violation.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { watchCsp } from '../../../scripts/csp-watch.mjs';
import { ensureDemoBuilt } from './demo-build.js';
import { startStack } from './stack.mjs';
import type { Stack } from './stack.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const STEP_TIMEOUT = 30_000;

let stack: Stack | undefined;
let browser: Browser | undefined;
let page: Page;
let csp: { violations(): string[] };

beforeAll(async () => {
  ensureDemoBuilt(appDir);
  stack = await startStack({ demoDir: join(appDir, 'dist'), speechRate: Infinity });
  browser = await launchChromium(playwright);
  page = await browser.newPage();
  csp = await watchCsp(page);
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.close();
});

describe('the demo under its security headers', () => {
  it('is served with a CSP that allows no inline script, a frame policy and a referrer policy', async () => {
    const response = await fetch(`${stack!.url}/`);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(policy).not.toContain("'unsafe-eval'");
    expect(policy).toContain("worker-src 'self'");
    expect(policy).toContain("frame-ancestors 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    // Hashed assets carry the headers too (a worklet module is fetched like any script).
    const asset = await fetch(`${stack!.url}/favicon.svg`);
    expect(asset.headers.get('content-security-policy')).toBe(policy);
  });

  it('holds a conversation against the emulator with no CSP violation', async () => {
    await page.goto(`${stack!.url}/?debug`);
    await page
      .getByRole('button', { name: 'Start conversation' })
      .waitFor({ timeout: STEP_TIMEOUT });
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.getByRole('button', { name: 'End conversation' }).waitFor({ timeout: STEP_TIMEOUT });
    await page.waitForFunction(
      () =>
        (
          window as unknown as { parley?: { session: { getSnapshot(): { status: string } } } }
        ).parley?.session.getSnapshot().status === 'connected',
      undefined,
      { timeout: STEP_TIMEOUT },
    );
    await page.getByLabel('Message').fill('What are your opening hours?');
    await page.getByRole('button', { name: 'Send' }).click();
    const log = page.getByRole('log', { name: 'Transcript' });
    await expect
      .poll(() => log.textContent(), { timeout: STEP_TIMEOUT })
      .toContain('What are your opening hours?');
    // The agent answered (its audio went through the playback worklet the CSP had to allow).
    await page.waitForFunction(
      () => {
        const snapshot = (
          window as unknown as {
            parley: {
              session: {
                getSnapshot(): { items: { role?: string; streaming?: boolean; text?: string }[] };
              };
            };
          }
        ).parley.session.getSnapshot();
        const last = snapshot.items.at(-1);
        return last?.role === 'assistant' && !last.streaming && (last.text ?? '').length > 0;
      },
      undefined,
      { timeout: STEP_TIMEOUT },
    );
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.getByRole('button', { name: 'Start conversation' }).waitFor();
    expect(csp.violations()).toEqual([]);
  });
});
