// @vitest-environment node
// A GPT-Live conversation in the demo over the Live relay (pinned with `?transport=websocket`:
// typed text is a relay feature for Live agents), end to end in real Chromium: the fake microphone plays an
// espeak-ng WAV, the demo's session speaks Live to the Parley server's Live relay (in-process,
// port 0), which holds the upstream socket to the emulator's /v1/live/sessions. The agent answers
// aloud (measured at the playback worklet's output level), the transcript shows both sides, and a
// typed request runs a server tool by Responses delegation, shown in a tool card with its result.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { VoiceSession } from '@parley/core';
import type { ParleyAudioPort } from '@parley/audio-worklets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { makeSpeechWav } from './speech-wav.mjs';
import { ensureDemoBuilt } from './demo-build.js';
import { startStack } from './stack.mjs';
import type { Stack } from './stack.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(appDir, 'test-results');
const STEP_TIMEOUT = 30_000;

let stack: Stack | undefined;
let browser: Browser | undefined;
let page: Page;
let liveAgentId = '';

/** What the demo puts on `window` with `?debug`, plus what this test records. */
interface DemoWindow {
  parley: { session: VoiceSession; audio: ParleyAudioPort };
  /** Loudest output level the playback worklet reported (what the speaker played). */
  loudestOutput: number;
  /** Script files the page loaded. */
  scripts: string[];
}

async function waitForSnapshot(predicate: string, timeout = STEP_TIMEOUT): Promise<void> {
  await page.waitForFunction(
    `(() => { const s = window.parley?.session?.getSnapshot(); return Boolean(s && (${predicate})); })()`,
    undefined,
    { timeout, polling: 50 },
  );
}

async function setMuted(muted: boolean): Promise<void> {
  await page.getByRole('button', { name: muted ? 'Mute' : 'Unmute' }).click();
  await waitForSnapshot(`s.muted === ${String(muted)}`);
}

beforeAll(async () => {
  mkdirSync(resultsDir, { recursive: true });
  ensureDemoBuilt(appDir);
  const segments: ({ silenceMs: number } | { say: string })[] = [{ silenceMs: 400 }];
  for (let repeat = 0; repeat < 30; repeat += 1) {
    segments.push(
      { say: 'Hello, can you tell me about your shipping times?' },
      { silenceMs: 2500 },
    );
  }
  const wav = makeSpeechWav(segments);
  stack = await startStack({ demoDir: join(appDir, 'dist') });
  const agents = (
    (await (await fetch(`${stack.url}/api/agents`)).json()) as {
      agents: { id: string; slug: string }[];
    }
  ).agents;
  liveAgentId = agents.find((agent) => agent.slug === 'ecommerce-support-live')!.id;
  browser = await launchChromium(playwright, { audioFile: wav.path });
  // `bypassCSP`: the steps wait on string predicates, which Playwright evaluates with `eval` (see
  // e2e.test.ts; the policy itself is tested in security-headers.test.ts).
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.addInitScript(() => {
    const w = window as unknown as DemoWindow;
    w.scripts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.scripts.push(entry.name);
    }).observe({ type: 'resource', buffered: true });
  });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.close();
});

describe('a GPT-Live agent in the demo, end to end against the emulator', () => {
  it('offers the Live agents beside the Realtime ones, without loading Live code up front', async () => {
    await page.goto(`${stack!.url}/?debug&transport=websocket`);
    await page
      .getByRole('button', { name: 'Start conversation' })
      .waitFor({ timeout: STEP_TIMEOUT });
    const options = await page.getByLabel('Agent').locator('option').allTextContents();
    expect(options.filter((name) => name.includes('(GPT-Live)'))).toHaveLength(2);
    expect(options.length).toBeGreaterThan(2);
    const loaded = () => page.evaluate(() => (window as unknown as DemoWindow).scripts);
    expect((await loaded()).some((name) => /\/parley-live-/.test(name))).toBe(false);
    await page.getByLabel('Agent').selectOption(liveAgentId);
    await setMuted(true);
  });

  it('connects over the Live relay and hears the user speak', async () => {
    await page.evaluate(() => {
      const w = window as unknown as DemoWindow;
      w.loudestOutput = 0;
      w.parley.session.on('levels', (levels) => {
        w.loudestOutput = Math.max(w.loudestOutput, levels.output.rms);
      });
    });
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await waitForSnapshot(`s.status === 'connected' && s.capabilities?.family === 'live'`);
    // The Live runtime came in its own chunk, on demand; the model owns turn-taking: no push-to-talk.
    const scripts = await page.evaluate(() => (window as unknown as DemoWindow).scripts);
    expect(scripts.some((name) => /\/parley-live-/.test(name))).toBe(true);
    expect(await page.getByRole('button', { name: 'Hold to talk' }).count()).toBe(0);
    await setMuted(false);
    await waitForSnapshot(`s.items.some((i) => i.type === 'message' && i.role === 'user')`);
    await setMuted(true);
  });

  it('answers aloud, and the transcript shows the answer', async () => {
    await waitForSnapshot(
      `(() => { const i = s.items.findIndex((x) => x.role === 'user'); return s.items.slice(i + 1).some((x) => x.role === 'assistant' && x.text.length > 10); })()`,
    );
    // Heard: the playback worklet played it (its output level rose above silence).
    await page.waitForFunction(
      () => (window as unknown as DemoWindow).loudestOutput > 0.01,
      undefined,
      {
        timeout: STEP_TIMEOUT,
        polling: 50,
      },
    );
    const snapshot = (await page.evaluate(() =>
      (window as unknown as DemoWindow).parley.session.getSnapshot(),
    )) as unknown as { items: { role?: string; text?: string }[] };
    const answer = snapshot.items.find((item) => item.role === 'assistant')!;
    const log = page.getByRole('log', { name: 'Transcript' });
    await expect.poll(() => log.textContent()).toContain(answer.text!.slice(0, 15));
    await page.screenshot({ path: join(resultsDir, 'live-01-answered.png'), fullPage: true });
  });

  it('runs a server tool by delegation and shows its result in a tool card', async () => {
    await page.getByLabel('Message').fill('Can you search knowledge base for your return policy?');
    await page.getByRole('button', { name: 'Send' }).click();
    const card = page.getByRole('article', { name: /^Tool call search_knowledge_base/ });
    await card.waitFor({ timeout: STEP_TIMEOUT });
    await waitForSnapshot(
      `s.items.some((i) => i.type === 'function_call' && i.name === 'search_knowledge_base' && i.status === 'completed')`,
    );
    await expect.poll(() => card.textContent()).toContain('Result');
    expect(await card.textContent()).toContain('Arguments');
    // Billed by the second: the panel shows the time, loaded on demand, not a token count.
    await page.getByTestId('billed-seconds').waitFor({ timeout: STEP_TIMEOUT });
    await page.screenshot({ path: join(resultsDir, 'live-02-tool-card.png'), fullPage: true });
  });

  it('ends the conversation and releases the microphone', async () => {
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page
      .getByRole('button', { name: 'Start conversation' })
      .waitFor({ timeout: STEP_TIMEOUT });
    expect(await page.evaluate(() => (window as unknown as DemoWindow).parley.audio.state)).toBe(
      'stopped',
    );
  });
});
