import { describe, expect, it } from 'vitest';
import type {
  Credentials,
  Transport,
  TransportCloseInfo,
  TransportHandlers,
  TransportOpenInfo,
} from '../ports.js';
import { createTransport } from './transport-choice.js';
import type * as WebRtcModule from './webrtc-transport.js';
import type { WebSocketLike } from './websocket-transport.js';

/** A WebSocket that opens when the test says so. */
class Socket implements WebSocketLike {
  static instances: Socket[] = [];
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {
    Socket.instances.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(code = 1000, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
}

/** A stand-in for the WebRTC transport whose outcome each test scripts. */
function fakeWebRtc(outcome: (handlers: TransportHandlers, attempt: number) => void) {
  const connects: Credentials[] = [];
  const muted: boolean[] = [];
  const transport: Transport = {
    stats: { droppedAudioFrames: 0, sentFrames: 0 },
    media: {
      mode: 'media',
      setInputMuted: (value) => muted.push(value),
      onLevels: () => () => undefined,
    },
    connect(credentials, handlers) {
      connects.push(credentials);
      outcome(handlers, connects.length);
    },
    send: () => true,
    close: () => undefined,
  };
  const module = {
    createWebRtcTransport: () => transport,
  } as unknown as typeof WebRtcModule;
  return { connects, muted, load: () => Promise.resolve(module) };
}

function recorder() {
  const opens: (TransportOpenInfo | undefined)[] = [];
  const closes: TransportCloseInfo[] = [];
  const handlers: TransportHandlers = {
    onOpen: (info) => opens.push(info),
    onMessage: () => undefined,
    onClose: (info) => closes.push(info),
    onError: () => undefined,
  };
  return { opens, closes, handlers };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const credentials: Credentials = {
  url: 'ws://relay/socket',
  webrtc: { url: 'http://server/calls' },
};
const failWith =
  (reason: string, code = 4900) =>
  (handlers: TransportHandlers) =>
    handlers.onClose({ code, reason, initiatedLocally: false });
const webSocket = { WebSocket: Socket as unknown as never };
const withPeer = { RTCPeerConnection: class {} as unknown as never };

describe('createTransport', () => {
  it("'auto' opens over WebRTC when it connects, with no fallback reason", async () => {
    Socket.instances = [];
    const rtc = fakeWebRtc((handlers) => handlers.onOpen({ transport: 'webrtc', media: true }));
    const transport = createTransport('auto', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    expect(transport.media?.mode).toBe('either');
    const events = recorder();
    transport.connect(credentials, events.handlers);
    await settle();
    expect(events.opens).toEqual([{ transport: 'webrtc', media: true }]);
    expect(Socket.instances).toHaveLength(0);
  });

  it("'auto' falls back to WebSocket on ICE failure, says why, and stays there on reconnect", async () => {
    Socket.instances = [];
    const rtc = fakeWebRtc(failWith('ice_failed'));
    const transport = createTransport('auto', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    const events = recorder();
    transport.connect(credentials, events.handlers);
    await settle();
    expect(events.closes).toEqual([]);
    expect(Socket.instances.map((socket) => socket.url)).toEqual(['ws://relay/socket']);
    Socket.instances[0]!.open();
    expect(events.opens).toEqual([
      { transport: 'websocket', media: false, fallbackReason: 'ice_failed' },
    ]);
    expect(transport.media?.mode).toBe('events');
    transport.connect(credentials, recorder().handlers);
    await settle();
    expect(rtc.connects).toHaveLength(1);
    expect(Socket.instances).toHaveLength(2);
  });

  it("'auto' falls back when the server requires the relay, and asks WebRTC again next time", async () => {
    Socket.instances = [];
    const rtc = fakeWebRtc(failWith('relay_required', 4004));
    const transport = createTransport('auto', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    const events = recorder();
    transport.connect(credentials, events.handlers);
    await settle();
    Socket.instances[0]!.open();
    expect(events.opens[0]?.fallbackReason).toBe('relay_required');
    expect(events.closes).toEqual([]);
    transport.connect(credentials, recorder().handlers);
    await settle();
    expect(rtc.connects).toHaveLength(2);
  });

  it("'auto' uses WebSocket at once where the browser has no RTCPeerConnection", () => {
    Socket.instances = [];
    const rtc = fakeWebRtc(() => undefined);
    const transport = createTransport('auto', { loadWebRtc: rtc.load, webSocket });
    expect(transport.media?.mode).toBe('events');
    const events = recorder();
    transport.connect(credentials, events.handlers);
    Socket.instances[0]!.open();
    expect(events.opens[0]?.fallbackReason).toBe('webrtc_unsupported');
    expect(rtc.connects).toHaveLength(0);
  });

  it("'auto' uses WebSocket when the credentials offer no WebRTC endpoint", () => {
    Socket.instances = [];
    const rtc = fakeWebRtc(() => undefined);
    const transport = createTransport('auto', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    const events = recorder();
    transport.connect({ url: 'ws://relay/socket' }, events.handlers);
    Socket.instances[0]!.open();
    expect(events.opens[0]?.fallbackReason).toBe('webrtc_not_offered');
    expect(rtc.connects).toHaveLength(0);
  });

  it("'webrtc' never falls back: the failure closes the attempt for the session to retry", async () => {
    Socket.instances = [];
    const rtc = fakeWebRtc(failWith('ice_failed'));
    const transport = createTransport('webrtc', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    expect(transport.media?.mode).toBe('media');
    const events = recorder();
    transport.connect(credentials, events.handlers);
    await settle();
    expect(events.closes).toEqual([{ code: 4900, reason: 'ice_failed', initiatedLocally: false }]);
    expect(Socket.instances).toHaveLength(0);
  });

  it('passes a drop after opening through, so the session reconnects over WebRTC', async () => {
    const rtc = fakeWebRtc((handlers, attempt) => {
      handlers.onOpen({ transport: 'webrtc', media: true });
      if (attempt === 1) handlers.onClose({ code: 1006, reason: 'lost', initiatedLocally: false });
    });
    const transport = createTransport('auto', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    const events = recorder();
    transport.connect(credentials, events.handlers);
    await settle();
    expect(events.closes).toEqual([{ code: 1006, reason: 'lost', initiatedLocally: false }]);
    transport.connect(credentials, events.handlers);
    await settle();
    expect(events.opens).toHaveLength(2);
    expect(events.opens[1]).toEqual({ transport: 'webrtc', media: true });
  });

  it('fetches the fallback credentials only when it falls back', async () => {
    Socket.instances = [];
    const rtc = fakeWebRtc(failWith('ice_failed'));
    const transport = createTransport('auto', {
      loadWebRtc: rtc.load,
      webrtc: withPeer,
      webSocket,
    });
    let fetched = 0;
    const events = recorder();
    transport.connect(
      {
        url: '',
        webrtc: { url: 'http://server/calls' },
        fallback: () => {
          fetched += 1;
          return Promise.resolve({ url: 'ws://relay/ticketed' });
        },
      },
      events.handlers,
    );
    await settle();
    expect(fetched).toBe(1);
    expect(Socket.instances.map((socket) => socket.url)).toEqual(['ws://relay/ticketed']);
  });

  it('hands mute to the WebRTC transport once it loads', async () => {
    const rtc = fakeWebRtc(() => undefined);
    const transport = createTransport('webrtc', { loadWebRtc: rtc.load, webrtc: withPeer });
    transport.media?.setInputMuted(true);
    transport.connect(credentials, recorder().handlers);
    await settle();
    expect(rtc.muted).toEqual([true]);
  });

  it("'websocket' is the plain WebSocket transport, without media", () => {
    expect(createTransport('websocket').media).toBeUndefined();
  });
});
