/**
 * Core's voice session in real Chromium, for the server's WebRTC browser tests: the page's entry
 * (core's session with credentials for the Parley server, bundled from source), a tap on every
 * data-channel message, a silent microphone file, and the waits the tests share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as playwright from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { launchChromium, writeSilentWav } from '../../../scripts/chromium.mjs';
import { silentLogger } from '../src/logger.js';
import { createParleyServer, type ParleyServer } from '../src/server.js';
import type { ParleyLimits } from '../src/server-limits.js';
import { createStore, type Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { publishTestAgent } from './relay-helpers.js';

/** The page's entry: core's session, credentials for the Parley server, and a tap on the result. */
const entry = `
import { createTransport, createVoiceSession, parleyServerCredentials } from '@parley/core';
window.startVoice = (agentId, choice, webrtc, protocol) => {
  const sink = document.createElement('audio');
  document.body.append(sink);
  const transport = createTransport(choice, {
    webrtc: { createAudioSink: () => sink, ...(webrtc ?? {}) },
  });
  const session = createVoiceSession({
    credentials: parleyServerCredentials({ baseUrl: '', agentId, transport: choice, protocol }),
    transport,
  });
  const record = { events: [], audibleLevels: 0 };
  session.on('serverEvent', (event) => record.events.push(event));
  session.on('levels', (levels) => {
    if (levels.output.peak > 0.01) record.audibleLevels += 1;
  });
  window.voice = { session, record };
  return session.connect().then(() => 'connected', (error) => String(error));
};
`;

/** Installed before any page script: every data-channel message, both ways. */
export function tapDataChannels(): void {
  const w = window as unknown as { channelMessages: string[] };
  w.channelMessages = [];
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (
    this: RTCPeerConnection,
    ...args: Parameters<RTCPeerConnection['createDataChannel']>
  ) {
    const channel = create.apply(this, args);
    const send = channel.send.bind(channel) as (data: string) => void;
    channel.send = ((data: string) => {
      w.channelMessages.push(String(data));
      send(data);
    }) as RTCDataChannel['send'];
    channel.addEventListener('message', (event) => w.channelMessages.push(String(event.data)));
    return channel;
  };
}

/**
 * Installed before any page script: the page's microphone is a tone that stays quiet until
 * `window.speak(ms)` plays it for `ms` (speech to the emulator's energy VAD); the fake device's
 * own file plays silence for the whole browser.
 */
export function toneMicrophone(): void {
  const context = new AudioContext();
  const tone = context.createOscillator();
  const gain = context.createGain();
  const microphone = context.createMediaStreamDestination();
  gain.gain.value = 0;
  tone.frequency.value = 220;
  tone.connect(gain).connect(microphone);
  tone.start();
  // Each call gets its own track: the session stops the one it was given when a call ends.
  navigator.mediaDevices.getUserMedia = () =>
    context
      .resume()
      .then(
        () => new MediaStream(microphone.stream.getAudioTracks().map((track) => track.clone())),
      );
  (window as unknown as { speak(ms: number): Promise<void> }).speak = (ms) => {
    const at = context.currentTime;
    gain.gain.setValueAtTime(0.3, at);
    gain.gain.setValueAtTime(0, at + ms / 1000);
    return new Promise((resolve) => setTimeout(resolve, ms));
  };
}

/** What the entry puts on the page's window. */
export interface VoiceWindow {
  startVoice(
    agentId: string,
    choice: string,
    webrtc?: Record<string, unknown>,
    protocol?: 'realtime' | 'live',
  ): Promise<string>;
  voice: {
    session: {
      getSnapshot(): Snapshot;
      sendText(text: string): void;
      interrupt(): void;
      disconnect(): Promise<void>;
    };
    record: { events: { type: string }[]; audibleLevels: number };
  };
  channelMessages: string[];
  /** Plays the {@link toneMicrophone} for `ms`. */
  speak(ms: number): Promise<void>;
}

export type Snapshot = {
  status: string;
  transport?: string | null;
  transportFallbackReason?: string | null;
  items: Array<Record<string, unknown> & { type: string; id: string }>;
  diagnostics?: { reconnects: number };
};

/**
 * Writes a silent microphone (20 s, 48 kHz mono WAV) into `dir` for Chromium's fake device (its
 * beeps would be speech to the emulator's VAD), and bundles the page's entry; the WAV's path and
 * the bundle.
 */
async function voicePageParts(dir: string): Promise<{ wav: string; bundle: string }> {
  const wav = writeSilentWav(join(dir, 'silence.wav'));
  const bundled = await build({
    stdin: { contents: entry, resolveDir: dir, loader: 'js', sourcefile: 'voice-entry.js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    conditions: ['source'],
    nodePaths: [new URL('../node_modules', import.meta.url).pathname],
    write: false,
    logLevel: 'silent',
  });
  return { wav, bundle: bundled.outputFiles[0]!.text };
}

/** The page's session snapshot. */
export const snapshot = (page: playwright.Page) =>
  page.evaluate(
    () =>
      (
        window as unknown as { voice: { session: { getSnapshot(): unknown } } }
      ).voice.session.getSnapshot() as Snapshot,
  );

/** Waits until the page's session saw a server event matching `type` (and `after` events before). */
export async function waitForEvent(
  page: playwright.Page,
  type: string,
  after = 0,
  timeout = 30_000,
) {
  const handle = await page.waitForFunction(
    ([wanted, skip]) => {
      const events = (window as unknown as { voice: { record: { events: { type: string }[] } } })
        .voice.record.events;
      const index = events.findIndex((event, at) => at >= skip && event.type === wanted);
      return index === -1 ? null : index;
    },
    [type, after] as const,
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as number;
}

/** The emulator (requiring `apiKey`), the server on it, Chromium, and the page's bundle. */
export interface ChromiumStack {
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  parley: ParleyServer;
  store: Store;
  base: string;
  browser: playwright.Browser;
  bundle: string;
  close(): Promise<void>;
}

/** Starts a {@link ChromiumStack}: `seed` publishes the agents, on the first test database. */
export async function startChromiumStack(options: {
  apiKey: string;
  seed: (store: Store) => Promise<unknown>;
  limits: ParleyLimits;
}): Promise<ChromiumStack> {
  const backend = testBackends()[0]!;
  const workDir = mkdtempSync(join(tmpdir(), 'parley-webrtc-chromium-'));
  const { wav, bundle } = await voicePageParts(workDir);
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speechRate: Infinity,
    speechEngine: 'generated',
    requireKey: options.apiKey,
  });
  const store = createStore(await backend.open());
  await options.seed(store);
  const parley = await createParleyServer({
    store,
    seedTemplates: false,
    upstream: { kind: 'openai', apiKey: options.apiKey, baseUrl: `${emulator.httpUrl}/v1` },
    logger: silentLogger,
    admin: { password: 'admin-password-123' },
    limits: options.limits,
  });
  const base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  const browser = await launchChromium(playwright, { audioFile: wav });
  return {
    emulator,
    parley,
    store,
    base,
    browser,
    bundle,
    async close() {
      await browser.close();
      await parley.close();
      await emulator.close();
      await store.close();
      await backend.cleanup();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** A POST of the page to the server's `/api/…` routes, or its answer: the path and the JSON body. */
export interface Posted {
  path: string;
  body: Record<string, unknown>;
}

/**
 * Opens a page on the server's own origin (127.0.0.1 is a secure context, where getUserMedia
 * exists) with the session's bundle, {@link tapDataChannels} and each of `setup` installed before
 * any page script; `posted` and `answered` fill with what the page posts to `/api/…` and what
 * `/api/calls` and `/api/sessions` answer it, in order.
 */
export async function openVoicePage(
  stack: ChromiumStack,
  ...setup: Array<() => void>
): Promise<{ page: playwright.Page; posted: Posted[]; answered: Posted[] }> {
  const page = await stack.browser.newPage({ bypassCSP: true });
  const posted: Posted[] = [];
  const answered: Posted[] = [];
  const path = (url: string) => new URL(url).pathname;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().startsWith(`${stack.base}/api/`))
      posted.push({
        path: path(request.url()),
        body: JSON.parse(request.postData() ?? '{}') as Record<string, unknown>,
      });
  });
  page.on('response', (response) => {
    const url = response.url();
    if (response.request().method() !== 'POST' || !/\/api\/(calls|sessions)$/.test(url)) return;
    void response
      .json()
      .then((body: Record<string, unknown>) => answered.push({ path: path(url), body }));
  });
  await page.addInitScript(tapDataChannels);
  for (const script of setup) await page.addInitScript(script);
  await page.goto(`${stack.base}/health`);
  await page.addScriptTag({ content: stack.bundle });
  return { page, posted, answered };
}

/** The text context size of each `response.done` the page's session saw, in order. */
export const contexts = (page: playwright.Page) =>
  page.evaluate(() =>
    (window as unknown as VoiceWindow).voice.record.events
      .filter((event) => event.type === 'response.done')
      .map(
        (event) =>
          (
            event as unknown as {
              response: { usage: { input_token_details: { text_tokens: number } } };
            }
          ).response.usage.input_token_details.text_tokens,
      ),
  );

/** Types `text` in the page and waits for the answer's response.done; its context size. */
export async function say(page: playwright.Page, text: string): Promise<number> {
  const before = (await contexts(page)).length;
  await page.evaluate(
    (typed) => (window as unknown as VoiceWindow).voice.session.sendText(typed),
    text,
  );
  await expect
    .poll(async () => (await contexts(page)).length, { timeout: 20_000 })
    .toBeGreaterThan(before);
  return (await contexts(page))[before]!;
}

/**
 * Taps this process's `fetch` (the server runs in it) for the upstream call ids the server
 * places on `emulator`, newest last (the browser never sees them); `restore` puts fetch back.
 */
export function tapUpstreamCalls(emulator: ChromiumStack['emulator']): {
  calls: string[];
  restore(): void;
} {
  const realFetch = globalThis.fetch;
  const calls: string[] = [];
  const placing = `${emulator.httpUrl}/v1/realtime/calls`;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const location = response.headers.get('location');
    if (url === placing && location) calls.push(location.split('/').pop()!);
    return response;
  };
  return {
    calls,
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
}

/** The upstream (the emulator) ends call `callId` under the page, as when its network goes. */
export async function endUpstreamCall(
  stack: ChromiumStack,
  apiKey: string,
  callId: string,
): Promise<void> {
  const hungUp = await fetch(`${stack.emulator.httpUrl}/v1/realtime/calls/${callId}/hangup`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(hungUp.status).toBe(200);
}

/** A test's own sideband on an emulated GPT-Live session: what it heard, and a way to steer it. */
export interface LiveSteering {
  events: Array<Record<string, unknown> & { type: string }>;
  send(event: Record<string, unknown>): void;
  close(): void;
}

/**
 * Attaches a sideband of the test's own to the emulator's GPT-Live session `sessionId` (the page
 * never learns the id: see `liveSessionIds`), e.g. to say what the user's next turn is heard as
 * (`emulator.transcript`) or to inject a fault (`emulator.fault`).
 */
export async function steerLiveSession(
  stack: ChromiumStack,
  apiKey: string,
  sessionId: string,
): Promise<LiveSteering> {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(`${stack.emulator.liveUrl}/${sessionId}/attach`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const events: LiveSteering['events'] = [];
  socket.on('message', (data: Buffer) =>
    events.push(JSON.parse(data.toString('utf8')) as LiveSteering['events'][number]),
  );
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    events,
    send: (event) => socket.send(JSON.stringify(event)),
    close: () => socket.close(),
  };
}

/** What {@link useFlatFinder} started: read them inside tests (they throw before `beforeAll`). */
export interface FlatFinder {
  readonly stack: ChromiumStack;
  /** The upstream call ids the server placed, newest last (see {@link tapUpstreamCalls}). */
  readonly upstreamCalls: string[];
}

/**
 * Registers the file's `beforeAll`/`afterAll` for the resume tests: a {@link ChromiumStack} with
 * `limits` (by default one session per client, so a resume only gets through if the dropped
 * call's slot is given back, and a minute to resume in) and two flat finders that greet, the Realtime `concierge` (text only) and the GPT-Live
 * `live-concierge`, and a tap on the upstream Realtime calls the server places.
 */
export function useFlatFinder(
  apiKey: string,
  limits: ParleyLimits = {
    maxSessionsPerClient: 1,
    sessionRequestsPerMinute: 1000,
    resumeWindowMs: 60_000,
  },
): FlatFinder {
  let stack: ChromiumStack | undefined;
  let upstream: ReturnType<typeof tapUpstreamCalls> | undefined;
  beforeAll(async () => {
    stack = await startChromiumStack({
      apiKey,
      seed: async (seeded) => {
        await publishTestAgent(seeded, 'concierge', {
          instructions: 'Help with flats.',
          transcriptionModel: null,
          outputModality: 'text',
          greeting: 'Welcome to the flat finder.',
        });
        await publishTestAgent(seeded, 'live-concierge', {
          api: 'live',
          model: 'gpt-live-1',
          instructions: 'Help with flats.',
          transcriptionModel: null,
          greeting: 'Welcome to the live flat finder.',
        });
      },
      limits,
    });
    // The server runs in this process: its upstream call placements are read on their way back.
    upstream = tapUpstreamCalls(stack.emulator);
  }, 60_000);
  afterAll(async () => {
    upstream?.restore();
    await stack?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Chromium stack is not started yet');
    return value;
  };
  return {
    get stack() {
      return started(stack);
    },
    get upstreamCalls() {
      return started(upstream).calls;
    },
  };
}

/**
 * Ends the page's session and closes the page, then waits for `conversationId` to be stored as
 * completed; its stored detail.
 */
export async function endAndStored(page: playwright.Page, store: Store, conversationId: string) {
  await page.evaluate(() => (window as unknown as VoiceWindow).voice.session.disconnect());
  await page.close();
  await expect
    .poll(async () => (await store.conversations.get(conversationId))?.status, {
      timeout: 10_000,
    })
    .toBe('completed');
  return store.conversations.detail(conversationId);
}
