// What every end-to-end console test starts from: a real Parley server (in-process, SQLite in a
// temporary data directory, the emulator as upstream) serving the built console, real Chromium,
// and the ways to sign in to it (the form, or the login API for a page or for fetch).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { createParleyServer, silentLogger } from '@parley/server';
import type { ParleyServer, ParleyServerOptions } from '@parley/server';
import { csrfHeaderName } from '@parley/server/schemas';
import { launchChromium } from '../../../scripts/chromium.mjs';

export const adminDist = fileURLToPath(new URL('../dist/', import.meta.url));
export const screenshots = fileURLToPath(new URL('../test-results/', import.meta.url));
export const email = 'admin@example.com';
export const password = 'correct horse battery staple';

/** The running server, its origin, Chromium and one page. */
export interface ConsoleStack {
  parley: ParleyServer;
  origin: string;
  dataDir: string;
  browser: Browser;
  page: Page;
  /** Closes Chromium and the server, and removes the data directory. */
  close(): Promise<void>;
}

/** How a test wants its stack. */
export interface ConsoleStackOptions {
  /** Names the temporary data directory. */
  name: string;
  /** Server options on top of the defaults (emulator upstream, the admin below, no demo). */
  server?: Partial<ParleyServerOptions>;
  /** False: no admin account (the first-run setup page). Default true. */
  admin?: boolean;
  /** A fake microphone that plays silence at this sample rate (playground tests). */
  silentMicrophoneHz?: number;
  viewport?: { width: number; height: number };
}

/** Starts the server on a loopback port and Chromium with one page. */
export async function startConsole(options: ConsoleStackOptions): Promise<ConsoleStack> {
  if (!existsSync(join(adminDist, 'index.html')))
    throw new Error(
      'apps/admin/dist is missing: build the console first (pnpm --filter @parley/admin build).',
    );
  const dataDir = mkdtempSync(join(tmpdir(), `parley-admin-${options.name}-`));
  let parley: ParleyServer | undefined;
  let browser: Browser | undefined;
  try {
    parley = await createParleyServer({
      env: {},
      upstream: { kind: 'emulator', apiKey: 'test-upstream-credential' },
      database: { dataDir },
      ...(options.admin === false ? {} : { admin: { email, password } }),
      staticDirs: { admin: adminDist, demo: null },
      logger: silentLogger,
      ...options.server,
    });
    const listening = await parley.listen({ port: 0, host: '127.0.0.1' });
    let audioFile: string | undefined;
    if (options.silentMicrophoneHz !== undefined) {
      // Silence keeps the emulator's voice activity detection quiet: the turns are the typed ones.
      audioFile = join(dataDir, 'silence.wav');
      const rate = String(options.silentMicrophoneHz);
      execFileSync('sox', ['-n', '-r', rate, '-c', '1', '-b', '16', audioFile, 'trim', '0', '20']);
    }
    browser = await launchChromium(playwright, audioFile === undefined ? {} : { audioFile });
    const page = await browser.newPage({
      viewport: options.viewport ?? { width: 1360, height: 900 },
    });
    const started = { parley, browser };
    return {
      parley,
      origin: `http://127.0.0.1:${listening.port}`,
      dataDir,
      browser,
      page,
      async close() {
        await started.browser.close();
        await started.parley.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await parley?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Signs in through the sign-in form, as an admin would, and waits until the console has left
 * the sign-in page (for `redirect` when given, e.g. `/experiments`).
 */
export async function signIn(page: Page, origin: string, redirect?: string): Promise<void> {
  const query = redirect === undefined ? '' : `?redirect=${encodeURIComponent(redirect)}`;
  await page.goto(`${origin}/admin/#/sign-in${query}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => !url.hash.startsWith('#/sign-in'));
}

/** Signs the page's browser context in through the login API (its cookie serves the page). */
export async function signInByApi(page: Page, origin: string): Promise<void> {
  const login = await page.request.post(`${origin}/api/admin/login`, { data: { email, password } });
  if (login.status() !== 200) throw new Error(`sign-in answered HTTP ${login.status()}`);
}

/** The admin API from the test itself: signed in, with the session's CSRF token on writes. */
export interface AdminClient {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T>;
}

/** Signs in through the login API and returns a client for `/api/admin`. */
export async function adminClient(origin: string): Promise<AdminClient> {
  const login = await fetch(`${origin}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`sign-in answered HTTP ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${origin}/api/admin${path}`, {
      method,
      headers: { cookie, [csrfHeaderName]: csrf, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path} answered HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}

/**
 * A relayed conversation of typed turns, one answer each, ended by the visitor's hang-up;
 * returns its id. `grant` goes into the session request (agent, customer, tags).
 */
export async function typedConversation(
  origin: string,
  grant: { agentId: string; customerId?: string; tags?: string[] },
  turns: readonly string[],
): Promise<string> {
  const response = await fetch(`${origin}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(grant),
  });
  if (!response.ok) throw new Error(`the session request answered HTTP ${response.status}`);
  const session = (await response.json()) as {
    url: string;
    ticket: string;
    conversationId: string;
  };
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  const pending = [...turns];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the conversation took over 30 s')), 30_000);
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const type = (JSON.parse(data.toString()) as { type: string }).type;
      if (type !== 'session.updated' && type !== 'response.done') return;
      if (type === 'session.updated' && pending.length < turns.length) return;
      const text = pending.shift();
      if (text === undefined) {
        clearTimeout(timer);
        resolve();
        return;
      }
      socket.send(
        JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
        }),
      );
      socket.send(JSON.stringify({ type: 'response.create' }));
    });
  });
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000, 'done');
  });
  return session.conversationId;
}

/** Waits until the playground's last answer shows over 10 characters besides its speaker. */
export async function waitForPlaygroundReply(page: Page, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const last = page.locator('.transcript li.assistant').last();
  for (;;) {
    const text = (await last.count()) > 0 ? await last.textContent() : null;
    const length = text?.replace(/^.*?\n/, '').trim().length ?? 0;
    if (length > 10) return;
    if (Date.now() > deadline)
      throw new Error(`the playground showed no answer in ${timeoutMs} ms (last: ${text})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
