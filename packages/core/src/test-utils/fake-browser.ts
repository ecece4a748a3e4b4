// A browser's networking, faked on the globals, for tests of what a session picks by default:
// `WebSocket`, `fetch` answering the Parley server's routes, and (when asked) `RTCPeerConnection`
// with a microphone. Tests only; `restore()` puts the globals back.

/** A WebSocket the test opens. */
export class FakeBrowserSocket {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  readonly sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeBrowserSocket.opened?.(this);
  }
  /** Where new sockets are reported (set by {@link installFakeBrowser}). */
  static opened: ((socket: FakeBrowserSocket) => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  /** The server accepted the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  /** A server event arrives. */
  receive(event: object): void {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
}

interface FakeChannel {
  readyState: string;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(): void;
  close(): void;
}

/** A peer connection whose event channel the test opens. */
export class FakeBrowserPeer {
  static created: ((peer: FakeBrowserPeer) => void) | null = null;
  channel: FakeChannel | null = null;
  localDescription: { type: string; sdp: string } | null = null;
  connectionState = 'new';
  iceGatheringState = 'complete';
  ontrack: unknown = null;
  onconnectionstatechange: unknown = null;
  constructor() {
    FakeBrowserPeer.created?.(this);
  }
  addTrack(): void {}
  createDataChannel(): FakeChannel {
    this.channel = {
      readyState: 'connecting',
      onopen: null,
      onmessage: null,
      send() {},
      close() {},
    };
    return this.channel;
  }
  createOffer(): Promise<{ type: string; sdp: string }> {
    return Promise.resolve({ type: 'offer', sdp: 'v=0 fake offer' });
  }
  setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.localDescription = description;
    return Promise.resolve();
  }
  setRemoteDescription(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {
    if (this.channel) this.channel.readyState = 'closed';
  }
  /** The call connected: its event channel opens. */
  open(): void {
    if (!this.channel) throw new Error('The transport has not created its event channel yet');
    this.channel.readyState = 'open';
    this.channel.onopen?.();
  }
  /** ICE or DTLS failed: the network cannot carry the call. */
  fail(): void {
    this.connectionState = 'failed';
    (this.onconnectionstatechange as (() => void) | null)?.();
  }
  /** A server event arrives on the event channel. */
  receive(event: object): void {
    this.channel?.onmessage?.({ data: JSON.stringify(event) });
  }
}

/** What {@link installFakeBrowser} installed, and what the page did with it. */
export interface FakeBrowser {
  /** `METHOD path` of every request, in order (`POST /api/sessions`, `POST /api/calls`…). */
  readonly requests: string[];
  /** The JSON body of each request, in the same order (`undefined` for one without). */
  readonly bodies: unknown[];
  /**
   * What the fake server answers on each path, changeable by a test: a relay grant of conversation
   * `conv_relay` on `POST /api/sessions`, an SDP answer of call `call_fake` in conversation
   * `conv_call` on `POST /api/calls`, `resumed` whenever the request asked to resume; `status`
   * other than 2xx refuses (e.g. 409 `relay_required`).
   */
  readonly answers: Record<string, { status: number; body: object }>;
  readonly sockets: FakeBrowserSocket[];
  readonly peers: FakeBrowserPeer[];
  /**
   * Opens the one connection the page made (its peer's event channel or its socket) and sends
   * `events` on it as the server; throws unless there is exactly one.
   */
  accept(...events: object[]): void;
  /** Puts the globals back as they were. */
  restore(): void;
}

/**
 * Fakes a browser on the globals: `WebSocket`, `fetch` (the Parley server: a relay grant on
 * `POST /api/sessions`, an SDP answer on `POST /api/calls`) and, with `webrtc: true`,
 * `RTCPeerConnection` and `navigator.mediaDevices.getUserMedia`; without it there is no
 * `RTCPeerConnection` at all. Use `baseUrl: 'http://parley.test'` in the credentials.
 */
export function installFakeBrowser(options: { webrtc: boolean }): FakeBrowser {
  /** Undoes each change made, last first. */
  const undo: (() => void)[] = [];
  const replace = (target: object, name: string, value: unknown): void => {
    const saved = Object.getOwnPropertyDescriptor(target, name);
    undo.unshift(() => {
      if (saved) Object.defineProperty(target, name, saved);
      else Reflect.deleteProperty(target, name);
    });
    if (value === undefined) Reflect.deleteProperty(target, name);
    else Object.defineProperty(target, name, { configurable: true, writable: true, value });
  };
  const browser: FakeBrowser = {
    requests: [],
    bodies: [],
    answers: {
      '/api/sessions': {
        status: 200,
        body: {
          mode: 'relay',
          url: '/api/realtime',
          ticket: 'tk_fake',
          conversationId: 'conv_relay',
          resumeToken: 'rt_relay',
        },
      },
      '/api/calls': {
        status: 201,
        body: {
          sdp: 'v=0 fake answer',
          callId: 'call_fake',
          conversationId: 'conv_call',
          resumeToken: 'rt_call',
        },
      },
    },
    sockets: [],
    peers: [],
    accept: (...events) => {
      const opened = [...browser.peers, ...browser.sockets];
      if (opened.length !== 1) throw new Error(`${opened.length} connections, not one`);
      opened[0]!.open();
      for (const event of events) opened[0]!.receive(event);
    },
    restore: () => {
      FakeBrowserSocket.opened = null;
      FakeBrowserPeer.created = null;
      for (const step of undo.splice(0)) step();
    },
  };
  FakeBrowserSocket.opened = (socket) => browser.sockets.push(socket);
  FakeBrowserPeer.created = (peer) => browser.peers.push(peer);
  replace(globalThis, 'WebSocket', FakeBrowserSocket);
  replace(globalThis, 'fetch', (url: string | URL, init?: RequestInit) => {
    const path = new URL(String(url), 'http://parley.test').pathname;
    browser.requests.push(`${init?.method ?? 'GET'} ${path}`);
    const sent: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    browser.bodies.push(sent);
    const answer = browser.answers[path];
    if (answer === undefined) return Promise.resolve(new Response('{}', { status: 200 }));
    const resumed = typeof sent === 'object' && sent !== null && 'resume' in sent;
    const body = answer.status < 300 ? { ...answer.body, resumed } : answer.body;
    return Promise.resolve(new Response(JSON.stringify(body), { status: answer.status }));
  });
  const microphone = { getTracks: () => [], getAudioTracks: () => [] };
  const getUserMedia = () => Promise.resolve(microphone as unknown as MediaStream);
  if (!('navigator' in globalThis)) replace(globalThis, 'navigator', {});
  const { navigator } = globalThis as unknown as { navigator: object };
  replace(navigator, 'mediaDevices', options.webrtc ? { getUserMedia } : undefined);
  replace(globalThis, 'RTCPeerConnection', options.webrtc ? FakeBrowserPeer : undefined);
  return browser;
}
