import type {
  Clock,
  Credentials,
  TimerHandle,
  Transport,
  TransportHandlers,
  TransportStats,
} from '../ports.js';
import { systemClock } from '../system-clock.js';

/** The part of the WebSocket API (browser or `ws`) the transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/**
 * A WebSocket constructor: the browser's, or `ws`'s (whose third argument carries the upgrade
 * request's headers; a browser ignores it).
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

/** Options of {@link createWebSocketTransport}. */
export interface WebSocketTransportOptions {
  /**
   * The WebSocket implementation. Default: the global `WebSocket` when the credentials need no
   * headers (browsers), else the `ws` package, imported only then so browser bundles never hold it.
   */
  readonly WebSocket?: WebSocketConstructor;
  /**
   * Above this many bytes waiting in the socket's send buffer, audio frames are held in a small
   * queue instead of being sent; default 256 KiB (about 2 s of 24 kHz PCM16 as base64 JSON).
   */
  readonly maxBufferedBytes?: number;
  /** Most audio frames held while the buffer is over its bound; the oldest go first. Default 25. */
  readonly maxQueuedAudioFrames?: number;
  /** How often a held queue is retried, in ms; default 20. */
  readonly drainIntervalMs?: number;
  /** Timers for the drain retry; default the system clock. */
  readonly clock?: Clock;
}

const OPEN = 1;
const BETA_SUBPROTOCOL = 'openai-beta.realtime-v1';
const KEY_SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

/** What the transport needs to open one socket: URL, subprotocols and (Node only) headers. */
export interface WebSocketHandshake {
  url: string;
  protocols: string[];
  headers: Record<string, string>;
}

/**
 * Works out the handshake from credentials. Explicit `protocols` and `headers` win. A bare `token`
 * becomes a subprotocol where headers cannot be sent (browsers) and an `Authorization` header
 * where they can (Node). The beta dialect adds its subprotocol or header.
 */
export function webSocketHandshake(
  credentials: Credentials,
  canSendHeaders: boolean,
): WebSocketHandshake {
  const beta = credentials.dialect === 'beta';
  const protocols = [...(credentials.protocols ?? [])];
  const headers: Record<string, string> = { ...(credentials.headers ?? {}) };
  const token = credentials.token;
  if (canSendHeaders) {
    if (token !== undefined && !hasHeader(headers, 'authorization')) {
      headers.Authorization = `Bearer ${token}`;
    }
    if (beta && !hasHeader(headers, 'openai-beta') && !protocols.includes(BETA_SUBPROTOCOL)) {
      headers['OpenAI-Beta'] = 'realtime=v1';
    }
  } else {
    if (token !== undefined && !protocols.some((p) => p.startsWith(KEY_SUBPROTOCOL_PREFIX))) {
      if (!protocols.includes('realtime')) protocols.unshift('realtime');
      protocols.push(KEY_SUBPROTOCOL_PREFIX + token);
    }
    if (beta && !protocols.includes(BETA_SUBPROTOCOL)) protocols.push(BETA_SUBPROTOCOL);
  }
  return { url: credentials.url, protocols, headers };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

const utf8 = new TextDecoder();

function messageText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return utf8.decode(data);
  if (ArrayBuffer.isView(data)) return utf8.decode(data);
  return null;
}

async function loadNodeWebSocket(): Promise<WebSocketConstructor> {
  // A specifier held in a variable keeps bundlers from following (and shipping) `ws`.
  const specifier = 'ws';
  const module = (await import(/* @vite-ignore */ specifier)) as {
    default?: WebSocketConstructor;
    WebSocket?: WebSocketConstructor;
  };
  const constructor = module.WebSocket ?? module.default;
  if (!constructor) throw new Error('the `ws` package has no WebSocket export');
  return constructor;
}

/**
 * A {@link Transport} over WebSocket, for browsers (credentials as subprotocols) and Node (`ws`,
 * credentials as headers). Control frames are always sent; audio frames wait in a bounded queue
 * while the socket's send buffer is over `maxBufferedBytes`, and the oldest are dropped (and
 * counted in `stats.droppedAudioFrames`) when that queue is full, so nothing buffers without bound
 * on a slow uplink.
 *
 * @example
 * ```ts
 * const session = createVoiceSession({
 *   transport: createWebSocketTransport(),
 *   credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
 *   audio: createAudioPort(),
 * });
 * ```
 */
export function createWebSocketTransport(options: WebSocketTransportOptions = {}): Transport {
  const maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024;
  const maxQueuedAudioFrames = Math.max(1, options.maxQueuedAudioFrames ?? 25);
  const drainIntervalMs = options.drainIntervalMs ?? 20;
  const clock = options.clock ?? systemClock;
  const stats: TransportStats = { droppedAudioFrames: 0, sentFrames: 0 };

  let socket: WebSocketLike | null = null;
  // Bumped on every connect and close, so callbacks of an older socket are ignored.
  let generation = 0;
  let closingLocally = false;
  let queue: string[] = [];
  let drainTimer: TimerHandle = null;
  let handlers: TransportHandlers | null = null;
  // True while `ws` is being imported for a connect that has no socket yet.
  let loading = false;

  const stopDrain = (): void => {
    if (drainTimer !== null) clock.clearTimeout(drainTimer);
    drainTimer = null;
  };

  const transmit = (data: string): boolean => {
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(data);
    } catch (error) {
      handlers?.onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    stats.sentFrames += 1;
    return true;
  };

  const drain = (): void => {
    drainTimer = null;
    while (queue.length > 0 && socket && socket.bufferedAmount <= maxBufferedBytes) {
      const frame = queue.shift();
      if (frame !== undefined) transmit(frame);
    }
    if (queue.length > 0 && socket) drainTimer = clock.setTimeout(drain, drainIntervalMs);
  };

  const attach = (
    instance: WebSocketLike,
    myGeneration: number,
    target: TransportHandlers,
  ): void => {
    instance.binaryType = 'arraybuffer';
    instance.onopen = () => {
      if (myGeneration === generation) target.onOpen();
    };
    instance.onmessage = (event) => {
      if (myGeneration !== generation) return;
      const text = messageText(event.data);
      if (text !== null) target.onMessage(text);
    };
    instance.onerror = (event) => {
      if (myGeneration !== generation) return;
      const message =
        typeof event === 'object' && event !== null && 'message' in event
          ? String(event.message)
          : 'WebSocket error';
      target.onError(new Error(message));
    };
    instance.onclose = (event) => {
      if (myGeneration !== generation) return;
      generation += 1;
      socket = null;
      queue = [];
      stopDrain();
      const initiatedLocally = closingLocally;
      closingLocally = false;
      target.onClose({ code: event.code, reason: event.reason, initiatedLocally });
    };
  };

  const fail = (myGeneration: number, target: TransportHandlers, error: unknown): void => {
    if (myGeneration !== generation) return;
    generation += 1;
    socket = null;
    const initiatedLocally = closingLocally;
    closingLocally = false;
    target.onError(error instanceof Error ? error : new Error(String(error)));
    target.onClose({ code: 1006, reason: 'could not open the socket', initiatedLocally });
  };

  return {
    stats,

    connect(credentials, nextHandlers) {
      if (socket) {
        // A stale socket must not report into the new connection.
        const stale = socket;
        generation += 1;
        socket = null;
        try {
          stale.close(1000, 'replaced');
        } catch {
          // Already closing.
        }
      }
      generation += 1;
      closingLocally = false;
      queue = [];
      stopDrain();
      handlers = nextHandlers;
      const myGeneration = generation;
      const globalWebSocket = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      const needsHeaders =
        Object.keys(credentials.headers ?? {}).length > 0 ||
        (credentials.token !== undefined &&
          (credentials.protocols ?? []).length === 0 &&
          !globalWebSocket);

      const open = (constructor: WebSocketConstructor, canSendHeaders: boolean): void => {
        if (myGeneration !== generation) return;
        const handshake = webSocketHandshake(credentials, canSendHeaders);
        let instance: WebSocketLike;
        try {
          instance = canSendHeaders
            ? new constructor(handshake.url, handshake.protocols, { headers: handshake.headers })
            : new constructor(handshake.url, handshake.protocols);
        } catch (error) {
          fail(myGeneration, nextHandlers, error);
          return;
        }
        socket = instance;
        attach(instance, myGeneration, nextHandlers);
      };

      if (options.WebSocket) {
        // A constructor that is not the browser's is taken to be `ws`-compatible.
        open(options.WebSocket, options.WebSocket !== globalWebSocket);
      } else if (globalWebSocket && !needsHeaders) {
        open(globalWebSocket, false);
      } else {
        loading = true;
        loadNodeWebSocket().then(
          (constructor) => {
            loading = false;
            open(constructor, true);
          },
          (error: unknown) => {
            loading = false;
            fail(
              myGeneration,
              nextHandlers,
              new Error('No WebSocket available: install the `ws` package to connect from Node', {
                cause: error,
              }),
            );
          },
        );
      }
    },

    send(data, kind) {
      if (!socket || socket.readyState !== OPEN) return false;
      if (kind === 'control') {
        // Held audio goes first so that a commit never overtakes the audio it commits.
        stopDrain();
        const held = queue;
        queue = [];
        for (const frame of held) transmit(frame);
        return transmit(data);
      }
      if (queue.length === 0 && socket.bufferedAmount <= maxBufferedBytes) return transmit(data);
      queue.push(data);
      if (queue.length > maxQueuedAudioFrames) {
        queue.shift();
        stats.droppedAudioFrames += 1;
      }
      if (drainTimer === null) drainTimer = clock.setTimeout(drain, drainIntervalMs);
      return true;
    },

    close(code = 1000, reason = '') {
      stopDrain();
      queue = [];
      const current = socket;
      if (!current) {
        // Closing while `ws` is still loading: the pending open is abandoned.
        if (loading && handlers) {
          const target = handlers;
          loading = false;
          generation += 1;
          target.onClose({ code, reason, initiatedLocally: true });
        }
        return;
      }
      closingLocally = true;
      try {
        current.close(code, reason);
      } catch {
        // An invalid close code: close plainly instead.
        current.close();
      }
    },
  };
}
