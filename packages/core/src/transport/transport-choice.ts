// Picks the transport of a session: WebSocket, WebRTC, or WebRTC with a fallback to WebSocket.
// Only this small selector loads up front; the WebRTC transport is its own chunk, imported on the
// first WebRTC connect.
import type {
  AudioLevels,
  Credentials,
  Transport,
  TransportHandlers,
  TransportMedia,
  TransportStats,
} from '../ports.js';
import type * as WebRtcModule from './webrtc-transport.js';
import type { WebRtcTransportOptions } from './webrtc-transport.js';
import { createWebSocketTransport, type WebSocketTransportOptions } from './websocket-transport.js';

/**
 * Which transport a session uses: `'websocket'` (audio as events through the relay), `'webrtc'`
 * (audio as media; the server creates the call upstream) or `'auto'`: WebRTC where the browser
 * and the server offer it, else WebSocket, with the reason in the snapshot.
 */
export type TransportChoice = 'webrtc' | 'websocket' | 'auto';

/** Options of {@link createTransport}. */
export interface TransportChoiceOptions {
  readonly webSocket?: WebSocketTransportOptions;
  readonly webrtc?: WebRtcTransportOptions;
  /** Loads the WebRTC transport; default a dynamic import of its own chunk. */
  readonly loadWebRtc?: () => Promise<typeof WebRtcModule>;
}

/** Close code of a WebRTC attempt that failed before it opened (see `webrtc-transport.ts`). */
const WEBRTC_FAILED_CLOSE = 4900;
/** Close code the server's `relay_required` refusal comes with. */
const RELAY_REQUIRED_CLOSE = 4004;

/**
 * Refusals depend on the server and the agent, so they are asked again next time; a browser or
 * network that cannot do WebRTC will not be able to on a reconnect either.
 */
const REFUSALS: ReadonlySet<string> = new Set([
  'relay_required',
  'offer_refused',
  'webrtc_not_offered',
]);

function browserHasWebRtc(options: TransportChoiceOptions): boolean {
  return (
    options.webrtc?.RTCPeerConnection !== undefined ||
    typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function'
  );
}

/**
 * A transport for `choice`. With `'auto'`, each connect tries WebRTC first and, when that fails
 * before it opens (no `RTCPeerConnection`, no WebRTC endpoint in the credentials, the server
 * requires the relay, ICE or DTLS failure, a connect timeout), connects the same credentials over
 * WebSocket and says why in `onOpen` (`fallbackReason`). After a network failure the session stays
 * on WebSocket (the network will not change between reconnects); a refusal is asked again.
 *
 * @example
 * ```ts
 * const session = createVoiceSession({
 *   credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
 *   transport: createTransport('auto', { webrtc: { sinkId: 'speakers' } }),
 *   audio: createAudioPort(),
 * });
 * ```
 */
export function createTransport(
  choice: TransportChoice,
  options: TransportChoiceOptions = {},
): Transport {
  if (choice === 'websocket') return createWebSocketTransport(options.webSocket);
  const load = options.loadWebRtc ?? (() => import('./webrtc-transport.js'));
  const webSocket = createWebSocketTransport(options.webSocket);
  const levelListeners = new Set<(levels: AudioLevels) => void>();
  let webrtc: Transport | null = null;
  let loading: Promise<Transport> | null = null;
  let active: Transport | null = null;
  let muted = false;
  /** Set once a network failure sent `'auto'` to WebSocket for good: the reason. */
  let stuckReason: string | null =
    choice === 'auto' && !browserHasWebRtc(options) ? 'webrtc_unsupported' : null;
  let generation = 0;
  const stats = sumStats(webSocket, () => webrtc);

  const loadWebRtc = (): Promise<Transport> => {
    loading ??= load().then((module) => {
      const transport = module.createWebRtcTransport(options.webrtc);
      transport.media?.setInputMuted(muted);
      for (const listener of levelListeners) transport.media?.onLevels(listener);
      webrtc = transport;
      return transport;
    });
    return loading;
  };

  const useWebSocket = (
    credentials: Credentials,
    handlers: TransportHandlers,
    reason: string,
  ): void => {
    active = webSocket;
    const myGeneration = generation;
    connectWebSocket(webSocket, credentials, handlers, reason, () => myGeneration === generation);
  };

  const media: TransportMedia = {
    get mode() {
      return stuckReason !== null ? 'events' : choice === 'webrtc' ? 'media' : 'either';
    },
    setInputMuted(value) {
      muted = value;
      webrtc?.media?.setInputMuted(value);
    },
    onLevels(listener) {
      levelListeners.add(listener);
      const stop = webrtc?.media?.onLevels(listener);
      return () => {
        levelListeners.delete(listener);
        stop?.();
      };
    },
  };

  return {
    stats,
    media,
    connect(credentials, handlers) {
      const myGeneration = ++generation;
      if (choice === 'auto' && stuckReason !== null) {
        useWebSocket(credentials, handlers, stuckReason);
        return;
      }
      const failed = (reason: string, error?: unknown): void => {
        if (myGeneration !== generation) return;
        if (choice === 'webrtc') {
          if (error !== undefined)
            handlers.onError(error instanceof Error ? error : new Error(reason));
          handlers.onClose({ code: WEBRTC_FAILED_CLOSE, reason, initiatedLocally: false });
          return;
        }
        if (!REFUSALS.has(reason)) stuckReason = reason;
        useWebSocket(credentials, handlers, reason);
      };
      if (choice === 'auto' && credentials.webrtc === undefined) {
        failed('webrtc_not_offered');
        return;
      }
      loadWebRtc().then(
        (transport) => {
          if (myGeneration !== generation) return;
          active = transport;
          transport.connect(credentials, watchWebRtc(handlers, choice, failed));
        },
        (error: unknown) => failed('webrtc_unsupported', error),
      );
    },
    send(data, kind) {
      return active?.send(data, kind) ?? false;
    },
    close(code, reason) {
      generation += 1;
      const transport = active;
      active = null;
      transport?.close(code, reason);
    },
  };
}

/**
 * Connects the WebSocket transport as the fallback, with the credentials' own fallback when they
 * have one; `isCurrent()` turns false once another connect or a close superseded this one.
 */
function connectWebSocket(
  webSocket: Transport,
  credentials: Credentials,
  handlers: TransportHandlers,
  reason: string,
  isCurrent: () => boolean,
): void {
  const connect = (resolved: Credentials): void => {
    if (!isCurrent()) return;
    webSocket.connect(resolved, {
      ...handlers,
      onOpen: () =>
        handlers.onOpen({ transport: 'websocket', media: false, fallbackReason: reason }),
    });
  };
  if (credentials.fallback === undefined) {
    connect(credentials);
    return;
  }
  credentials.fallback().then(connect, (error: unknown) => {
    if (!isCurrent()) return;
    handlers.onError(error instanceof Error ? error : new Error(reason));
    handlers.onClose({
      code: 4401,
      reason: 'fallback credentials failed',
      initiatedLocally: false,
    });
  });
}

/**
 * The handlers a WebRTC attempt reports to: the session's, except that with `'auto'` a failure
 * before the attempt opened goes to `failed` (the fallback) instead of closing the session.
 */
function watchWebRtc(
  handlers: TransportHandlers,
  choice: TransportChoice,
  failed: (reason: string) => void,
): TransportHandlers {
  let opened = false;
  return {
    onOpen: (info) => {
      opened = true;
      handlers.onOpen(info);
    },
    onMessage: (data) => handlers.onMessage(data),
    onError: (error) => {
      // Before opening, an error is the fallback's reason, reported with the close.
      if (opened || choice === 'webrtc') handlers.onError(error);
    },
    onClose: (info) => {
      const beforeOpen =
        !opened &&
        !info.initiatedLocally &&
        (info.code === WEBRTC_FAILED_CLOSE || info.code === RELAY_REQUIRED_CLOSE);
      if (beforeOpen && choice === 'auto') failed(info.reason);
      else handlers.onClose(info);
    },
  };
}

/** The counters of both transports, summed when read. */
function sumStats(webSocket: Transport, webrtc: () => Transport | null): TransportStats {
  return {
    get droppedAudioFrames() {
      return webSocket.stats.droppedAudioFrames + (webrtc()?.stats.droppedAudioFrames ?? 0);
    },
    get sentFrames() {
      return webSocket.stats.sentFrames + (webrtc()?.stats.sentFrames ?? 0);
    },
  };
}
