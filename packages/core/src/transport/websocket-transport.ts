import type { Clock, Credentials, Transport, TransportHandlers, TransportStats } from '../ports.js';
import { createSendQueue } from './websocket-send-queue.js';
import {
  listen,
  loadNodeWebSocket,
  type WebSocketConstructor,
  type WebSocketLike,
} from './websocket-socket.js';

export type { WebSocketConstructor, WebSocketLike } from './websocket-socket.js';

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
  const stats: TransportStats = { droppedAudioFrames: 0, sentFrames: 0 };
  let socket: WebSocketLike | null = null;
  // Bumped on every connect and close, so callbacks of an older socket are ignored.
  let generation = 0;
  let closingLocally = false;
  let handlers: TransportHandlers | null = null;
  // True while `ws` is being imported for a connect that has no socket yet.
  let loading = false;
  const queue = createSendQueue(
    () => socket,
    options,
    stats,
    (error) => handlers?.onError(error),
  );

  /** Forgets the current socket; returns whether this side was closing it. */
  const retire = (): boolean => {
    generation += 1;
    socket = null;
    const initiatedLocally = closingLocally;
    closingLocally = false;
    return initiatedLocally;
  };

  const fail = (myGeneration: number, target: TransportHandlers, error: unknown): void => {
    if (myGeneration !== generation) return;
    const initiatedLocally = retire();
    target.onError(error instanceof Error ? error : new Error(String(error)));
    target.onClose({ code: 1006, reason: 'could not open the socket', initiatedLocally });
  };

  const open = (
    credentials: Credentials,
    target: TransportHandlers,
    myGeneration: number,
    constructor: WebSocketConstructor,
    canSendHeaders: boolean,
  ): void => {
    if (myGeneration !== generation) return;
    const instance = openSocket(credentials, constructor, canSendHeaders);
    if (instance instanceof Error) {
      fail(myGeneration, target, instance);
      return;
    }
    socket = instance;
    const isCurrent = () => myGeneration === generation;
    listen(instance, isCurrent, target, () => {
      queue.clear();
      return retire();
    });
  };

  return {
    stats,

    connect(credentials, nextHandlers) {
      // A stale socket must not report into the new connection: retired before it is closed.
      const stale = socket;
      socket = null;
      generation += 1;
      if (stale) closeStale(stale);
      closingLocally = false;
      queue.clear();
      handlers = nextHandlers;
      const myGeneration = generation;
      const chosen = chooseWebSocket(options, credentials);
      if (chosen !== null) {
        open(credentials, nextHandlers, myGeneration, chosen.constructor, chosen.canSendHeaders);
        return;
      }
      loading = true;
      loadNodeWebSocket().then(
        (constructor) => {
          loading = false;
          open(credentials, nextHandlers, myGeneration, constructor, true);
        },
        (error: unknown) => {
          loading = false;
          const message = 'No WebSocket available: install the `ws` package to connect from Node';
          fail(myGeneration, nextHandlers, new Error(message, { cause: error }));
        },
      );
    },

    send: (data, kind) => queue.send(data, kind),

    close(code = 1000, reason = '') {
      queue.clear();
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

/** Opens a socket with the handshake of `credentials` (a constructor that threw: its error). */
function openSocket(
  credentials: Credentials,
  constructor: WebSocketConstructor,
  canSendHeaders: boolean,
): WebSocketLike | Error {
  const handshake = webSocketHandshake(credentials, canSendHeaders);
  try {
    return canSendHeaders
      ? new constructor(handshake.url, handshake.protocols, { headers: handshake.headers })
      : new constructor(handshake.url, handshake.protocols);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Closes a socket a new connection replaces (its handlers no longer report). */
function closeStale(stale: WebSocketLike): void {
  try {
    stale.close(1000, 'replaced');
  } catch {
    // Already closing.
  }
}

/**
 * The WebSocket to open with, or null to import `ws`: the one in the options (taken to be
 * `ws`-compatible unless it is the browser's), else the global one unless the credentials need
 * headers a browser cannot send.
 */
function chooseWebSocket(
  options: WebSocketTransportOptions,
  credentials: Credentials,
): { constructor: WebSocketConstructor; canSendHeaders: boolean } | null {
  const globalWebSocket = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (options.WebSocket) {
    return {
      constructor: options.WebSocket,
      canSendHeaders: options.WebSocket !== globalWebSocket,
    };
  }
  const needsHeaders =
    Object.keys(credentials.headers ?? {}).length > 0 ||
    (credentials.token !== undefined &&
      (credentials.protocols ?? []).length === 0 &&
      !globalWebSocket);
  return globalWebSocket && !needsHeaders
    ? { constructor: globalWebSocket, canSendHeaders: false }
    : null;
}
