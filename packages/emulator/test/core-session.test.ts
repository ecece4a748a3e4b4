// Parley's own core (createVoiceSession over the WebSocket transport) against the emulator, for
// the same turns as the openai client test: text, spoken (VAD), forced tool, cancel, truncate.
import {
  createVoiceSession,
  createWebSocketTransport,
  defineTool,
  type ConversationItem,
  type MessageItem,
  type VoiceSession,
  type VoiceSessionOptions,
} from '@parley/core';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { readWavPcm16 } from './helpers.js';
import { PacedAudioPort } from './paced-audio-port.js';

const speechWav = fileURLToPath(new URL('./__fixtures__/speech-24k.wav', import.meta.url));

let emulator: EmulatorHandle;
const sessions: VoiceSession[] = [];

beforeAll(async () => {
  // Twice real time: fast enough for quick tests, slow enough that an interrupt lands mid-answer.
  emulator = await startEmulator({ speechRate: 2 });
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.disconnect()));
});

afterAll(async () => {
  await emulator?.close();
});

function create(options: Partial<VoiceSessionOptions> = {}) {
  const serverEvents: Array<{ type: string; [key: string]: unknown }> = [];
  const session = createVoiceSession({
    credentials: () =>
      Promise.resolve({ url: `${emulator.url}?model=gpt-realtime`, token: 'sk-parley-test' }),
    transport: createWebSocketTransport(),
    onInternalError: () => undefined,
    ...options,
  });
  session.on('serverEvent', (event) => serverEvents.push(event));
  sessions.push(session);
  return { session, serverEvents };
}

/** Resolves once the snapshot satisfies `check` (or fails after `timeoutMs`). */
function until<T>(
  session: VoiceSession,
  check: (items: readonly ConversationItem[]) => T | undefined,
  timeoutMs = 12_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const test = () => {
      const found = check(session.getSnapshot().items);
      if (found === undefined) return false;
      unsubscribe();
      clearTimeout(timer);
      resolve(found);
      return true;
    };
    const unsubscribe = session.subscribe(() => void test());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out; items: ${JSON.stringify(session.getSnapshot().items.map((item) => ({ type: item.type, status: 'status' in item ? item.status : item.decision, text: 'text' in item ? item.text : 'name' in item ? item.name : item.serverLabel })))}`,
        ),
      );
    }, timeoutMs);
    test();
  });
}

/** Resolves with the first server event of `type` seen by the session (from the start). */
function serverEvent(
  session: VoiceSession,
  seen: Array<{ type: string; [key: string]: unknown }>,
  type: string,
  timeoutMs = 12_000,
): Promise<Record<string, any>> {
  const already = seen.find((event) => event.type === type);
  if (already) return Promise.resolve(already);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
    const off = session.on('serverEvent', (event) => {
      if (event.type !== type) return;
      off();
      clearTimeout(timer);
      resolve(event);
    });
  });
}

const assistantDone = (items: readonly ConversationItem[]) =>
  items.find(
    (item): item is MessageItem =>
      item.type === 'message' && item.role === 'assistant' && item.status !== 'in_progress',
  );

describe('Parley core against the emulator', { timeout: 20_000 }, () => {
  it('connects and completes a text turn', async () => {
    const { session } = create({ session: { output_modalities: ['text'] } });
    await session.connect();
    expect(session.getSnapshot().status).toBe('connected');
    expect(session.getSnapshot().sessionId).toMatch(/^sess_/);
    session.sendText('Hello from Parley');
    const reply = await until(session, assistantDone);
    expect(reply.text).toBe(
      'I\'m not sure how to help with "Hello from Parley". Could you put that another way?',
    );
    expect(session.getSnapshot().usage.responses).toBe(1);
  });

  it('completes a spoken turn detected by server VAD, with input transcription and a spoken answer', async () => {
    const audio = new PacedAudioPort();
    const { session, serverEvents } = create({
      audio,
      session: { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } },
    });
    await session.connect();
    // The session streams the microphone once its configuration is applied.
    await serverEvent(session, serverEvents, 'session.updated');
    audio.speak(readWavPcm16(speechWav));
    const reply = await until(session, assistantDone);
    expect(reply.modality).toBe('audio');
    // No words offline: the reply says so and suggests typing.
    expect(reply.text).toMatch(
      /^I heard \d\.\d seconds of speech, but I can't make out spoken words here/,
    );
    expect(reply.audioMs).toBeGreaterThan(1000);
    const user = await until(session, (items) =>
      items.find(
        (item): item is MessageItem =>
          item.type === 'message' && item.role === 'user' && item.text !== '',
      ),
    );
    expect(user.text).toMatch(/^\[speech \d\.\d s\]$/);
    expect(session.getSnapshot().metrics.turnCount).toBeGreaterThanOrEqual(1);
  });

  it('runs a forced tool with schema-valid arguments and reads the follow-up answer', async () => {
    const calls: unknown[] = [];
    const weather = defineTool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).optional() }),
      execute: (args) => {
        calls.push(args);
        return { temp_c: 21 };
      },
    });
    const { session } = create({
      tools: [weather],
      session: {
        output_modalities: ['text'],
        tool_choice: { type: 'function', name: 'get_weather' },
      },
    });
    await session.connect();
    session.sendText('What is the weather?');
    const reply = await until(session, (items) => {
      const last = items[items.length - 1];
      return last?.type === 'message' && last.role === 'assistant' && last.status === 'completed'
        ? last
        : undefined;
    });
    expect(calls).toEqual([{ city: 'example city', unit: 'c' }]);
    expect(reply.text).toBe('Get weather: temp c is 21.');
    const call = session.getSnapshot().items.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      name: 'get_weather',
      status: 'completed',
      output: '{"temp_c":21}',
    });
  });

  it('interrupts a spoken answer: cancels it and truncates at what was heard', async () => {
    const audio = new PacedAudioPort();
    const { session, serverEvents } = create({ audio });
    await session.connect();
    const firstAudio = new Promise<void>((resolve) => {
      const off = session.on('audio', () => {
        off();
        resolve();
      });
    });
    session.sendText(
      'Please tell me a long story about the sea, the sky, the wind and the little boats in the harbour.',
    );
    await firstAudio;
    session.interrupt();
    const done = await serverEvent(session, serverEvents, 'response.done');
    const truncated = await serverEvent(session, serverEvents, 'conversation.item.truncated');
    expect(done.response.status).toBe('cancelled');
    expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    const reply = await until(session, (items) =>
      items.find(
        (item): item is MessageItem =>
          item.type === 'message' &&
          item.role === 'assistant' &&
          item.interrupted &&
          item.audioEndMs !== null,
      ),
    );
    expect(truncated.audio_end_ms).toBe(reply.audioEndMs);
    expect(reply.audioEndMs).toBeLessThanOrEqual(reply.audioMs);
    expect(serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });

  it('truncates on barge-in: the user speaks over the answer and server VAD cancels it', async () => {
    const audio = new PacedAudioPort();
    const { session, serverEvents } = create({ audio });
    await session.connect();
    const firstAudio = new Promise<void>((resolve) => {
      const off = session.on('audio', () => {
        off();
        resolve();
      });
    });
    session.sendText(
      'Please tell me a long story about the sea, the sky, the wind and the little boats in the harbour.',
    );
    await firstAudio;
    audio.speak(readWavPcm16(speechWav).subarray(0, 24000 * 2 * 1.5));
    const done = await serverEvent(session, serverEvents, 'response.done');
    const truncated = await serverEvent(session, serverEvents, 'conversation.item.truncated');
    expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
    const reply = await until(session, (items) =>
      items.find(
        (item): item is MessageItem =>
          item.type === 'message' &&
          item.role === 'assistant' &&
          item.interrupted &&
          item.audioEndMs !== null,
      ),
    );
    expect(truncated.audio_end_ms).toBe(reply.audioEndMs);
    // Audio arrives twice as fast as it plays: the user heard less than was received.
    expect(truncated.audio_end_ms).toBeLessThan(reply.audioMs);
    expect(serverEvents.filter((event) => event.type === 'error')).toEqual([]);
  });
});
