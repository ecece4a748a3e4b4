// The browser's WebRTC transport: one RTCPeerConnection carrying the microphone track, the reply
// as a remote track played through an <audio> element (so the browser's echo canceller hears it),
// and the `oai-events` data channel carrying the same JSON events as the WebSocket. Loaded lazily
// (see transport-choice.ts), so pages that never use WebRTC do not download it.
import type {
  AudioLevels,
  Clock,
  Credentials,
  TimerHandle,
  Transport,
  TransportHandlers,
  TransportMedia,
  TransportStats,
  WebRtcEndpoint,
} from '../ports.js';
import { systemClock } from '../system-clock.js';
import { createMediaLevels, type MediaLevels } from './media-levels.js';

/** Why a WebRTC connection could not be made (the snapshot's `transportFallbackReason`). */
export type WebRtcFailure =
  /** The browser has no `RTCPeerConnection` (or it was refused). */
  | 'webrtc_unsupported'
  /** The credentials carry no SDP endpoint: the server offers WebSocket only. */
  | 'webrtc_not_offered'
  /** The agent requires the relay (the server refused the offer with `relay_required`). */
  | 'relay_required'
  /** The server refused the offer for another reason (HTTP status in the message). */
  | 'offer_refused'
  /** The microphone could not be opened for the track. */
  | 'microphone_unavailable'
  /** ICE or DTLS failed (UDP blocked, no route, consent lost). */
  | 'ice_failed'
  /** The data channel did not open within `connectTimeoutMs`. */
  | 'connect_timeout';

/** Close code a WebRTC failure before opening is reported with (1006 once it was open). */
export const WEBRTC_FAILED_CLOSE = 4900;
/** Close code when the server refuses WebRTC for this agent: ends the session when WebRTC is forced. */
export const RELAY_REQUIRED_CLOSE = 4004;

/** The part of `navigator.mediaDevices.getUserMedia` the transport uses. */
export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

/** A minimal `<audio>` element: where the remote track plays. */
export interface AudioSink {
  srcObject: MediaProvider | null;
  autoplay: boolean;
  play(): Promise<void>;
  pause(): void;
  setSinkId?: (sinkId: string) => Promise<void>;
}

/** Options of {@link createWebRtcTransport}. */
export interface WebRtcTransportOptions {
  /** The peer connection constructor; default the browser's `RTCPeerConnection`. */
  readonly RTCPeerConnection?: new (configuration?: RTCConfiguration) => RTCPeerConnection;
  /** Opens the microphone; default `navigator.mediaDevices.getUserMedia`. */
  readonly getUserMedia?: GetUserMedia;
  /** `fetch` for the SDP exchange; default the global one. */
  readonly fetch?: typeof fetch;
  /** ICE servers and policy (e.g. `iceTransportPolicy: 'relay'` with a TURN server). */
  readonly rtcConfiguration?: RTCConfiguration;
  /** Microphone constraints, over echo cancellation, noise suppression and gain control (all on). */
  readonly microphone?: MediaTrackConstraints;
  /** Output device for the reply (`HTMLMediaElement.setSinkId`). */
  readonly sinkId?: string;
  /** Where the reply plays; default a new `<audio>` element. */
  readonly createAudioSink?: () => AudioSink;
  /** How long ICE, DTLS and the data channel may take before the attempt fails; default 10 000 ms. */
  readonly connectTimeoutMs?: number;
  /** Longest wait for ICE gathering before the offer goes anyway; default 1000 ms. */
  readonly iceGatheringTimeoutMs?: number;
  /** Label of the event channel; default `oai-events`. */
  readonly channelLabel?: string;
  /** Timers (connect timeout, level polling); default the system clock. */
  readonly clock?: Clock;
}

/** Thrown inside an attempt: a failure with its reason for the snapshot and a readable message. */
class AttemptFailure extends Error {
  constructor(
    readonly failure: WebRtcFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The state of one connection attempt; a new one replaces it on every connect. */
interface Attempt {
  readonly handlers: TransportHandlers;
  peer: RTCPeerConnection | null;
  channel: RTCDataChannel | null;
  microphone: MediaStream | null;
  sink: AudioSink | null;
  timer: TimerHandle;
  open: boolean;
  ended: boolean;
}

function defaultAudioSink(): AudioSink {
  const element = document.createElement('audio');
  element.autoplay = true;
  element.setAttribute('playsinline', '');
  return element;
}

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
    attempt.ended = true;
    if (attempt.timer !== null) clock.clearTimeout(attempt.timer);
    attempt.timer = null;
    if (current === attempt) {
      meter?.stop();
      meter = null;
    }
    try {
      attempt.channel?.close();
    } catch {
      // Already closed.
    }
    try {
      attempt.peer?.close();
    } catch {
      // Already closed.
    }
    for (const track of attempt.microphone?.getTracks() ?? []) track.stop();
    if (attempt.sink) {
      attempt.sink.pause();
      attempt.sink.srcObject = null;
    }
  };

  /** Ends the attempt and reports why: a failure before it opened, a drop after. */
  const end = (attempt: Attempt, failure: WebRtcFailure | null, message: string): void => {
    if (attempt.ended) return;
    const wasOpen = attempt.open;
    release(attempt);
    if (current === attempt) current = null;
    attempt.handlers.onError(new Error(message));
    const code = wasOpen
      ? 1006
      : failure === 'relay_required'
        ? RELAY_REQUIRED_CLOSE
        : WEBRTC_FAILED_CLOSE;
    attempt.handlers.onClose({
      code,
      reason: wasOpen ? 'webrtc connection lost' : (failure ?? 'ice_failed'),
      initiatedLocally: false,
    });
  };

  const wire = (
    attempt: Attempt,
    peer: RTCPeerConnection,
    channel: RTCDataChannel,
    openEvents: readonly Record<string, unknown>[],
  ): void => {
    peer.ontrack = (event) => {
      if (attempt.ended) return;
      const remote = event.streams[0] ?? new MediaStream([event.track]);
      const sink = attempt.sink ?? (options.createAudioSink ?? defaultAudioSink)();
      attempt.sink = sink;
      sink.autoplay = true;
      sink.srcObject = remote;
      if (options.sinkId !== undefined && sink.setSinkId) {
        sink.setSinkId(options.sinkId).catch((error: unknown) => {
          attempt.handlers.onError(new Error(`output device: ${String(error)}`));
        });
      }
      sink.play().catch((error: unknown) => {
        attempt.handlers.onError(new Error(`the reply could not play: ${String(error)}`));
      });
      if (current === attempt) startLevels(attempt, remote);
    };
    peer.onconnectionstatechange = () => {
      if (peer.connectionState === 'failed') {
        end(attempt, 'ice_failed', 'WebRTC: ICE or DTLS failed');
      }
    };
    channel.onopen = () => {
      if (attempt.ended || attempt.open) return;
      attempt.open = true;
      if (attempt.timer !== null) clock.clearTimeout(attempt.timer);
      attempt.timer = null;
      for (const event of openEvents) channel.send(JSON.stringify(event));
      attempt.handlers.onOpen({ transport: 'webrtc', media: true });
    };
    channel.onmessage = (event: MessageEvent) => {
      if (attempt.ended) return;
      if (typeof event.data === 'string') attempt.handlers.onMessage(event.data);
    };
    channel.onclose = () => end(attempt, 'ice_failed', 'WebRTC: the event channel closed');
  };

  const negotiate = async (attempt: Attempt, credentials: Credentials): Promise<void> => {
    const endpoint = credentials.webrtc;
    if (endpoint === undefined) {
      throw new AttemptFailure('webrtc_not_offered', 'The server offered no WebRTC endpoint');
    }
    const Peer =
      options.RTCPeerConnection ??
      (globalThis as { RTCPeerConnection?: WebRtcTransportOptions['RTCPeerConnection'] })
        .RTCPeerConnection;
    if (Peer === undefined) {
      throw new AttemptFailure('webrtc_unsupported', 'This browser has no RTCPeerConnection');
    }
    const getUserMedia =
      options.getUserMedia ??
      (typeof navigator === 'object' && navigator.mediaDevices
        ? (constraints: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(constraints)
        : undefined);
    if (getUserMedia === undefined) {
      throw new AttemptFailure('microphone_unavailable', 'No getUserMedia in this context');
    }
    try {
      attempt.microphone = await getUserMedia({
        audio: {
          echoCancellation: true,
          noiseSuppression: true,
          autoGainControl: true,
          ...options.microphone,
        },
      });
    } catch (error) {
      throw new AttemptFailure('microphone_unavailable', `Microphone: ${String(error)}`);
    }
    if (attempt.ended) return;
    let peer: RTCPeerConnection;
    try {
      peer = new Peer(options.rtcConfiguration);
    } catch (error) {
      throw new AttemptFailure('webrtc_unsupported', `RTCPeerConnection: ${String(error)}`);
    }
    attempt.peer = peer;
    for (const track of attempt.microphone.getAudioTracks()) {
      track.enabled = !inputMuted;
      peer.addTrack(track, attempt.microphone);
    }
    const channel = peer.createDataChannel(options.channelLabel ?? 'oai-events');
    attempt.channel = channel;
    wire(attempt, peer, channel, endpoint.openEvents ?? []);
    await peer.setLocalDescription(await peer.createOffer());
    if (attempt.ended) return;
    // Nothing trickles candidates after the offer: it goes once gathering is done (or on time).
    await gathered(peer, clock, options.iceGatheringTimeoutMs ?? 1000);
    if (attempt.ended) return;
    const answer = await exchange(
      options.fetch ?? fetch,
      endpoint,
      peer.localDescription?.sdp ?? '',
    );
    if (attempt.ended) return;
    await peer.setRemoteDescription({ type: 'answer', sdp: answer });
  };

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
      const attempt: Attempt = {
        handlers,
        peer: null,
        channel: null,
        microphone: null,
        sink: null,
        timer: null,
        open: false,
        ended: false,
      };
      current = attempt;
      attempt.timer = clock.setTimeout(() => {
        attempt.timer = null;
        end(attempt, 'connect_timeout', `WebRTC did not connect within ${connectTimeoutMs} ms`);
      }, connectTimeoutMs);
      negotiate(attempt, credentials).catch((error: unknown) => {
        if (error instanceof AttemptFailure) end(attempt, error.failure, error.message);
        else end(attempt, 'ice_failed', `WebRTC: ${String(error)}`);
      });
    },

    send(data, kind) {
      const channel = current?.open ? current.channel : null;
      // The microphone travels as the media track: audio events have no place on the channel.
      if (kind === 'audio' || channel === null || channel.readyState !== 'open') return false;
      try {
        channel.send(data);
      } catch (error) {
        current?.handlers.onError(error instanceof Error ? error : new Error(String(error)));
        return false;
      }
      stats.sentFrames += 1;
      return true;
    },

    close(code = 1000, reason = '') {
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

/** Resolves once ICE gathering is complete, or after `timeoutMs`. */
function gathered(peer: RTCPeerConnection, clock: Clock, timeoutMs: number): Promise<void> {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = clock.setTimeout(done, timeoutMs);
    function done(): void {
      clock.clearTimeout(timer);
      peer.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check(): void {
      if (peer.iceGatheringState === 'complete') done();
    }
    peer.addEventListener('icegatheringstatechange', check);
  });
}

/** Posts the offer to the endpoint and returns the SDP answer, or throws why not. */
async function exchange(send: typeof fetch, endpoint: WebRtcEndpoint, offer: string) {
  const json = endpoint.format === 'json';
  const response = await send(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'application/sdp', ...endpoint.headers },
    body: json ? JSON.stringify({ ...endpoint.fields, sdp: offer }) : offer,
  });
  const body = await response.text();
  if (!response.ok) {
    const code = errorCode(body);
    throw new AttemptFailure(
      code === 'relay_required' ? 'relay_required' : 'offer_refused',
      `The server refused the WebRTC offer (HTTP ${response.status}${code ? `, ${code}` : ''})`,
    );
  }
  if (!json) return body;
  try {
    const sdp = (JSON.parse(body) as { sdp?: unknown }).sdp;
    if (typeof sdp === 'string' && sdp.length > 0) return sdp;
  } catch {
    // Reported below.
  }
  throw new AttemptFailure('offer_refused', 'The server answered the offer without an SDP answer');
}

/** The `error.code` (or `code`) of a JSON error body, if it has one. */
function errorCode(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; error?: { code?: unknown } | string };
    const code =
      typeof parsed.error === 'object' && parsed.error !== null ? parsed.error.code : parsed.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}
