// The WebSocket transport against a real `ws` server on loopback: header auth, both directions,
// close semantics, and backpressure (audio held, the oldest dropped and counted, order kept).
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TransportCloseInfo, TransportHandlers } from '../src/ports.js';
import { FakeClock } from '../src/test-utils/index.js';
import { createWebSocketTransport } from '../src/transport/websocket-transport.js';

interface Peer {
  socket: WebSocket;
  headers: Record<string, string | string[] | undefined>;
  protocol: string;
  received: string[];
}

let server: WebSocketServer;
let url: string;
const peers: Peer[] = [];

beforeAll(async () => {
  server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime?model=gpt-realtime`;
  server.on('connection', (socket, request) => {
    const peer: Peer = {
      socket,
      headers: request.headers,
      protocol: socket.protocol,
      received: [],
    };
    socket.on('message', (data) => peer.received.push(data.toString()));
    peers.push(peer);
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function recorder() {
  const events: {
    opened: number;
    messages: string[];
    closes: TransportCloseInfo[];
    errors: Error[];
  } = { opened: 0, messages: [], closes: [], errors: [] };
  const handlers: TransportHandlers = {
    onOpen: () => (events.opened += 1),
    onMessage: (data) => events.messages.push(data),
    onClose: (info) => events.closes.push(info),
    onError: (error) => events.errors.push(error),
  };
  return { events, handlers };
}

describe('createWebSocketTransport in Node', () => {
  it('authenticates with a bearer header, exchanges frames both ways, and reports a local close', async () => {
    const transport = createWebSocketTransport();
    const { events, handlers } = recorder();
    const before = peers.length;
    transport.connect({ url, token: 'ek_test', protocols: ['realtime'] }, handlers);
    await vi.waitFor(() => expect(events.opened).toBe(1));
    const peer = peers[before]!;
    expect(peer.headers.authorization).toBe('Bearer ek_test');
    expect(peer.headers['openai-beta']).toBeUndefined();
    expect(peer.protocol).toBe('realtime');

    expect(transport.send('{"type":"response.create"}', 'control')).toBe(true);
    peer.socket.send('{"type":"session.created"}');
    await vi.waitFor(() => expect(events.messages).toEqual(['{"type":"session.created"}']));
    await vi.waitFor(() => expect(peer.received).toEqual(['{"type":"response.create"}']));
    expect(transport.stats.sentFrames).toBe(1);

    transport.close(1000, 'bye');
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toMatchObject({ code: 1000, initiatedLocally: true });
    expect(transport.send('{"type":"response.create"}', 'control')).toBe(false);
  });

  it('sends the beta header for the beta dialect and reports a server close as unexpected', async () => {
    const transport = createWebSocketTransport();
    const { events, handlers } = recorder();
    const before = peers.length;
    transport.connect(
      { url, headers: { Authorization: 'Bearer sk_x' }, dialect: 'beta' },
      handlers,
    );
    await vi.waitFor(() => expect(events.opened).toBe(1));
    const peer = peers[before]!;
    expect(peer.headers['openai-beta']).toBe('realtime=v1');
    peer.socket.close(4000, 'beta_api_shape_disabled');
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]).toEqual({
      code: 4000,
      reason: 'beta_api_shape_disabled',
      initiatedLocally: false,
    });
  });

  it('reports an unreachable server as an error and an unexpected close', async () => {
    const transport = createWebSocketTransport();
    const { events, handlers } = recorder();
    transport.connect({ url: 'ws://127.0.0.1:1/v1/realtime', token: 'x' }, handlers);
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
    expect(events.closes[0]?.initiatedLocally).toBe(false);
    expect(events.opened).toBe(0);
  });

  it('holds audio while the send buffer is over its bound, drops the oldest, and keeps order', async () => {
    const clock = new FakeClock();
    const transport = createWebSocketTransport({
      maxBufferedBytes: 64 * 1024,
      maxQueuedAudioFrames: 5,
      clock,
    });
    const { events, handlers } = recorder();
    const before = peers.length;
    transport.connect({ url, token: 'ek_test' }, handlers);
    await vi.waitFor(() => expect(events.opened).toBe(1));
    const peer = peers[before]!;
    // The server stops reading, so the kernel buffers fill and `bufferedAmount` grows.
    (peer.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const filler = JSON.stringify({
      type: 'conversation.item.create',
      pad: 'x'.repeat(256 * 1024),
    });
    for (let i = 0; i < 40; i++) expect(transport.send(filler, 'control')).toBe(true);

    for (let seq = 0; seq < 20; seq++) {
      transport.send(JSON.stringify({ type: 'input_audio_buffer.append', seq }), 'audio');
    }
    expect(transport.stats.droppedAudioFrames).toBe(15);
    // Retrying while still congested sends nothing and drops nothing more.
    clock.advance(100);
    expect(transport.stats.droppedAudioFrames).toBe(15);

    (peer.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    // A control frame flushes the held audio first, so a commit never overtakes its audio.
    transport.send('{"type":"input_audio_buffer.commit"}', 'control');
    await vi.waitFor(() => expect(peer.received).toHaveLength(40 + 5 + 1), { timeout: 10_000 });
    const tail = peer.received
      .slice(40)
      .map((frame) => JSON.parse(frame) as { type: string; seq?: number });
    expect(tail.map((event) => event.seq ?? event.type)).toEqual([
      15,
      16,
      17,
      18,
      19,
      'input_audio_buffer.commit',
    ]);
    expect(transport.stats.sentFrames).toBe(46);
    transport.close();
    await vi.waitFor(() => expect(events.closes).toHaveLength(1));
  });
});
