// The official `openai` 7.60.0 Live clients (LiveWS, SidebandWS, ForksWS and the HTTP resources),
// unmodified, against the emulator's GPT-Live endpoints.
import OpenAI from 'openai';
import { ForksWS } from 'openai/resources/live/forks/ws';
import { SidebandWS } from 'openai/resources/live/sideband/ws';
import { LiveWS } from 'openai/resources/live/ws';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { EventLog, readWavPcm16, type WireEvent } from './helpers.js';
import { makeOffer } from './webrtc-peer.js';

const speech = readWavPcm16(
  fileURLToPath(new URL('./__fixtures__/speech-24k.wav', import.meta.url)),
);
/** 100 ms of 24 kHz PCM16 silence, base64. */
const SILENCE = Buffer.alloc(4800).toString('base64');

let emulator: EmulatorHandle;
let client: OpenAI;
const open: Array<{ close(): void }> = [];

beforeAll(async () => {
  emulator = await startEmulator({ speechEngine: 'generated', liveUsageIntervalMs: 1000 });
  client = new OpenAI({ apiKey: 'test-key-not-real', baseURL: `${emulator.httpUrl}/v1` });
});

afterAll(async () => {
  for (const socket of open) socket.close();
  await emulator?.close();
});

interface Connected {
  live: LiveWS;
  log: EventLog;
  errors: WireEvent[];
  closed: Promise<number>;
}

function track(socket: LiveWS | SidebandWS | ForksWS): Connected & { live: never } {
  const log = new EventLog();
  const errors: WireEvent[] = [];
  (socket as LiveWS).on('event', (event) => log.push(event as WireEvent));
  (socket as LiveWS).on('error', (error) =>
    errors.push({ type: 'error', ...(error.error?.error ?? { message: error.message }) }),
  );
  const closed = new Promise<number>((resolve) =>
    (socket as LiveWS).on('close', (code) => resolve(code)),
  );
  open.push(socket);
  return { live: undefined as never, log, errors, closed };
}

async function start(
  session: Record<string, unknown> = {},
  eventId = 'start_1',
): Promise<Connected> {
  const live = new LiveWS(client);
  const tracked = track(live);
  live.send({
    type: 'session.start',
    event_id: eventId,
    session: { model: 'gpt-live-1', ...session },
  } as never);
  await tracked.log.waitFor('session.started');
  return { ...tracked, live };
}

/** Streams 24 kHz PCM16 in 100 ms frames (the timeline follows the audio, so no real-time pacing is needed). */
function sendAudio(live: LiveWS, pcm: Buffer): void {
  for (let offset = 0; offset < pcm.length; offset += 4800)
    live.send({
      type: 'session.input_audio.append',
      audio: pcm.subarray(offset, offset + 4800).toString('base64'),
    });
}

/** Keeps silence flowing (as a client must) until `done` holds, a frame every few ms of wall time. */
async function silenceUntil(live: LiveWS, done: () => boolean, maxFrames = 600): Promise<void> {
  for (let frame = 0; frame < maxFrames && !done(); frame++) {
    live.send({ type: 'session.input_audio.append', audio: SILENCE });
    await new Promise((resolve) => setTimeout(resolve, 4));
  }
  if (!done()) throw new Error('condition not met while streaming silence');
}

function said(log: EventLog, type = 'session.output_transcript.delta', from = 0): string {
  return log.events
    .slice(from)
    .filter((event) => event.type === type)
    .map((event) => event.delta as string)
    .join('');
}

function nonSilent(event: WireEvent): boolean {
  return Buffer.from(event.delta as string, 'base64').some((byte) => byte !== 0);
}

describe('the official LiveWS client against the emulator', () => {
  it('starts a session: session.started answers session.start with the resolved defaults', async () => {
    const { log } = await start({
      instructions: 'You are Ava, the voice assistant of Example Co.',
    });
    const started = await log.waitFor('session.started');
    expect(started.client_event_id).toBe('start_1');
    expect(started.event_id).toMatch(/^event_[0-9A-Za-z]{21}$/);
    expect(started.session).toMatchObject({
      id: expect.stringMatching(/^live_[A-Za-z0-9_-]+$/),
      model: 'gpt-live-1',
      status: 'active',
      input: [],
      audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'marin' } },
      delegation: { type: 'client' },
    });
    expect(started.session.expires_at).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers after the user falls silent, with timed transcript fragments and a continuous audio track', async () => {
    const { live, log } = await start();
    live.send({ type: 'emulator.transcript', text: 'hello there' } as never);
    sendAudio(live, speech);
    await silenceUntil(live, () => said(log).includes('How can I help you today?'));
    const input = log.events.filter((event) => event.type === 'session.input_transcript.delta');
    expect(input.map((event) => event.delta).join('')).toBe(' hello there');
    expect(input[0]!.start_ms).toBeGreaterThanOrEqual(400);
    expect(input[0]!.end_ms).toBeGreaterThan(input[0]!.start_ms);
    const output = log.events.filter((event) => event.type === 'session.output_transcript.delta');
    expect(said(log)).toBe('Hello! How can I help you today?');
    for (const [index, fragment] of output.entries()) {
      expect(fragment.end_ms).toBeGreaterThan(fragment.start_ms);
      if (index > 0) expect(fragment.start_ms).toBeGreaterThanOrEqual(output[index - 1]!.start_ms);
    }
    // The reply starts after the user's words ended.
    expect(output[0]!.start_ms).toBeGreaterThan(input.at(-1)!.end_ms);
    const audio = log.events.filter((event) => event.type === 'session.output_audio.delta');
    expect(
      audio.every((event) => event.event_id === undefined && event.start_ms === undefined),
    ).toBe(true);
    expect(audio.every((event) => Buffer.from(event.delta, 'base64').length === 4800)).toBe(true);
    expect(nonSilent(audio[0]!)).toBe(false);
    expect(audio.some(nonSilent)).toBe(true);
  });

  it('stops speaking when the user talks over it (model-owned barge-in, no event)', async () => {
    const { live, log } = await start();
    const long =
      'This is a long answer with many words so that it is still speaking when the user interrupts it in the middle of the sentence and keeps going for a while.';
    live.send({ type: 'emulator.reply', text: long } as never);
    sendAudio(live, speech);
    await silenceUntil(live, () => said(log).split(' ').length > 4);
    const before = log.length;
    sendAudio(live, speech.subarray(24000, 24000 + 48000)); // one second of the user speaking
    await silenceUntil(live, () =>
      log.events.slice(before).some((event) => event.type === 'session.input_transcript.delta'),
    );
    expect(said(log)).not.toContain('keeps going for a while');
    // From the user's interruption until the end of their turn, the output track is silence.
    const turnEnd = log.events.findIndex(
      (event, index) => index >= before && event.type === 'session.input_transcript.delta',
    );
    const audioBefore = log.events
      .slice(before, turnEnd)
      .filter((event) => event.type === 'session.output_audio.delta');
    expect(audioBefore.length).toBeGreaterThan(12);
    expect(audioBefore.slice(-12).some(nonSilent)).toBe(false);
    expect(
      log.events
        .slice(0, before)
        .filter((event) => event.type === 'session.output_audio.delta')
        .some(nonSilent),
    ).toBe(true);
  });

  it('emits cumulative session.usage.updated on the timeline cadence', async () => {
    const { live, log } = await start();
    sendAudio(live, Buffer.alloc(4800 * 25)); // 2.5 s
    await silenceUntil(
      live,
      () => log.events.filter((event) => event.type === 'session.usage.updated').length >= 2,
    );
    const usage = log.events.filter((event) => event.type === 'session.usage.updated');
    expect(usage[0]).toMatchObject({
      usage: { seconds: 1 },
      context_window: { usage_ratio: expect.any(Number) },
    });
    expect(usage[1]!.usage.seconds).toBe(2);
  });

  it('acknowledges appends when the timeline reaches them, and speaks commentary', async () => {
    const { live, log } = await start();
    live.send({
      type: 'session.commentary.append',
      event_id: 'c1',
      delegation_id: null,
      content: 'Thursday at two is free.',
    });
    live.send({
      type: 'session.thinking.append',
      event_id: 't1',
      delegation_id: null,
      content: 'Nothing is booked.',
    });
    live.send({ type: 'session.input_audio.mute', event_id: 'm1' });
    await log.waitFor('session.input_audio.muted');
    expect(log.events.some((event) => event.type === 'session.commentary.appended')).toBe(false); // timeline frozen
    await silenceUntil(live, () => said(log).includes('Thursday at two is free.'));
    const ack = log.events.find((event) => event.type === 'session.commentary.appended')!;
    expect(ack).toMatchObject({
      client_event_id: 'c1',
      start_ms: expect.any(Number),
      end_ms: expect.any(Number),
    });
    expect(ack.end_ms).toBeGreaterThanOrEqual(ack.start_ms);
    expect(
      log.events.find((event) => event.type === 'session.thinking.appended')?.client_event_id,
    ).toBe('t1');
    expect((await log.waitFor('session.input_audio.muted')).client_event_id).toBe('m1');
  });

  it('greets when told to by session.instructions.append', async () => {
    const { live, log } = await start({
      instructions: 'You are Ava, the voice assistant of Example Co.',
    });
    live.send({
      type: 'session.instructions.append',
      event_id: 'greet_1',
      delegation_id: null,
      content:
        'Greet the visitor by saying exactly this, and nothing else: "Hi, I am Ava. What can I do for you?"',
    });
    await silenceUntil(live, () => said(log).includes('What can I do for you?'));
    expect(said(log)).toBe('Hi, I am Ava. What can I do for you?');
    expect((await log.waitFor('session.instructions.appended')).client_event_id).toBe('greet_1');
  });

  it('client delegation: a request raises session.delegation.created; the appended commentary is spoken back', async () => {
    const { live, log } = await start();
    live.send({
      type: 'emulator.transcript',
      text: 'Can you check whether my order shipped?',
    } as never);
    sendAudio(live, speech);
    await silenceUntil(live, () =>
      log.events.some((event) => event.type === 'session.delegation.created'),
    );
    const created = await log.waitFor('session.delegation.created');
    expect(created.delegation).toEqual({
      id: expect.stringMatching(/^item_[0-9A-Za-z]{21}$/),
      type: 'delegation',
      target: 'client',
    });
    expect(created.offset_ms).toBeGreaterThan(0);
    const id = created.delegation.id as string;
    live.send({
      type: 'session.thinking.append',
      event_id: 'p1',
      delegation_id: id,
      content: 'Looking up the order.',
    });
    live.send({
      type: 'session.commentary.append',
      event_id: 'r1',
      delegation_id: id,
      content: 'Your order shipped this morning.',
    });
    await silenceUntil(live, () => said(log).includes('Your order shipped this morning.'));
    expect((await log.waitFor('session.commentary.appended')).client_event_id).toBe('r1');
    // A delegation id the session never raised is refused.
    live.send({
      type: 'session.commentary.append',
      event_id: 'r2',
      delegation_id: 'item_unknown',
      content: 'x',
    });
    await silenceUntil(live, () => log.events.some((event) => event.type === 'error'), 50).catch(
      () => undefined,
    );
  });

  it('Responses delegation: the emulated backend calls the tool the words name and continues after its output', async () => {
    const tools = [
      {
        type: 'function',
        name: 'check_weather',
        description: 'Check the weather forecast for a city.',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string', description: 'City name' } },
          required: ['city'],
        },
      },
    ];
    const { live, log } = await start({
      delegation: { type: 'responses', responses: { model: 'gpt-5.6-luna', tools } },
    });
    live.send({ type: 'emulator.transcript', text: 'Check the weather in Paris please' } as never);
    sendAudio(live, speech);
    await silenceUntil(live, () =>
      log.events.some(
        (event) => event.type === 'response.event' && event.event.type === 'response.completed',
      ),
    );
    const created = await log.waitFor('session.delegation.created');
    expect(created.delegation).toMatchObject({
      target: 'responses',
      response_id: expect.stringMatching(/^resp_/),
    });
    const nested = log.events.filter((event) => event.type === 'response.event');
    expect(nested.every((event) => event.delegation_id === created.delegation.id)).toBe(true);
    const types = nested.map((event) => event.event.type as string);
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types[2]).toBe('response.output_item.added');
    expect(types.slice(-3)).toEqual([
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(nested.map((event) => event.event.sequence_number)).toEqual(
      nested.map((_, index) => index),
    );
    expect(nested[0]!.event.response).toMatchObject({
      id: created.delegation.response_id,
      output: [],
      tools: [],
      instructions: null,
    });
    expect(nested[2]!.event.item).toMatchObject({
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
    });
    const done = nested.find((event) => event.event.type === 'response.output_item.done')!.event
      .item;
    expect(done).toMatchObject({
      type: 'function_call',
      status: 'completed',
      name: 'check_weather',
    });
    expect(JSON.parse(done.arguments)).toEqual({ city: 'Paris' });
    expect(said(log)).toContain('Let me check that.');

    const from = log.length;
    live.send({
      type: 'response.item.create',
      event_id: 'out_1',
      item: {
        type: 'function_call_output',
        call_id: done.call_id,
        output: '{"forecast":"sunny, 21 degrees"}',
      },
    });
    live.send({ type: 'response.create', event_id: 'cont_1' });
    await silenceUntil(live, () => said(log, undefined, from).toLowerCase().includes('sunny'));
    const continuation = log.events.slice(from).filter((event) => event.type === 'response.event');
    expect(continuation[0]!.event.type).toBe('response.created');
    expect(continuation[0]!.event.response.id).not.toBe(created.delegation.response_id);
    expect(continuation.every((event) => event.delegation_id === created.delegation.id)).toBe(true);
    expect(continuation.some((event) => event.event.type === 'response.output_text.delta')).toBe(
      true,
    );
    expect(continuation.at(-1)!.event).toMatchObject({
      type: 'response.completed',
      response: { usage: { total_tokens: expect.any(Number) } },
    });
  });

  it('Responses delegation: typed input with response.create starts a delegation that answers it', async () => {
    const { live, log } = await start({
      delegation: { type: 'responses', responses: { model: 'gpt-5.6-luna' } },
    });
    live.send({
      type: 'response.item.create',
      event_id: 'typed_1',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    });
    live.send({ type: 'response.create', event_id: 'ask_1' });
    await silenceUntil(live, () => said(log).includes('How can I help you today?'));
    expect((await log.waitFor('session.delegation.created')).client_event_id).toBe('ask_1');
    const text = log.events
      .filter(
        (event) =>
          event.type === 'response.event' && event.event.type === 'response.output_text.delta',
      )
      .map((event) => event.event.delta)
      .join('');
    expect(text).toBe('Hello! How can I help you today?');
  });

  it('answers malformed and unknown events with real-shaped errors and keeps the session', async () => {
    const { live, log, errors } = await start();
    live.sendRaw('{not json');
    live.send({ type: 'session.bogus', event_id: 'b1' } as never);
    live.send({
      type: 'session.input_audio.append',
      event_id: 'a1',
      audio: Buffer.alloc(3).toString('base64'),
    });
    live.send({ type: 'response.create', event_id: 'rc1' });
    live.send({
      type: 'session.update',
      event_id: 'u1',
      session: { instructions: 'new' },
    } as never);
    live.send({
      type: 'session.update',
      event_id: 'u2',
      session: { delegation: { type: 'responses', responses: { model: 'x' } } },
    });
    live.send({ type: 'session.instructions.append', event_id: 'i1', content: 'no id' } as never);
    live.send({
      type: 'session.commentary.append',
      event_id: 'c9',
      delegation_id: null,
      content: 5,
    } as never);
    live.send({ type: 'session.input_audio.mute', event_id: 'm1' });
    await log.waitFor('session.input_audio.muted');
    const codes = errors.map((error) => [error.code, error.client_event_id]);
    expect(codes).toEqual([
      ['invalid_json', undefined],
      ['invalid_value', 'b1'],
      ['invalid_audio', 'a1'],
      ['unsupported_delegation', 'rc1'],
      ['unknown_parameter', 'u1'],
      ['immutable_field_update', 'u2'],
      ['missing_required_parameter', 'i1'],
      ['invalid_type', 'c9'],
    ]);
    expect(errors[6]!.param).toBe('delegation_id');
    expect(errors[7]!.param).toBe('content');
    expect(errors[1]!.message).toContain("'session.start'");
    expect(errors[3]!.message).toBe('response.create requires Responses delegation.');
    expect(errors[4]!.param).toBe('session.instructions');
    expect(errors.every((error) => error.type === 'invalid_request_error')).toBe(true);
    live.send({ type: 'session.update', event_id: 'u3', session: {} });
    expect((await log.waitFor('session.updated')).client_event_id).toBe('u3');
  });

  it('refuses a startup config with unknown fields, then accepts a corrected session.start', async () => {
    const live = new LiveWS(client);
    const { log, errors } = track(live);
    live.send({
      type: 'session.start',
      event_id: 's1',
      session: { model: 'gpt-live-1', turn_detection: null },
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors[0]).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.turn_detection',
      client_event_id: 's1',
    });
    expect(log.events.some((event) => event.type === 'session.started')).toBe(false);
    live.send({
      type: 'session.start',
      event_id: 's2',
      session: { model: 'gpt-live-1.1', audio: { format: { type: 'audio/pcmu', rate: 8000 } } },
    });
    const started = await log.waitFor('session.started');
    expect(started.session.audio.format).toEqual({ type: 'audio/pcmu', rate: 8000 });
  });

  it('closes on session.close: pending appends fail, session.closed carries reason, usage and session, the socket ends', async () => {
    const { live, log, errors, closed } = await start();
    sendAudio(live, Buffer.alloc(4800 * 12));
    live.send({
      type: 'session.thinking.append',
      event_id: 'late_1',
      delegation_id: null,
      content: 'pending',
    });
    live.send({ type: 'session.close', event_id: 'close_1' });
    const closedEvent = await log.waitFor('session.closed');
    expect(closedEvent).toMatchObject({
      reason: 'close_requested',
      client_event_id: 'close_1',
      usage: { seconds: 1.2 },
      session: { status: 'active' },
    });
    expect(errors).toEqual([
      expect.objectContaining({ code: 'context_injection_incomplete', client_event_id: 'late_1' }),
    ]);
    expect(await closed).toBe(1005);
  });

  it('ends with each scripted close reason', async () => {
    for (const reason of ['content', 'remote_hangup', 'expired'] as const) {
      const { live, log } = await start();
      live.send({ type: 'emulator.fault', session_closed: reason } as never);
      expect((await log.waitFor('session.closed')).reason).toBe(reason);
    }
  });
});

describe('the official sideband client against the emulator', () => {
  it('attaches to a running session: replay, reflected audio, control events, and connection_lost when the primary drops', async () => {
    const primary = await start({
      instructions: 'You are Ava, the voice assistant of Example Co.',
    });
    const sessionId = (await primary.log.waitFor('session.started')).session.id as string;
    const sideband = new SidebandWS(client, { session_id: sessionId });
    const side = track(sideband);
    const replayed = await side.log.waitFor('session.started');
    expect(replayed.event_id).toBe((await primary.log.waitFor('session.started')).event_id);
    sideband.send({ type: 'session.input_audio.mute', event_id: 'side_mute' });
    await primary.log.waitFor('session.input_audio.muted');
    sendAudio(primary.live, Buffer.alloc(4800 * 3));
    const reflected = await side.log.waitFor('session.input_audio.append');
    expect(reflected.event_id).toBeUndefined();
    expect(Buffer.from(reflected.audio, 'base64').length).toBe(4800);
    const output = await side.log.waitFor('session.output_audio.delta');
    expect(output).toMatchObject({ start_ms: 0, end_ms: 100 });
    sideband.send({
      type: 'session.start',
      event_id: 'nope',
      session: { model: 'gpt-live-1' },
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(side.errors[0]).toMatchObject({ code: 'invalid_value', client_event_id: 'nope' });
    primary.live.close({ code: 1000, reason: 'bye' });
    expect((await side.log.waitFor('session.closed')).reason).toBe('connection_lost');
  });

  it('is refused for an unknown session id', async () => {
    const sideband = new SidebandWS(client, { session_id: 'live_u1_doesnotexist' });
    const side = track(sideband);
    const code = await side.closed;
    expect(code).not.toBe(1000);
    expect(side.log.length).toBe(0);
  });
});

describe('the official fork client and HTTP resources against the emulator', () => {
  it('forks a finished stored session over WebSocket and downloads its recording', async () => {
    const source = await start({
      store: true,
      instructions: 'You are Ava, the voice assistant of Example Co.',
      audio: { output: { voice: 'cedar' } },
    });
    const sourceId = (await source.log.waitFor('session.started')).session.id as string;
    source.live.send({ type: 'emulator.transcript', text: 'hello' } as never);
    sendAudio(source.live, speech);
    await silenceUntil(source.live, () => said(source.log).includes('How can I help you today?'));
    source.live.send({ type: 'session.close' });
    await source.log.waitFor('session.closed');

    const fork = new ForksWS(client, { session_id: sourceId });
    const forked = track(fork);
    fork.send({ type: 'session.start', event_id: 'fork_1', session: {} });
    const started = await forked.log.waitFor('session.started');
    expect(started.session.id).not.toBe(sourceId);
    expect(started.session).toMatchObject({
      model: 'gpt-live-1',
      instructions: 'You are Ava, the voice assistant of Example Co.',
      audio: { output: { voice: 'cedar' }, format: { type: 'audio/pcm', rate: 24000 } },
    });
    expect(started.session.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
      {
        type: 'message',
        role: 'assistant',
        content: [
          {
            type: 'output_text',
            text: "Hello! I'm Ava, the voice assistant of Example Co. How can I help you today?",
          },
        ],
      },
    ]);

    const response = await client.live.sessions.downloadRecording(sourceId);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await response.arrayBuffer());
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(2); // stereo: input left, output right
    expect(wav.readUInt32LE(24)).toBe(24000);
    const frames = (wav.length - 44) / 4;
    let left = 0;
    let right = 0;
    for (let i = 0; i < frames; i++) {
      left = Math.max(left, Math.abs(wav.readInt16LE(44 + i * 4)));
      right = Math.max(right, Math.abs(wav.readInt16LE(46 + i * 4)));
    }
    expect(left).toBeGreaterThan(1000);
    expect(right).toBeGreaterThan(1000);
  });

  it('refuses to fork or download a session that was not stored', async () => {
    const source = await start();
    const sourceId = (await source.log.waitFor('session.started')).session.id as string;
    source.live.send({ type: 'session.close' });
    await source.log.waitFor('session.closed');
    const fork = new ForksWS(client, { session_id: sourceId });
    const forked = track(fork);
    fork.send({ type: 'session.start', event_id: 'f', session: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(forked.errors[0]).toMatchObject({ code: 'session_not_forkable', client_event_id: 'f' });
    await expect(client.live.sessions.downloadRecording(sourceId)).rejects.toMatchObject({
      status: 400,
    });
    await expect(client.live.sessions.downloadRecording('live_u1_unknown')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('creates a WebRTC session over HTTP with 201 and validates the body strictly', async () => {
    const offer = await makeOffer();
    const created = await client.live
      .create(
        { session: { model: 'gpt-live-1' }, transport: { type: 'webrtc', sdp: offer } },
        { maxRetries: 0 },
      )
      .withResponse();
    expect(created.response.status).toBe(201);
    expect(created.data.session.id).toMatch(/^live_/);
    expect(created.data.transport).toMatchObject({
      type: 'webrtc',
      sdp: expect.stringContaining('a=fingerprint:'),
    });
    expect(created.data.transport.sdp).toMatch(/^a=candidate:.* 127\.0\.0\.1 /m);
    // An offer the peer cannot answer starts no session.
    await expect(
      client.live.create(
        {
          session: { model: 'gpt-live-1' },
          transport: { type: 'webrtc', sdp: 'v=0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' },
        },
        { maxRetries: 0 },
      ),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_sdp', param: 'transport.sdp' });
    await expect(
      client.live.create(
        {
          session: {
            model: 'gpt-live-1',
            audio: { format: { type: 'audio/pcm', rate: 24000 } },
          } as never,
          transport: { type: 'webrtc', sdp: offer },
        },
        { maxRetries: 0 },
      ),
    ).rejects.toMatchObject({
      status: 400,
      code: 'unknown_parameter',
      param: 'session.audio.format',
    });
    // The created session is running: a sideband can attach, and hangup ends it.
    const sideband = new SidebandWS(client, {
      session_id: created.data.session.id,
      graceful_close: true,
    });
    const side = track(sideband);
    await side.log.waitFor('session.started');
    await client.live.sessions.hangup(created.data.session.id);
    expect((await side.log.waitFor('session.closed')).reason).toBe('close_requested');
    expect(await side.closed).toBe(1000);
  });
});
