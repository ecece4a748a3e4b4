// Parley's core (createVoiceSession over the WebSocket transport, protocol 'live') against the
// emulator's GPT-Live endpoints: appendContext() on the model's channels, and fork() of a
// finished stored session continuing the conversation in a new one.
import {
  createVoiceSession,
  createWebSocketTransport,
  isParleyError,
  type MessageItem,
  type VoiceSession,
  type VoiceSessionOptions,
} from '@parley/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';

let emulator: EmulatorHandle;
const sessions: VoiceSession[] = [];
const pumps: NodeJS.Timeout[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ speechEngine: 'generated' });
});

afterEach(async () => {
  for (const pump of pumps.splice(0)) clearInterval(pump);
  await Promise.all(sessions.splice(0).map((session) => session.disconnect()));
});

afterAll(async () => {
  await emulator?.close();
});

type Event = { type: string; [key: string]: unknown };

function create(liveSession: VoiceSessionOptions['liveSession']) {
  const serverEvents: Event[] = [];
  const clientEvents: Event[] = [];
  const urls: string[] = [];
  const transport = createWebSocketTransport();
  const session = createVoiceSession({
    credentials: () =>
      Promise.resolve({ url: emulator.liveUrl, protocol: 'live' as const, token: 'test-key' }),
    transport: {
      connect: (credentials, handlers) => {
        urls.push(credentials.url);
        transport.connect(credentials, handlers);
      },
      send: (data, kind) => transport.send(data, kind),
      close: (code, reason) => transport.close(code, reason),
      get stats() {
        return transport.stats;
      },
    },
    liveSession,
    onInternalError: () => undefined,
  });
  session.on('serverEvent', (event) => serverEvents.push(event));
  session.on('clientEvent', (event) => clientEvents.push(event));
  sessions.push(session);
  // The session's clock is its input audio: keep 100 ms of silence flowing every few ms.
  pumps.push(
    setInterval(() => {
      if (session.getSnapshot().status === 'connected') session.sendAudio(new Int16Array(2400));
    }, 5),
  );
  return { session, serverEvents, clientEvents, urls };
}

function until<T>(
  session: VoiceSession,
  check: () => T | undefined,
  timeoutMs = 12_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const test = () => {
      const found = check();
      if (found === undefined) return;
      unsubscribe();
      clearTimeout(timer);
      resolve(found);
    };
    const unsubscribe = session.subscribe(test);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out; items: ${JSON.stringify(session.getSnapshot().items)}`));
    }, timeoutMs);
    test();
  });
}

const said = (session: VoiceSession) =>
  session
    .getSnapshot()
    .items.filter(
      (item): item is MessageItem => item.type === 'message' && item.role === 'assistant',
    )
    .map((item) => item.text)
    .join('');

describe('core appendContext() and fork() against the emulator', { timeout: 30_000 }, () => {
  it('appendContext: commentary is acknowledged and said; instructions are followed', async () => {
    const { session, serverEvents, clientEvents } = create({ model: 'gpt-live-1' });
    await session.connect();
    session.appendContext('commentary', 'Thursday at two is free.');
    await until(session, () =>
      said(session).includes('Thursday at two is free.') ? true : undefined,
    );
    expect(clientEvents.find((event) => event.type === 'session.commentary.append')).toMatchObject({
      content: 'Thursday at two is free.',
      delegation_id: null,
      event_id: expect.any(String),
    });
    const sent = clientEvents.find((event) => event.type === 'session.commentary.append')!;
    expect(
      serverEvents.find((event) => event.type === 'session.commentary.appended')?.client_event_id,
    ).toBe(sent.event_id);

    session.appendContext(
      'instructions',
      'Greet the visitor by saying exactly this, and nothing else: "Hi, I am Ava."',
    );
    await until(session, () => (said(session).includes('Hi, I am Ava.') ? true : undefined));
    expect(serverEvents.some((event) => event.type === 'session.instructions.appended')).toBe(true);

    // thinking is silent context: acknowledged, never said.
    session.appendContext('thinking', 'The visitor is a returning customer.');
    await until(session, () =>
      serverEvents.some((event) => event.type === 'session.thinking.appended') ? true : undefined,
    );
    expect(said(session)).not.toContain('returning customer');
    expect(session.getSnapshot().error).toBeNull();
  });

  it('appendContext with a delegation id the server never raised comes back as a server error', async () => {
    const { session } = create({ model: 'gpt-live-1' });
    await session.connect();
    session.appendContext('commentary', 'Done.', { delegationId: 'item_notraisedbyserver' });
    const error = await until(session, () => session.getSnapshot().error ?? undefined);
    expect(error).toMatchObject({ reason: 'server', code: 'invalid_value' });
    expect(session.getSnapshot().status).toBe('connected');
  });

  it('fork: a stored session, closed, continues in a new session that inherits the conversation', async () => {
    const { session, serverEvents, clientEvents, urls } = create({
      model: 'gpt-live-1',
      instructions: 'You are Ava, the voice assistant of Example Co.',
      store: true,
    });
    await session.connect();
    const sourceId = session.getSnapshot().sessionId!;
    session.appendContext('commentary', 'Your table for two is booked for eight.');
    await until(session, () =>
      said(session).includes('booked for eight.') &&
      session
        .getSnapshot()
        .items.every((item) => !('status' in item) || item.status !== 'in_progress')
        ? true
        : undefined,
    );
    const itemsBefore = session.getSnapshot().items.map((item) => item.id);

    await session.fork({ store: false });
    const snapshot = session.getSnapshot();
    expect(snapshot.status).toBe('connected');
    expect(snapshot.sessionId).not.toBe(sourceId);
    expect(snapshot.sessionId).toMatch(/^live_/);
    expect(urls.at(-1)).toBe(`${emulator.liveUrl}/${sourceId}/fork`);
    // The fork socket starts with the overrides only: no model, no instructions, no history.
    const starts = clientEvents.filter((event) => event.type === 'session.start');
    expect(starts.at(-1)!.session).toEqual({ store: false });
    const started = serverEvents.filter((event) => event.type === 'session.started').at(-1)!;
    expect(started.session).toMatchObject({
      id: snapshot.sessionId,
      model: 'gpt-live-1',
      instructions: 'You are Ava, the voice assistant of Example Co.',
      input: [
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Your table for two is booked for eight.' }],
        },
      ],
    });
    // The transcript is continuous: the items of the source session are still there.
    expect(snapshot.items.map((item) => item.id).slice(0, itemsBefore.length)).toEqual(itemsBefore);
    session.appendContext('commentary', 'See you tonight.');
    await until(session, () => (said(session).includes('See you tonight.') ? true : undefined));
  });

  it('fork of a session that was not stored is refused with the server error', async () => {
    const { session } = create({ model: 'gpt-live-1' });
    await session.connect();
    const failure = await session.fork().then(
      () => null,
      (error: unknown) => error,
    );
    expect(isParleyError(failure)).toBe(true);
    expect(failure).toMatchObject({ reason: 'server', code: 'session_not_forkable' });
    expect(session.getSnapshot().status).toBe('error');
  });

  it('a Realtime session refuses appendContext and fork with reason unsupported', async () => {
    const session = createVoiceSession({
      credentials: () => Promise.resolve({ url: `${emulator.url}?model=gpt-realtime` }),
      transport: createWebSocketTransport(),
      onInternalError: () => undefined,
    });
    sessions.push(session);
    await session.connect();
    expect(() => session.appendContext('thinking', 'x')).toThrow(
      expect.objectContaining({ reason: 'unsupported' }),
    );
    await expect(session.fork()).rejects.toMatchObject({ reason: 'unsupported' });
  });
});
