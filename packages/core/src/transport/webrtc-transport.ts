// The browser's WebRTC transport: one RTCPeerConnection carrying the microphone track, the reply
// as a remote track played through an <audio> element (so the browser's echo canceller hears it),
// and the `oai-events` data channel carrying the same JSON events as the WebSocket. Loaded lazily
// (see transport-choice.ts), so pages that never use WebRTC do not download it.
import type {
  AudioLevels,
  Transport,
  TransportCloseInfo,
  TransportMedia,
  TransportStats,
} from '../ports.js';
import { systemClock } from '../system-clock.js';
import { createMediaLevels, type MediaLevels } from './media-levels.js';

import { isCallText, sendCallText } from './webrtc-call-text.js';
import { negotiate, newAttempt, releaseAttempt, sendOnChannel } from './webrtc-negotiate.js';
import {
  AttemptFailure,
  type Attempt,
  type WebRtcFailure,
  type WebRtcTransportOptions,
} from './webrtc-types.js';

export type {
  AudioSink,
  GetUserMedia,
  WebRtcFailure,
  WebRtcTransportOptions,
} from './webrtc-types.js';

/** Close code a WebRTC failure before opening is reported with (1006 once it was open). */
export const WEBRTC_FAILED_CLOSE = 4900;
/** Close code when the server refuses WebRTC for this agent: ends the session when WebRTC is forced. */
export const RELAY_REQUIRED_CLOSE = 4004;

/**
 * A {@link Transport} over WebRTC, as OpenAI recommends for browsers: the microphone goes as an
 * Opus track (echo cancellation, noise suppression and gain control on), the reply plays from the
 * remote track through an `<audio>` element, and the events travel on the `oai-events` data
 * channel. The offer goes to `credentials.webrtc.url` (the Parley server, which creates the call
 * upstream with the key: no key reaches the browser). A failure before the channel opens closes
 * with code {@link WEBRTC_FAILED_CLOSE} and a {@link WebRtcFailure} as the reason, which an
 * `'auto'` transport turns into a fallback to WebSocket; a drop after it opened closes with 1006,
 * and the session reconnects with a fresh offer.
 */
export function createWebRtcTransport(options: WebRtcTransportOptions = {}): Transport {
  const clock = options.clock ?? systemClock;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const stats: TransportStats = { droppedAudioFrames: 0, sentFrames: 0 };
  const levelListeners = new Set<(levels: AudioLevels) => void>();
  let current: Attempt | null = null;
  let inputMuted = false;
  let meter: MediaLevels | null = null;

  const startLevels = (attempt: Attempt, remote: MediaStream | null): void => {
    meter?.stop();
    meter = null;
    if (levelListeners.size === 0 || attempt.microphone === null) return;
    meter = createMediaLevels(attempt.microphone, remote, clock, (levels) => {
      for (const listener of [...levelListeners]) listener(levels);
    });
  };

  /** Releases everything the attempt holds; its callbacks are ignored from now on. */
  const release = (attempt: Attempt): void => {
    releaseAttempt(attempt, clock);
    if (current === attempt) {
      meter?.stop();
      meter = null;
    }
  };

  /** Ends the attempt and reports why: a failure before it opened, a drop after. */
  const end = (attempt: Attempt, failure: WebRtcFailure | null, message: string): void => {
    if (attempt.ended) return;
    const wasOpen = attempt.open;
    release(attempt);
    if (current === attempt) current = null;
    attempt.handlers.onError(new Error(message));
    attempt.handlers.onClose(dropInfo(wasOpen, failure));
  };

  /**
   * The page is going away: the call is hung up now (the server frees its slot at once) instead
   * of when the upstream notices the peer gone. A page kept in the back/forward cache may come
   * back; its session hears of a drop then, and reconnects.
   */
  const pageHide = watchPageHide((persisted) => {
    const attempt = current;
    if (!attempt) return;
    release(attempt);
    current = null;
    if (persisted)
      attempt.handlers.onClose({ code: 1001, reason: 'page hidden', initiatedLocally: false });
  });

  const media: TransportMedia = {
    mode: 'media',
    setInputMuted(muted) {
      inputMuted = muted;
      for (const track of current?.microphone?.getAudioTracks() ?? []) track.enabled = !muted;
    },
    onLevels(listener) {
      levelListeners.add(listener);
      if (meter === null && current?.open) {
        const remote = current.sink?.srcObject;
        startLevels(current, remote instanceof MediaStream ? remote : null);
      }
      return () => {
        levelListeners.delete(listener);
        if (levelListeners.size === 0) {
          meter?.stop();
          meter = null;
        }
      };
    },
  };

  return {
    stats,
    media,

    connect(credentials, handlers) {
      if (current) release(current);
      pageHide.start();
      const attempt = newAttempt(handlers);
      current = attempt;
      attempt.timer = clock.setTimeout(() => {
        attempt.timer = null;
        end(attempt, 'connect_timeout', `WebRTC did not connect within ${connectTimeoutMs} ms`);
      }, connectTimeoutMs);
      negotiate(attempt, credentials, options, clock, inputMuted, {
        end: (failure, message) => end(attempt, failure, message),
        onRemote: (remote) => {
          if (current === attempt) startLevels(attempt, remote);
        },
      }).catch((error: unknown) => {
        if (error instanceof AttemptFailure) end(attempt, error.failure, error.message);
        else end(attempt, 'ice_failed', `WebRTC: ${String(error)}`);
      });
    },

    // Typed text on a call whose channel may not carry it goes to the server that placed it.
    send: (data, kind) =>
      isCallText(data) ? sendCallText(current, data) : sendOnChannel(current, data, kind, stats),

    close(code = 1000, reason = '') {
      pageHide.stop();
      const attempt = current;
      if (!attempt) return;
      current = null;
      const wasEnded = attempt.ended;
      release(attempt);
      if (!wasEnded) {
        queueMicrotask(() => attempt.handlers.onClose({ code, reason, initiatedLocally: true }));
      }
    },
  };
}

/** How an attempt that ended on its own closes: a failure before it opened, a drop after. */
function dropInfo(wasOpen: boolean, failure: WebRtcFailure | null): TransportCloseInfo {
  if (wasOpen) return { code: 1006, reason: 'webrtc connection lost', initiatedLocally: false };
  return {
    code: failure === 'relay_required' ? RELAY_REQUIRED_CLOSE : WEBRTC_FAILED_CLOSE,
    reason: failure ?? 'ice_failed',
    initiatedLocally: false,
  };
}

/** Calls `hide` on the page's `pagehide` between `start()` and `stop()` (outside a page, never). */
function watchPageHide(hide: (persisted: boolean) => void): { start(): void; stop(): void } {
  const page =
    typeof window === 'object' && typeof window.addEventListener === 'function' ? window : null;
  const listener = (event: Event): void => hide((event as PageTransitionEvent).persisted === true);
  return {
    start: () => page?.addEventListener('pagehide', listener),
    stop: () => page?.removeEventListener('pagehide', listener),
  };
}
