// The official `openai` package's realtime WebSocket client, unmodified, against the emulator
// over wss: (trusting the emulator's generated certificate explicitly as `ca`).
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { EventLog, pcmFrames, readWavPcm16, type WireEvent } from './helpers.js';

const speechWav = fileURLToPath(new URL('./__fixtures__/speech-24k.wav', import.meta.url));

let emulator: EmulatorHandle;
/** Paced near real time, so a cancel reliably lands while audio is still streaming. */
let slow: EmulatorHandle;
let client: OpenAI;
let slowClient: OpenAI;
const open: OpenAIRealtimeWS[] = [];

beforeAll(async () => {
  [emulator, slow] = await Promise.all([
    startEmulator({ tls: true, speechRate: 40 }),
    startEmulator({ tls: true, speechRate: 2 }),
  ]);
  client = new OpenAI({ apiKey: 'sk-test-emulator', baseURL: `${emulator.httpUrl}/v1` });
  slowClient = new OpenAI({ apiKey: 'sk-test-emulator', baseURL: `${slow.httpUrl}/v1` });
});

afterAll(async () => {
  for (const rt of open) rt.close();
  await Promise.all([emulator?.close(), slow?.close()]);
});

async function connect(
  target: { emulator: EmulatorHandle; client: OpenAI } = { emulator, client },
): Promise<{ rt: OpenAIRealtimeWS; log: EventLog; errors: WireEvent[] }> {
  const rt = new OpenAIRealtimeWS(
    { model: 'gpt-realtime', options: { ca: target.emulator.certificate! } },
    target.client,
  );
  open.push(rt);
  const log = new EventLog();
  const errors: WireEvent[] = [];
  rt.on('event', (event) => log.push(event as WireEvent));
  rt.on('error', (error) => errors.push({ type: 'error', error: error.error }));
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  await log.waitFor('session.created');
  return { rt, log, errors };
}

/** Sends an emulator control message through the client's own socket (the SDK types only know real events). */
function control(rt: OpenAIRealtimeWS, event: Record<string, unknown>): void {
  rt.socket.send(JSON.stringify(event));
}

describe('the official openai realtime client against the emulator', () => {
  it('connects over wss with the generated certificate and gets a GA session', async () => {
    const { log } = await connect();
    const created = await log.waitFor('session.created');
    expect(emulator.url.startsWith('wss://')).toBe(true);
    expect(created.session.type).toBe('realtime');
    expect(created.session.model).toBe('gpt-realtime');
    expect(created.session.audio.input.turn_detection).toMatchObject({
      type: 'server_vad',
      silence_duration_ms: 200,
    });
    expect(created.event_id).toMatch(/^event_[0-9A-Za-z]{21}$/);
    expect(created.session.id).toMatch(/^sess_[0-9A-Za-z]{21}$/);
  });

  it('answers a text turn with a deterministic text reply', async () => {
    const { rt, log } = await connect();
    rt.send({
      type: 'session.update',
      session: { type: 'realtime', output_modalities: ['text'], instructions: 'Be brief.' },
    });
    await log.waitFor('session.updated');
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Hello' }],
      },
    });
    rt.send({ type: 'response.create' });
    const done = await log.waitFor('response.done');
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0].content[0]).toEqual({
      type: 'output_text',
      text: 'Hello! How can I help you today?',
    });
    const deltas = log.events
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta as string);
    expect(deltas.join('')).toBe('Hello! How can I help you today?');
    expect(done.response.usage.output_tokens).toBeGreaterThan(0);
    expect(log.types()).toContain('rate_limits.updated');
  });

  it('detects a spoken turn with server VAD, transcribes it, and answers with paced speech', async () => {
    const { rt, log } = await connect();
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } },
      },
    });
    await log.waitFor('session.updated');
    control(rt, { type: 'emulator.transcript', text: 'What is the weather like in Paris today?' });
    const pcm = readWavPcm16(speechWav);
    for (const frame of pcmFrames(pcm))
      rt.send({ type: 'input_audio_buffer.append', audio: frame });
    const started = await log.waitFor('input_audio_buffer.speech_started');
    const stopped = await log.waitFor('input_audio_buffer.speech_stopped');
    // 0.5 s of leading silence minus 300 ms of prefix padding; the end includes the 200 ms of silence.
    expect(started.audio_start_ms).toBeGreaterThanOrEqual(150);
    expect(started.audio_start_ms).toBeLessThanOrEqual(300);
    expect(stopped.audio_end_ms).toBeGreaterThan(2500);
    expect(stopped.audio_end_ms).toBeLessThan(3500);
    expect(stopped.item_id).toBe(started.item_id);
    const transcript = await log.waitFor('conversation.item.input_audio_transcription.completed');
    expect(transcript.transcript).toBe('What is the weather like in Paris today?');
    const done = await log.waitFor('response.done');
    expect(done.response.status).toBe('completed');
    const spoken = done.response.output[0].content[0];
    expect(spoken.type).toBe('output_audio');
    // The supplied words are read like typed text: a question, and no tool to look it up.
    expect(spoken.transcript).toBe(
      'I\'m not sure how to help with "What is the weather like in Paris today?". Could you put that another way?',
    );
    const audioBytes = log.events
      .filter((event) => event.type === 'response.output_audio.delta')
      .reduce((sum, event) => sum + Buffer.from(event.delta as string, 'base64').length, 0);
    // Real speech: a sentence of this length lasts well over a second at 24 kHz PCM16.
    expect(audioBytes / 48).toBeGreaterThan(1000);
    expect(done.response.usage.output_token_details.audio_tokens).toBe(
      Math.ceil(audioBytes / 48 / 50),
    );
    expect(done.response.usage.input_token_details.audio_tokens).toBeGreaterThan(0);
  });

  it('calls a forced tool with schema-valid arguments, then answers with its output', async () => {
    const { rt, log } = await connect();
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
              required: ['city'],
            },
          },
        ],
        tool_choice: { type: 'function', name: 'get_weather' },
      },
    });
    await log.waitFor('session.updated');
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Weather please' }],
      },
    });
    rt.send({ type: 'response.create' });
    const args = await log.waitFor('response.function_call_arguments.done');
    expect(args.name).toBe('get_weather');
    expect(JSON.parse(args.arguments as string)).toEqual({ city: 'example city', unit: 'c' });
    expect(args.call_id).toMatch(/^call_[0-9A-Za-z]{16}$/);
    const first = await log.waitFor('response.done');
    expect(first.response.output[0]).toMatchObject({
      type: 'function_call',
      status: 'completed',
      name: 'get_weather',
    });
    const mark = log.length;
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'function_call_output',
        call_id: args.call_id as string,
        output: '{"temp_c":21}',
      },
    });
    rt.send({ type: 'response.create' });
    const second = await log.waitFor('response.done', () => true, 15_000, mark);
    expect(second.response.output[0].content[0].transcript).toBe(
      'Get weather: temp c is 21.',
    );
  });

  it('cancels an active response at once and reports when nothing is active', async () => {
    const { rt, log, errors } = await connect({ emulator: slow, client: slowClient });
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [
          {
            type: 'input_text',
            text: 'Tell me a long story about the sea and the sky and the wind',
          },
        ],
      },
    });
    rt.send({ type: 'response.create' });
    await log.waitFor('response.output_audio.delta');
    rt.send({ type: 'response.cancel', event_id: 'evt_cancel_1' });
    const done = await log.waitFor('response.done');
    expect(done.response.status).toBe('cancelled');
    expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'client_cancelled' });
    expect(done.response.output[0].status).toBe('incomplete');
    const after = log.types(log.events.indexOf(done) + 1);
    expect(after.filter((type) => type.startsWith('response.output_audio'))).toEqual([]);
    rt.send({ type: 'response.cancel', event_id: 'evt_cancel_2' });
    await log.waitFor('error', (event) => event.error.event_id === 'evt_cancel_2');
    expect(errors.at(-1)?.error).toMatchObject({
      code: 'response_cancel_not_active',
      message: 'Cancellation failed: no active response found',
      event_id: 'evt_cancel_2',
    });
  });

  it('truncates assistant audio at what was heard and rejects a cut beyond the audio', async () => {
    const { rt, log, errors } = await connect();
    rt.send({ type: 'response.create' });
    const done = await log.waitFor('response.done');
    const item = done.response.output[0];
    rt.send({
      type: 'conversation.item.truncate',
      item_id: item.id,
      content_index: 0,
      audio_end_ms: 600,
    });
    const truncated = await log.waitFor('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: item.id, content_index: 0, audio_end_ms: 600 });
    rt.send({
      type: 'conversation.item.truncate',
      item_id: item.id,
      content_index: 0,
      audio_end_ms: 60_000,
      event_id: 'evt_too_far',
    });
    await log.waitFor('error', (event) => event.error.event_id === 'evt_too_far');
    expect(errors.at(-1)?.error).toMatchObject({
      code: 'invalid_value',
      message: 'Audio content of 600ms is already shorter than 60000ms',
    });
    rt.send({
      type: 'conversation.item.truncate',
      item_id: 'item_missing',
      content_index: 0,
      audio_end_ms: 0,
      event_id: 'evt_missing',
    });
    await log.waitFor('error', (event) => event.error.event_id === 'evt_missing');
    expect(errors.at(-1)?.error.code).toBe('item_truncate_invalid_item_id');
    rt.send({ type: 'conversation.item.retrieve', item_id: item.id });
    const retrieved = await log.waitFor('conversation.item.retrieved');
    expect(Buffer.from(retrieved.item.content[0].audio as string, 'base64').length).toBe(600 * 48);
    expect(retrieved.item.content[0].transcript).toBe('');
  });
});
