// @vitest-environment node
// The demo end to end in real Chromium: its fake microphone plays an espeak-ng WAV, the demo talks
// through the Parley server (in-process, port 0) to the Parley emulator. Screenshots of the main
// states go to apps/demo/test-results/. Pinned to the WebSocket relay (`?transport=websocket`): the
// steps read the audio port's microphone frames, which a WebRTC session sends as a media track.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { PlaybackPosition, VoiceSession } from '@parley/core';
import type { ParleyAudioPort } from '@parley/audio-worklets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { makeSpeechWav } from './speech-wav.mjs';
import type { SpeechWav } from './speech-wav.mjs';
import { ensureDemoBuilt } from './demo-build.js';
import { startStack } from './stack.mjs';
import type { Stack } from './stack.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(appDir, 'test-results');
const STEP_TIMEOUT = 20_000;

let stack: Stack | undefined;
let browser: Browser | undefined;
let page: Page;
let wav: SpeechWav;

/** What the demo puts on `window` with `?debug`, plus the client events this test records. */
interface DemoWindow {
  parley: { session: VoiceSession; audio: ParleyAudioPort };
  clientEvents: { type: string; item_id?: string; audio_end_ms?: number; at: number }[];
}

/** The snapshot of the demo's session, read in the page. */
interface PageSnapshot {
  status: string;
  turn: string;
  muted: boolean;
  items: {
    type: string;
    id: string;
    role?: string;
    text?: string;
    streaming?: boolean;
    interrupted?: boolean;
    audioEndMs?: number | null;
    audioMs?: number;
    name?: string;
    status?: string;
    output?: string | null;
  }[];
}

function snapshot(): Promise<PageSnapshot> {
  return page.evaluate(
    () => (window as unknown as DemoWindow).parley.session.getSnapshot() as unknown as PageSnapshot,
  );
}

function position(itemId: string): Promise<PlaybackPosition | null> {
  return page.evaluate((id) => (window as unknown as DemoWindow).parley.audio.position(id), itemId);
}

/** Waits until the playback worklet has rendered more than `ms` of an item. */
async function waitForPlayed(itemId: string, ms: number): Promise<void> {
  await page.waitForFunction(
    ({ id, samples }) =>
      ((window as unknown as DemoWindow).parley.audio.position(id)?.playedSamples ?? 0) > samples,
    { id: itemId, samples: ms * 24 },
    { timeout: STEP_TIMEOUT, polling: 20 },
  );
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true });
}

/** Waits until `predicate`, a JavaScript expression over the session snapshot `s`, holds in the page. */
async function waitForSnapshot(predicate: string, timeout = STEP_TIMEOUT): Promise<void> {
  await page.waitForFunction(
    `(() => { const s = window.parley?.session?.getSnapshot(); return Boolean(s && (${predicate})); })()`,
    undefined,
    { timeout, polling: 20 },
  );
}

async function setMuted(muted: boolean): Promise<void> {
  const button = page.getByRole('button', { name: muted ? 'Mute' : 'Unmute' });
  await button.click();
  await waitForSnapshot(`s.muted === ${String(muted)}`);
}

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  ensureDemoBuilt(appDir);
  // The microphone plays the same question every 4 seconds; the test mutes and unmutes to choose
  // which ones the agent hears, so the script does not depend on how long replies take.
  const segments: ({ silenceMs: number } | { say: string })[] = [{ silenceMs: 400 }];
  for (let repeat = 0; repeat < 30; repeat += 1) {
    segments.push({ say: 'Hello, can you tell me about your fees?' }, { silenceMs: 2500 });
  }
  wav = makeSpeechWav(segments);
  stack = await startStack({ demoDir: join(appDir, 'dist') });
  browser = await launchChromium(playwright, { audioFile: wav.path });
  // `bypassCSP`: the steps wait on string predicates over the snapshot, which Playwright evaluates
  // with `eval`, and the server's CSP rightly refuses `eval` (no 'unsafe-eval'). The policy itself is
  // tested with it in force, in test/security-headers.test.ts.
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page.on('pageerror', (error) => console.error('page error:', error));
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.close();
});

describe('the demo, end to end against the emulator', () => {
  it('lists the agents and offers "Start conversation"', async () => {
    await page.goto(`${stack!.url}/?debug&transport=websocket`);
    await page
      .getByRole('button', { name: 'Start conversation' })
      .waitFor({ timeout: STEP_TIMEOUT });
    expect(await page.getByRole('log', { name: 'Transcript' }).count()).toBe(1);
    expect(await page.getByLabel('Agent').locator('option').count()).toBeGreaterThan(0);
    // Muted from the start: the test decides when the agent hears the microphone.
    await setMuted(true);
    await screenshot('01-ready');
  });

  it('starts, and after the greeting hears the user speak', async () => {
    await page.evaluate(() => {
      const w = window as unknown as DemoWindow;
      w.clientEvents = [];
      w.parley.session.on('clientEvent', (event) => {
        w.clientEvents.push({
          type: event.type,
          ...(typeof event.item_id === 'string' ? { item_id: event.item_id } : {}),
          ...(typeof event.audio_end_ms === 'number' ? { audio_end_ms: event.audio_end_ms } : {}),
          at: performance.now(),
        });
      });
    });
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.getByRole('button', { name: 'End conversation' }).waitFor({ timeout: STEP_TIMEOUT });
    await waitForSnapshot(`s.status === 'connected'`);
    // Let the agent's greeting (if it has one) finish.
    await waitForSnapshot(`s.turn === 'listening' && !s.items.some((i) => i.streaming)`);
    await page.waitForTimeout(300);
    await waitForSnapshot(`s.turn === 'listening'`);

    await setMuted(false);
    await waitForSnapshot(`s.turn === 'user_speaking'`);
    await screenshot('02-user-speaking');
    await waitForSnapshot(`s.turn !== 'user_speaking'`);
    await setMuted(true);
    const state = await snapshot();
    expect(state.items.some((item) => item.type === 'message' && item.role === 'user')).toBe(true);
  });

  it('plays the reply (measured at the playback worklet) and shows its transcript', async () => {
    await waitForSnapshot(
      `(() => { const i = s.items.findLastIndex((x) => x.role === 'user'); return s.items.slice(i + 1).some((x) => x.role === 'assistant'); })()`,
    );
    const state = await snapshot();
    const userIndex = state.items.map((item) => item.role).lastIndexOf('user');
    const reply = state.items.slice(userIndex + 1).find((item) => item.role === 'assistant')!;
    await waitForPlayed(reply.id, 100);
    await screenshot('03-agent-speaking');
    await waitForSnapshot(`s.turn === 'listening' && !s.items.some((i) => i.streaming)`);
    const done = (await snapshot()).items.find((item) => item.id === reply.id)!;
    expect(done.text!.length).toBeGreaterThan(0);
    const log = page.getByRole('log', { name: 'Transcript' });
    await expect.poll(() => log.textContent()).toContain(done.text!.slice(0, 20));
    await expect
      .poll(async () => ((await position(reply.id))?.playedSamples ?? 0) / 24)
      .toBeGreaterThan(done.audioMs! * 0.9);
  });

  it('shows a tool call card with arguments, result and duration', async () => {
    await page.getByLabel('Message').fill('Can you search knowledge base for your fees?');
    await page.getByRole('button', { name: 'Send' }).click();
    const card = page.getByRole('article', { name: /^Tool call search_knowledge_base/ });
    await card.waitFor({ timeout: STEP_TIMEOUT });
    await waitForSnapshot(
      `s.items.some((i) => i.type === 'function_call' && i.status === 'completed')`,
    );
    await expect.poll(() => card.textContent()).toContain('Result');
    expect(await card.textContent()).toContain('Arguments');
    await screenshot('04-tool-card');
    await waitForSnapshot(`s.turn === 'listening' && !s.items.some((i) => i.streaming)`, 60_000);
  });

  it('stops the reply when the user speaks over it, and truncates at what was heard', async () => {
    // A message that names none of the agent's tools, so the emulator's reply rules answer with a long
    // sentence that quotes it (about 15 s of speech). A shorter reply (a tool asking for what it still
    // needs runs about 4 s) can end before the next question from the looping microphone (every 4.5 s)
    // reaches the server, and the test would then measure the microphone's phase, not the barge-in.
    const long =
      'Tell me a long story about the history of this old town: its harbour and lighthouse, the market square, ' +
      'the cathedral, the river with its stone bridges, and the families who lived there over the centuries.';
    await page.getByLabel('Message').fill(long);
    await page.getByRole('button', { name: 'Send' }).click();
    await waitForSnapshot(`s.turn === 'agent_speaking'`);
    const state = await snapshot();
    const reply = state.items.filter((item) => item.role === 'assistant').at(-1)!;
    await waitForPlayed(reply.id, 1500);
    await setMuted(false);
    await waitForSnapshot(
      `s.items.some((i) => i.id === ${JSON.stringify(reply.id)} && i.interrupted)`,
    );
    await setMuted(true);

    // Playback stopped: the playhead no longer moves.
    const before = (await position(reply.id))!.playedSamples;
    await page.waitForTimeout(400);
    expect((await position(reply.id))!.playedSamples).toBe(before);

    // The truncate carried the heard position: what the playback worklet rendered, less what was
    // still in the output pipeline (the output latency), and short of what had arrived.
    const truncate = await page.evaluate(
      (itemId) =>
        (window as unknown as DemoWindow).clientEvents.find(
          (event) => event.type === 'conversation.item.truncate' && event.item_id === itemId,
        ),
      reply.id,
    );
    expect(truncate?.audio_end_ms).toBeTypeOf('number');
    const heard = (await position(reply.id))!;
    const heardMs = heard.playedSamples / 24;
    expect(truncate!.audio_end_ms).toBeGreaterThanOrEqual(
      Math.floor(heardMs - heard.outputLatencyMs) - 1,
    );
    expect(truncate!.audio_end_ms).toBeLessThanOrEqual(Math.ceil(heardMs));
    const interrupted = (await snapshot()).items.find((item) => item.id === reply.id)!;
    expect(interrupted.audioEndMs).toBe(truncate!.audio_end_ms);
    expect(truncate!.audio_end_ms).toBeLessThan(interrupted.audioMs!);

    const marked = page.locator(`[data-item-id="${reply.id}"]`);
    expect(await marked.getAttribute('data-interrupted')).toBe('true');
    expect(await marked.textContent()).toContain('Interrupted');
    await screenshot('05-interrupted');
  });

  it('ends the conversation and releases the microphone', async () => {
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page
      .getByRole('button', { name: 'Start conversation' })
      .waitFor({ timeout: STEP_TIMEOUT });
    await waitForSnapshot(`s.status === 'idle' || s.status === 'closed'`);
    const micState = await page.evaluate(
      () => (window as unknown as DemoWindow).parley.audio.state,
    );
    expect(micState).toBe('stopped');
    const announcer = page.locator('[role="status"][aria-live="polite"]');
    await expect.poll(() => announcer.textContent()).toBe('Conversation ended.');
    await screenshot('06-ended');
  });

  it('fits a 360 px wide phone without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 780 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot('07-phone-360');
  });
});
