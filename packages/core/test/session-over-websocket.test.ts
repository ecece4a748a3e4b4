// The session over the real WebSocket transport, against a small scripted Realtime server on
// loopback: handshake, a text turn with streamed audio, then a server-side drop and a reconnect
// with fresh credentials and the conversation restored.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { createVoiceSession } from '../src/session/voice-session.js';
import { FakeAudioPort } from '../src/test-utils/index.js';
import { createWebSocketTransport } from '../src/transport/websocket-transport.js';

interface Connection {
  socket: WebSocket;
  authorization: string | undefined;
  received: { type: string; [key: string]: unknown }[];
}

let server: WebSocketServer;
let url: string;
const connections: Connection[] = [];
let sessionCounter = 0;

function send(socket: WebSocket, event: Record<string, unknown>): void {
  socket.send(
    JSON.stringify({ event_id: `event_${Math.random().toString(36).slice(2)}`, ...event }),
  );
}

/** Plays a minimal GA server: session.created, and a spoken answer to every response.create. */
function serve(connection: Connection): void {
  const { socket } = connection;
  sessionCounter += 1;
  send(socket, {
    type: 'session.created',
    session: {
      type: 'realtime',
      id: `sess_${sessionCounter}`,
      model: 'gpt-realtime',
      expires_at: Math.floor(Date.now() / 1000) + 3600,
    },
  });
  socket.on('message', (data) => {
    const event = JSON.parse(data.toString()) as Connection['received'][number];
    connection.received.push(event);
    if (event.type === 'session.update') {
      send(socket, {
        type: 'session.updated',
        session: { type: 'realtime', ...(event.session as object) },
      });
    }
    if (event.type === 'conversation.item.create') {
      send(socket, { type: 'conversation.item.added', previous_item_id: null, item: event.item });
    }
    if (event.type === 'response.create') {
      const response = `resp_${connection.received.length}`;
      const item = `item_answer_${connection.received.length}`;
      const ref = { response_id: response, item_id: item, output_index: 0, content_index: 0 };
      send(socket, {
        type: 'response.created',
        response: {
          id: response,
          status: 'in_progress',
          output: [],
          conversation_id: 'conv_1',
          usage: null,
        },
      });
      send(socket, {
        type: 'response.output_item.added',
        response_id: response,
        output_index: 0,
        item: { id: item, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
      });
      send(socket, {
        type: 'response.content_part.added',
        ...ref,
        part: { type: 'audio', transcript: '' },
      });
      send(socket, { type: 'response.output_audio_transcript.delta', ...ref, delta: 'Hello ' });
      send(socket, {
        type: 'response.output_audio.delta',
        ...ref,
        delta: Buffer.alloc(4800).toString('base64'),
      });
      send(socket, { type: 'response.output_audio_transcript.delta', ...ref, delta: 'there.' });
      send(socket, {
        type: 'response.output_audio.delta',
        ...ref,
        delta: Buffer.alloc(4800).toString('base64'),
      });
      send(socket, { type: 'response.output_audio.done', ...ref });
      send(socket, {
        type: 'response.output_audio_transcript.done',
        ...ref,
        transcript: 'Hello there.',
      });
      send(socket, {
        type: 'response.done',
        response: {
          id: response,
          status: 'completed',
          output: [],
          conversation_id: 'conv_1',
          usage: { input_tokens: 10, output_tokens: 20 },
        },
      });
    }
  });
}

beforeAll(async () => {
  server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime?model=gpt-realtime`;
  server.on('connection', (socket, request) => {
    const connection: Connection = {
      socket,
      authorization: request.headers.authorization,
      received: [],
    };
    connections.push(connection);
    serve(connection);
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('a voice session over a real WebSocket', () => {
  it('holds a turn, survives a server-side drop and continues the conversation', async () => {
    const audio = new FakeAudioPort();
    const tokens: string[] = [];
    const session = createVoiceSession({
      credentials: ({ attempt }) => {
        tokens.push(`ek_${attempt}_${tokens.length}`);
        return Promise.resolve({ url, token: tokens.at(-1)!, protocols: ['realtime'] });
      },
      transport: createWebSocketTransport(),
      audio,
      session: { instructions: 'Be brief.' },
      reconnect: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    await session.connect();
    expect(connections[0]?.authorization).toBe('Bearer ek_0_0');

    session.sendText('Hi!');
    await vi.waitFor(() =>
      expect(session.getSnapshot().items.at(-1)).toMatchObject({
        role: 'assistant',
        text: 'Hello there.',
        status: 'completed',
        audioMs: 200,
      }),
    );
    await vi.waitFor(() => expect(session.getSnapshot().usage.responses).toBe(1));
    expect([...audio.enqueued.values()]).toEqual([4800]);
    expect(connections[0]?.received.map((event) => event.type)).toEqual([
      'session.update',
      'conversation.item.create',
      'response.create',
    ]);

    connections[0]?.socket.terminate();
    await vi.waitFor(() =>
      expect(session.getSnapshot()).toMatchObject({ status: 'connected', sessionId: 'sess_2' }),
    );
    // Fresh credentials, the configuration again, then the conversation as items.
    expect(connections[1]?.authorization).toBe('Bearer ek_1_1');
    await vi.waitFor(() => expect(connections[1]?.received.length).toBeGreaterThanOrEqual(3));
    expect(connections[1]?.received.map((event) => event.type)).toEqual([
      'session.update',
      'conversation.item.create',
      'conversation.item.create',
    ]);
    const snapshot = session.getSnapshot();
    expect(
      snapshot.items.map((item) => (item.type === 'message' ? [item.role, item.text] : null)),
    ).toEqual([
      ['user', 'Hi!'],
      ['assistant', 'Hello there.'],
    ]);
    expect(snapshot.diagnostics.reconnects).toBe(1);
    await session.disconnect();
    expect(session.getSnapshot().status).toBe('closed');
  });
});
