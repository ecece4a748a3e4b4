// @vitest-environment node
// The demo's default transport, in real Chromium against the emulator: without `?transport=` a
// conversation goes over WebRTC (the server places the call, the reply plays from the remote
// track) and the page says so; `?transport=websocket` still forces the relay.
import type { Page } from 'playwright-core';
import type { VoiceSession } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { startConversation, useDemoInChromium } from './chromium-stack.js';

const STEP_TIMEOUT = 30_000;

const demo = useDemoInChromium({ speechRate: Infinity });

/** Starts a conversation with the first agent on `path`, and waits until it is connected. */
const start = (path: string): Promise<Page> => startConversation(demo, path, STEP_TIMEOUT);

const snapshot = (page: Page) =>
  page.evaluate(() => {
    const { session } = (window as unknown as { parley: { session: VoiceSession } }).parley;
    const { transport, transportFallbackReason, items } = session.getSnapshot();
    return {
      transport,
      transportFallbackReason,
      said: items.filter((item) => item.type === 'message' && item.role === 'assistant').length,
    };
  });

describe("the demo's transport", () => {
  it('talks over WebRTC by default and shows it', async () => {
    const page = await start('/?debug');
    const note = page.getByTestId('transport');
    await expect.poll(() => note.getAttribute('data-transport')).toBe('webrtc');
    expect(await note.textContent()).toBe('Audio over WebRTC');
    const view = await snapshot(page);
    expect(view.transport).toBe('webrtc');
    expect(view.transportFallbackReason).toBeNull();
    // A typed turn goes on the data channel and is answered.
    await page.getByLabel('Message').fill('Hello, what can you do?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(async () => (await snapshot(page)).said, { timeout: STEP_TIMEOUT })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.close();
  });

  it('keeps ?transport=websocket to force the relay', async () => {
    const page = await start('/?debug&transport=websocket');
    const note = page.getByTestId('transport');
    await expect.poll(() => note.getAttribute('data-transport')).toBe('websocket');
    expect(await note.textContent()).toBe('Audio over WebSocket');
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.close();
  });
});
