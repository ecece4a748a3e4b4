// @vitest-environment node
// The admin console under its security headers, in real Chromium: the served console carries a
// CSP without inline script that no page can frame (frame-ancestors 'none', X-Frame-Options DENY)
// and sends no referrer; signing in, the agent list, analytics and a playground conversation
// (worklets, the relay socket) raise no CSP violation. A page on another origin cannot frame it.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { watchCsp } from '../../../scripts/csp-watch.mjs';
import { signIn, startConsole } from './console-stack';
import type { ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let origin = '';
let browser: Browser;
let page: Page;
let csp: { violations(): string[] };
let framer: Server | undefined;

beforeAll(async () => {
  stack = await startConsole({ name: 'headers' });
  ({ origin, browser, page } = stack);
  csp = await watchCsp(page);
});

afterAll(async () => {
  await stack?.close();
  framer?.close();
});

describe('the admin console under its security headers', () => {
  it('is served with a CSP that allows no inline script and no framing, and no referrer', async () => {
    for (const path of ['/admin/', '/admin/#/agents', '/admin/favicon.svg']) {
      const response = await fetch(`${origin}${path}`);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy, path).toContain("script-src 'self'");
      expect(policy, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(policy, path).not.toContain("'unsafe-eval'");
      expect(policy, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('signs in, shows its pages and holds a playground conversation with no CSP violation', async () => {
    await signIn(page, origin, '/agents');
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.goto(`${origin}/admin/#/analytics`);
    await page.getByRole('heading', { name: 'Analytics' }).waitFor();
    const agents = (await (await page.request.get(`${origin}/api/admin/agents`)).json()) as {
      agents: { id: string }[];
    };
    await page.goto(`${origin}/admin/#/playground/${agents.agents[0]!.id}`);
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 30_000 })
      .toBe('connected');
    await page.getByLabel('Message').fill('Hello there');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(async () => (await page.locator('.transcript li.assistant').count()) > 0, {
        timeout: 30_000,
      })
      .toBe(true);
    await page.getByRole('button', { name: 'End conversation' }).click();
    expect(csp.violations()).toEqual([]);
  });

  it('cannot be framed by a page on another origin', async () => {
    framer = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<!doctype html><iframe src="${origin}/admin/"></iframe>`);
    });
    await new Promise<void>((resolve) => framer!.listen(0, '127.0.0.1', resolve));
    const other = await browser.newPage();
    const blocked: string[] = [];
    other.on('console', (message) => {
      if (/frame-ancestors|X-Frame-Options|refused to (connect|display)/i.test(message.text()))
        blocked.push(message.text());
    });
    // "localhost" is another origin than 127.0.0.1.
    await other.goto(`http://localhost:${(framer.address() as AddressInfo).port}/`);
    await expect.poll(() => blocked.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const frame = other.frames().find((candidate) => candidate !== other.mainFrame());
    expect(
      await frame
        ?.locator('#app')
        .count()
        .catch(() => 0),
    ).toBe(0);
    await other.close();
  });
});
