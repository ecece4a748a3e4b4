// Shared setup of the browser tests: bundles the page and the worklets in memory with esbuild,
// serves them from a loopback HTTP server under a strict CSP (no blob:, no eval), and launches
// Debian's Chromium through playwright-core with the fake microphone.
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromiumArgs, launchChromium, requireChromium } from '../../../../scripts/chromium.mjs';
import { workletBuildOptions } from '../../scripts/build-worklets.mjs';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** The strict policy every test page is served with. */
export const STRICT_CSP =
  "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>parley audio test</title></head>
<body><script type="module" src="/main.js"></script></body></html>`;

/** Bundles the page script and all worklets; keys are URL paths. */
export async function bundleAssets(): Promise<Map<string, string>> {
  const assets = new Map<string, string>();
  const worklets = await build({
    ...workletBuildOptions(),
    sourcemap: false,
    write: false,
    outdir: '/worklets',
  });
  for (const file of worklets.outputFiles) assets.set(file.path, file.text);
  const page = await build({
    absWorkingDir: packageDir,
    entryPoints: { main: 'test/page/entry.ts', recorder: 'test/page/recorder-worklet.ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    write: false,
    outdir: '/',
    logLevel: 'warning',
  });
  for (const file of page.outputFiles) {
    assets.set(file.path === '/recorder.js' ? '/worklets/recorder.js' : file.path, file.text);
  }
  assets.set('/', PAGE);
  return assets;
}

/** A loopback server of in-memory assets. */
export async function serveAssets(
  assets: Map<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = assets.get(path);
    if (path === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': path === '/' ? 'text/html; charset=utf-8' : 'text/javascript; charset=utf-8',
      'content-security-policy': STRICT_CSP,
      'cache-control': 'no-store',
    };
    // `/?denied` is the same page with the microphone forbidden by policy, so getUserMedia fails
    // the way it does when a user blocks the site.
    if (path === '/' && new URL(request.url ?? '/', 'http://127.0.0.1').search === '?denied') {
      headers['permissions-policy'] = 'microphone=()';
    }
    response.writeHead(200, headers);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Launches Chromium (with `audioFile` as the fake microphone; `autoplay: false` to make audio wait
 * for a user gesture) and opens the test page.
 */
export async function openPage(
  url: string,
  audioFile?: string,
  options: { autoplay?: boolean; onConsole?: (text: string) => void } = {},
): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const playwright = await import('playwright-core');
  const { autoplay } = options;
  const launchOptions = audioFile ? { audioFile } : {};
  // Headless Chromium lets audio start without a gesture unless told to apply the real policy.
  const browser =
    autoplay === false
      ? await playwright.chromium.launch({
          executablePath: requireChromium(),
          args: [
            ...chromiumArgs({ ...launchOptions, autoplay: false }),
            '--autoplay-policy=document-user-activation-required',
          ],
          headless: true,
        })
      : await launchChromium(playwright, launchOptions);
  const context = await browser.newContext();
  await context.grantPermissions(['microphone'], { origin: new URL(url).origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
    options.onConsole?.(message.text());
  });
  await page.goto(url);
  // Automation calls count as user gestures; a page testing autoplay rules must not get one.
  if (options.autoplay !== false) await page.waitForFunction(() => 'parleyTest' in window);
  return { browser, page, errors };
}
