// @vitest-environment node
// End to end: a conversation recorded by the relay (real server, in-process emulator) appears on
// the admin's conversation page with a player whose duration is the recording's, and clicking a
// transcript line seeks the audio there. Real Chromium; screenshot in test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { ParleyServer } from '@parley/server';
import { agentConfigSchema } from '@parley/server/schemas';
import { screenshots, signIn, startConsole } from './console-stack';
import type { ConsoleStack } from './console-stack';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: ConsoleStack | undefined;
let parley: ParleyServer | undefined;
let origin = '';
let page: Page;

/** 20 ms frames of a 440 Hz tone then silence, base64 PCM16 at 24 kHz (a microphone's turn). */
function speech(toneMs: number, silenceMs: number): string[] {
  const frames: string[] = [];
  for (let start = 0; start < (toneMs + silenceMs) * 24; start += 480) {
    const pcm = Buffer.alloc(960);
    for (let i = 0; i < 480; i++) {
      const n = start + i;
      pcm.writeInt16LE(
        n < toneMs * 24 ? Math.round(9000 * Math.sin((2 * Math.PI * 440 * n) / 24000)) : 0,
        i * 2,
      );
    }
    frames.push(pcm.toString('base64'));
  }
  return frames;
}

/** One spoken turn and one typed turn through the relay, paced like a browser; returns the conversation id. */
async function converse(agentId: string): Promise<string> {
  const response = await fetch(`${origin}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId }),
  });
  const session = (await response.json()) as {
    url: string;
    ticket: string;
    conversationId: string;
  };
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  let done = 0;
  socket.on('message', (data: Buffer) => {
    if ((JSON.parse(data.toString()) as { type: string }).type === 'response.done') done++;
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const until = async (count: number) => {
    for (let i = 0; i < 300 && done < count; i++) await sleep(100);
    expect(done).toBeGreaterThanOrEqual(count);
  };
  await sleep(300);
  for (const audio of speech(1000, 900)) {
    socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
    await sleep(20);
  }
  await until(1);
  await sleep(500);
  socket.send(
    JSON.stringify({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What are your opening hours?' }],
      },
    }),
  );
  socket.send(JSON.stringify({ type: 'response.create' }));
  await until(2);
  await sleep(1500);
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000, 'done');
  });
  return session.conversationId;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  stack = await startConsole({ name: 'replay', server: { seedTemplates: false } });
  ({ parley, origin, page } = stack);
  await parley.store.agents.create(
    {
      slug: 'recorded',
      name: 'Recorded',
      description: '',
      publish: true,
      config: agentConfigSchema.parse({
        instructions: 'You answer questions.',
        recording: { enabled: true },
      }),
    },
    null,
  );
});

afterAll(async () => {
  await stack?.close();
});

describe('replay of a recorded conversation', () => {
  it('plays the recording with its duration, and a transcript line seeks the audio', async () => {
    const conversationId = await converse('recorded');
    let recordings = await parley!.store.recordings.forConversation(conversationId);
    for (let i = 0; i < 100 && recordings.length === 0; i++) {
      await sleep(100);
      recordings = await parley!.store.recordings.forConversation(conversationId);
    }
    const recording = recordings[0]!;
    const { conversation } = await parley!.store.conversations.detail(conversationId);
    expect(Math.abs(recording.durationMs - conversation.durationMs!)).toBeLessThan(400);

    await signIn(page, origin);
    await page.goto(`${origin}/admin/#/conversations/${conversationId}`);

    const audio = page.getByTestId('replay-audio');
    await audio.waitFor();
    // The player's duration is the recording's (Chromium reads it from the Ogg file itself).
    await page.waitForFunction(() => {
      const element = document.querySelector<HTMLAudioElement>('[data-testid=replay-audio]');
      return element !== null && Number.isFinite(element.duration) && element.duration > 0;
    });
    const seconds = await audio.evaluate((element: HTMLAudioElement) => element.duration);
    expect(Math.abs(seconds * 1000 - recording.durationMs)).toBeLessThan(100);
    expect(Math.abs(seconds * 1000 - conversation.durationMs!)).toBeLessThan(400);
    // Both waveforms are drawn (some non-blank pixels on each canvas).
    for (const id of ['wave-visitor', 'wave-agent']) {
      const inked = await page.getByTestId(id).evaluate((canvas: HTMLCanvasElement) => {
        const pixels = canvas
          .getContext('2d')!
          .getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) count++;
        return count;
      });
      expect(inked).toBeGreaterThan(50);
    }
    await page.getByTestId('latency-marker').first().waitFor({ state: 'attached' });

    const lines = page.getByTestId('replay-line');
    expect(await lines.count()).toBeGreaterThanOrEqual(2);
    const last = lines.last();
    const atMs = Number(await last.getAttribute('data-at-ms'));
    expect(atMs).toBeGreaterThan(500);
    await last.click();
    await page.waitForFunction((target) => {
      const element = document.querySelector<HTMLAudioElement>('[data-testid=replay-audio]')!;
      return Math.abs(element.currentTime * 1000 - target) < 1000;
    }, atMs);
    const position = await audio.evaluate((element: HTMLAudioElement) => element.currentTime);
    expect(position * 1000).toBeGreaterThanOrEqual(atMs - 50);
    await page.screenshot({ path: join(screenshots, 'replay.png'), fullPage: true });
  }, 120_000);
});
