// Two GPT-Live behaviours of the emulator, through the official `openai` 7.60.0 clients
// unmodified: the hosted web_search tool of a Responses delegation (its nested events pass
// through; nothing comes back to the client), and the WebRTC data channel's permissions
// (`client.data_channel`: the `info` event, refused client events, filtered server events),
// with the official `LiveDataChannel` on an in-memory channel attached where the session's
// WebRTC transport attaches its `oai-events` channel.
import OpenAI from 'openai';
import { LiveDataChannel } from 'openai/lib/live/webrtc';
import { SidebandWS } from 'openai/resources/live/sideband/ws';
import { LiveWS } from 'openai/resources/live/ws';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle, type LiveDataChannelLink } from '../src/index.js';
import { EventLog, readWavPcm16, type WireEvent } from './helpers.js';
import { makeOffer } from './webrtc-peer.js';

const speech = readWavPcm16(
  fileURLToPath(new URL('./__fixtures__/speech-24k.wav', import.meta.url)),
);
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

async function start(session: Record<string, unknown>): Promise<{ live: LiveWS; log: EventLog }> {
  const live = new LiveWS(client);
  open.push(live);
  const log = new EventLog();
  live.on('event', (event) => log.push(event as WireEvent));
  live.send({ type: 'session.start', session: { model: 'gpt-live-1', ...session } } as never);
  await log.waitFor('session.started');
  return { live, log };
}

function sendAudio(live: LiveWS, pcm: Buffer): void {
  for (let offset = 0; offset < pcm.length; offset += 4800)
    live.send({
      type: 'session.input_audio.append',
      audio: pcm.subarray(offset, offset + 4800).toString('base64'),
    });
}

async function silenceUntil(live: LiveWS, done: () => boolean, maxFrames = 600): Promise<void> {
  for (let frame = 0; frame < maxFrames && !done(); frame++) {
    live.send({ type: 'session.input_audio.append', audio: SILENCE });
    await new Promise((resolve) => setTimeout(resolve, 4));
  }
  if (!done()) throw new Error('condition not met while streaming silence');
}

const said = (log: EventLog) =>
  log.events
    .filter((event) => event.type === 'session.output_transcript.delta')
    .map((event) => event.delta as string)
    .join('');

const nestedTypes = (log: EventLog) =>
  log.events
    .filter((event) => event.type === 'response.event')
    .map((event) => event.event.type as string);

const searchTools = [
  { type: 'web_search' },
  {
    type: 'function',
    name: 'check_weather',
    description: 'Check the weather forecast for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
];

describe('hosted web_search under Responses delegation', () => {
  it('runs the search in the backend, streams its nested events in order, and speaks the result without a client round trip', async () => {
    const { live, log } = await start({
      delegation: { type: 'responses', responses: { model: 'gpt-5.6-luna', tools: searchTools } },
    });
    live.send({
      type: 'emulator.transcript',
      text: 'Search the web for the opening hours of the Louvre',
    } as never);
    sendAudio(live, speech);
    await silenceUntil(live, () => said(log).includes('about the opening hours of the Louvre.'));
    const created = await log.waitFor('session.delegation.created');
    expect(created.delegation).toMatchObject({ target: 'responses' });
    expect(nestedTypes(log)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.web_search_call.in_progress',
      'response.web_search_call.searching',
      'response.web_search_call.completed',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      ...nestedTypes(log).filter((type) => type === 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const nested = log.events.filter((event) => event.type === 'response.event');
    expect(nested.every((event) => event.delegation_id === created.delegation.id)).toBe(true);
    expect(nested.map((event) => event.event.sequence_number)).toEqual(
      nested.map((_, index) => index),
    );
    const search = nested[2]!.event.item;
    expect(search).toMatchObject({
      type: 'web_search_call',
      status: 'in_progress',
      action: { type: 'search', query: 'the opening hours of the Louvre' },
    });
    for (const progress of nested.slice(3, 6))
      expect(progress.event).toMatchObject({ item_id: search.id, output_index: 0 });
    expect(nested[6]!.event.item).toMatchObject({
      id: search.id,
      type: 'web_search_call',
      status: 'completed',
      action: {
        type: 'search',
        query: 'the opening hours of the Louvre',
        sources: [{ type: 'url', url: expect.stringContaining('opening%20hours') }],
      },
    });
    const message = nested.find(
      (event) =>
        event.event.type === 'response.output_item.done' && event.event.item.type === 'message',
    )!.event;
    expect(message.output_index).toBe(1);
    expect(message.item.content[0].annotations[0]).toMatchObject({ type: 'url_citation' });
    expect(said(log)).toContain(
      'I searched the web for the opening hours of the Louvre. The top result is an emulated page about the opening hours of the Louvre.',
    );
    // Nothing awaits the client: a response.create now starts a new delegation, it continues nothing.
    expect(nestedTypes(log).at(-1)).toBe('response.completed');
  });

  it('a typed request with response.create searches too; without the hosted tool the words are no search', async () => {
    const { live, log } = await start({
      delegation: {
        type: 'responses',
        responses: { model: 'gpt-5.6-luna', tools: [{ type: 'web_search' }] },
      },
    });
    live.send({
      type: 'response.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What is the latest news about GPT-Live?' }],
      },
    });
    live.send({ type: 'response.create', event_id: 'ask_1' });
    await silenceUntil(live, () => said(log).includes('emulated page about GPT-Live news'));
    expect((await log.waitFor('session.delegation.created')).client_event_id).toBe('ask_1');
    expect(nestedTypes(log)).toContain('response.web_search_call.searching');

    const plain = await start({
      delegation: { type: 'responses', responses: { model: 'gpt-5.6-luna', tools: [] } },
    });
    plain.live.send({
      type: 'response.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Search the web for the Louvre' }],
      },
    });
    plain.live.send({ type: 'response.create' });
    await silenceUntil(plain.live, () => nestedTypes(plain.log).includes('response.completed'));
    expect(nestedTypes(plain.log).some((type) => type.startsWith('response.web_search_call'))).toBe(
      false,
    );
  });
});

/** An in-memory `RTCDataChannel` (the subset the SDK uses), wired to the emulator's channel seam. */
function channelPair(sessionId: string) {
  const listeners = new Map<string, Set<(event: unknown) => void>>();
  let link: LiveDataChannelLink | null = null;
  const native = {
    readyState: 'open',
    addEventListener(type: string, listener: (event: unknown) => void) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(listener);
    },
    removeEventListener(type: string, listener: (event: unknown) => void) {
      listeners.get(type)?.delete(listener);
    },
    send(data: string) {
      // A data channel delivers asynchronously.
      setTimeout(() => link?.receive(data), 0);
    },
    close() {
      native.readyState = 'closed';
      link?.detach();
    },
  };
  const channel = new LiveDataChannel(native);
  const log = new EventLog();
  channel.onEvent((event) => log.push(event as WireEvent));
  link = emulator.attachLiveDataChannel(sessionId, {
    send: (data) =>
      setTimeout(() => {
        for (const listener of listeners.get('message') ?? []) listener({ data });
      }, 0),
    close: () => native.close(),
  });
  return { channel, log };
}

async function createMediaSession(session: Record<string, unknown>): Promise<string> {
  const created = await client.live.create(
    {
      session: { model: 'gpt-live-1', ...session },
      // A real offer the emulator answers; nobody connects to it (the channel is the seam's).
      transport: { type: 'webrtc', sdp: await makeOffer() },
    },
    { maxRetries: 0 },
  );
  return created.session.id;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('the WebRTC data channel and client.data_channel permissions', () => {
  it('a restricted channel gets session.started then info, refuses disallowed client events, and receives only allowed server events', async () => {
    const sessionId = await createMediaSession({
      client: {
        data_channel: {
          allowed_client_events: ['session.input_audio.mute', 'session.input_audio.unmute'],
          allowed_server_events: [
            { type: 'session.input_audio.muted' },
            { type: 'session.closed' },
            { type: 'error' },
          ],
        },
      },
    });
    const { channel, log } = channelPair(sessionId);
    await log.waitFor('info');
    expect(log.types().slice(0, 2)).toEqual(['session.started', 'info']);
    expect(log.events[1]).toMatchObject({
      code: 'data_channel_permissions',
      message: expect.any(String),
      event_id: expect.stringMatching(/^event_/),
    });
    expect(log.events[0]!.session).toMatchObject({ id: sessionId, client: expect.any(Object) });

    channel.send({ type: 'session.input_audio.mute', event_id: 'm1' });
    expect((await log.waitFor('session.input_audio.muted')).client_event_id).toBe('m1');
    channel.send({
      type: 'session.commentary.append',
      event_id: 'c1',
      delegation_id: null,
      content: 'Say something the frontend should not decide.',
    });
    channel.send({ type: 'session.input_audio.unmute', event_id: 'u1' });
    const refused = await log.waitFor('error');
    expect(refused.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'event_not_allowed',
      client_event_id: 'c1',
    });

    // A trusted sideband sees everything; the channel does not get what its list leaves out.
    const sideband = new SidebandWS(client, { session_id: sessionId });
    open.push(sideband);
    const side = new EventLog();
    sideband.on('event', (event) => side.push(event as WireEvent));
    await side.waitFor('session.started');
    sideband.send({ type: 'session.update', event_id: 'up1', session: {} });
    await side.waitFor('session.updated');
    expect(side.types()).toContain('session.input_audio.unmuted');
    await settle();
    expect(log.types()).not.toContain('session.updated');
    expect(log.types()).not.toContain('session.input_audio.unmuted'); // accepted, but not delivered
    expect(log.types()).not.toContain('session.commentary.appended');

    await client.live.sessions.hangup(sessionId);
    expect((await log.waitFor('session.closed')).reason).toBe('close_requested');
    expect(log.types().some((type) => type.includes('audio.delta'))).toBe(false);
  });

  it('an unrestricted channel gets no info, every JSON event, and the primary-only commands are refused', async () => {
    const sessionId = await createMediaSession({});
    const { channel, log } = channelPair(sessionId);
    await log.waitFor('session.started');
    channel.send({ type: 'session.input_audio.mute', event_id: 'm1' });
    await log.waitFor('session.input_audio.muted');
    channel.send({ type: 'session.update', event_id: 'up1', session: {} });
    await log.waitFor('session.updated');
    (channel as unknown as { send(event: unknown): void }).send({
      type: 'session.input_audio.append',
      event_id: 'a1',
      audio: SILENCE,
    });
    const error = await log.waitFor('error');
    expect(error.error).toMatchObject({ code: 'invalid_value', client_event_id: 'a1' });
    expect(log.types()).not.toContain('info');
    await client.live.sessions.hangup(sessionId);
    await log.waitFor('session.closed');
  });

  it('the seam refuses a session that is not running', () => {
    expect(() =>
      emulator.attachLiveDataChannel('live_u1_nothere', {
        send: () => undefined,
        close: () => undefined,
      }),
    ).toThrow(/No running GPT-Live session/);
  });
});
