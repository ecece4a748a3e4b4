import { describe, expect, it } from 'vitest';
import type { TransportHandlers } from '../ports.js';
import {
  createWebSocketTransport,
  webSocketHandshake,
  type WebSocketLike,
} from './websocket-transport.js';

class BrowserLikeSocket implements WebSocketLike {
  static instances: BrowserLikeSocket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly args: unknown[];
  constructor(...args: unknown[]) {
    this.args = args;
    BrowserLikeSocket.instances.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const noop: TransportHandlers = {
  onOpen: () => undefined,
  onMessage: () => undefined,
  onClose: () => undefined,
  onError: () => undefined,
};

describe('webSocketHandshake', () => {
  it('puts a token in the subprotocols where headers cannot be sent (browsers)', () => {
    expect(webSocketHandshake({ url: 'wss://x', token: 'ek_1' }, false)).toEqual({
      url: 'wss://x',
      protocols: ['realtime', 'openai-insecure-api-key.ek_1'],
      headers: {},
    });
  });

  it('adds the beta subprotocol for the beta dialect in browsers', () => {
    const { protocols } = webSocketHandshake(
      { url: 'wss://x', token: 'k', dialect: 'beta' },
      false,
    );
    expect(protocols).toEqual(['realtime', 'openai-insecure-api-key.k', 'openai-beta.realtime-v1']);
  });

  it('keeps explicit relay subprotocols untouched', () => {
    const protocols = ['realtime', 'parley-ticket.abc'];
    expect(webSocketHandshake({ url: 'wss://x', protocols }, false).protocols).toEqual(protocols);
  });

  it('uses an Authorization header (and the beta header) where headers can be sent', () => {
    expect(
      webSocketHandshake({ url: 'wss://x', token: 'sk', dialect: 'beta' }, true).headers,
    ).toEqual({
      Authorization: 'Bearer sk',
      'OpenAI-Beta': 'realtime=v1',
    });
  });

  it('never overrides an explicit Authorization header', () => {
    const { headers } = webSocketHandshake(
      { url: 'wss://x', token: 'sk', headers: { authorization: 'Bearer other' } },
      true,
    );
    expect(headers).toEqual({ authorization: 'Bearer other' });
  });
});

describe('createWebSocketTransport with a browser WebSocket', () => {
  it('opens the global WebSocket with subprotocols only and refuses frames before open', () => {
    const original = (globalThis as { WebSocket?: unknown }).WebSocket;
    (globalThis as { WebSocket?: unknown }).WebSocket = BrowserLikeSocket;
    try {
      const transport = createWebSocketTransport();
      transport.connect(
        { url: 'wss://relay/api/realtime', protocols: ['realtime', 'parley-ticket.t'] },
        noop,
      );
      const socket = BrowserLikeSocket.instances.at(-1)!;
      expect(socket.args).toEqual(['wss://relay/api/realtime', ['realtime', 'parley-ticket.t']]);
      expect(socket.binaryType).toBe('arraybuffer');
      expect(transport.send('{}', 'control')).toBe(false);
      socket.readyState = 1;
      expect(transport.send('{"type":"x"}', 'control')).toBe(true);
      expect(socket.sent).toEqual(['{"type":"x"}']);
    } finally {
      (globalThis as { WebSocket?: unknown }).WebSocket = original;
    }
  });

  it('decodes binary text frames and ignores callbacks from a replaced socket', () => {
    const messages: string[] = [];
    const transport = createWebSocketTransport({ WebSocket: BrowserLikeSocket });
    transport.connect({ url: 'wss://a' }, { ...noop, onMessage: (data) => messages.push(data) });
    const first = BrowserLikeSocket.instances.at(-1)!;
    transport.connect({ url: 'wss://b' }, { ...noop, onMessage: (data) => messages.push(data) });
    const second = BrowserLikeSocket.instances.at(-1)!;
    first.onmessage?.({ data: 'stale' });
    second.onmessage?.({ data: new TextEncoder().encode('{"type":"fresh"}').buffer });
    expect(messages).toEqual(['{"type":"fresh"}']);
  });
});
