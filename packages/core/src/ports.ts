/**
 * The ports a {@link VoiceSession} runs its effects through. The session never builds its own
 * ports: a browser app passes the audio-worklets implementation and a WebSocket transport, a
 * test passes fakes. Keeping this file small keeps every implementation honest. It sits at the top
 * level of core, above the protocol (whose `Dialect` it names), so that the transport, the tools,
 * the machine and the session all read it without pointing up into `session/`.
 */
import type { Dialect } from './protocol/index.js';

/** Handle returned by {@link Clock.setTimeout}; opaque to callers. */
export type TimerHandle = unknown;

/** Time and timers. Inject a fake in tests; never read `Date.now()` elsewhere in core. */
export interface Clock {
  /** Milliseconds on a monotonic timeline (e.g. `performance.now()`). */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for timestamps shown to people and stored. */
  wallNow(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * What to connect with. Returned by a {@link CredentialsProvider} on every connect and every
 * reconnect, so short-lived tickets and client secrets are always fresh.
 */
export interface Credentials {
  /** `wss:`/`ws:` URL of the Realtime endpoint or of the Parley relay. */
  url: string;
  /** WebSocket subprotocols (browsers authenticate this way: `openai-insecure-api-key.<ek_…>`). */
  protocols?: string[];
  /** HTTP headers for the upgrade request (Node only; browsers cannot set them). */
  headers?: Record<string, string>;
  /** Bearer token (API key, `ek_` client secret or relay ticket) when the transport adds it itself. */
  token?: string;
  /** Protocol dialect spoken on this connection; `'ga'` when omitted. */
  dialect?: Dialect;
  /**
   * The API spoken on this connection: `'realtime'` (default; see `dialect`) or `'live'`
   * (GPT-Live: the session sends `session.start` first, unless `managedSession`).
   */
  protocol?: 'realtime' | 'live';
  /** Model name, when known before `session.created` (used for pricing). */
  model?: string;
  /**
   * True when the server at `url` (the Parley relay) runs the tools the client did not register,
   * so the session waits for their outputs instead of answering with an `unknown_tool` error.
   */
  serverRunsTools?: boolean;
  /**
   * True when the server at `url` configures the session itself and refuses `session.update` and
   * history items from the client (the Parley relay): the session then sends no configuration
   * and restores no history after a reconnect (the transcript shown stays intact).
   */
  managedSession?: boolean;
  /**
   * Where a WebRTC transport sends its SDP offer. Absent: this connection offers WebSocket only
   * (`url`), and an `'auto'` transport uses that.
   */
  webrtc?: WebRtcEndpoint;
  /**
   * The credentials an `'auto'` transport connects with when WebRTC fails, fetched only then (a
   * relay ticket is not spent on a call that went through). Absent: these credentials' `url`.
   */
  fallback?: () => Promise<Credentials>;
}

/** How a WebRTC transport exchanges SDP with the server that places the call. */
export interface WebRtcEndpoint {
  /** The URL the offer is POSTed to (the Parley server's `/api/calls`, or a `/v1/realtime/calls`). */
  url: string;
  headers?: Record<string, string>;
  /**
   * `'sdp'` (default): the offer is the `application/sdp` body and the answer is the reply's body.
   * `'json'`: `{ ...fields, sdp }` as JSON, the answer in the reply's `sdp` (the Parley server).
   */
  format?: 'sdp' | 'json';
  /** Fields sent beside the offer in the `'json'` format (e.g. `agentId`). */
  fields?: Record<string, unknown>;
  /**
   * Client events sent as soon as the data channel opens. The Parley server waits for an
   * `input_audio_buffer.clear`, its sign that the browser can hear, before the agent greets.
   */
  openEvents?: Record<string, unknown>[];
  /** Told the reply's JSON body in the `'json'` format (the Parley server's call id and token). */
  answered?: (answer: Record<string, unknown>) => void;
  /**
   * Ends the call at the server that placed it. The transport calls it once the call it
   * answered ends on this side: the session closed, the page was hidden (`pagehide`), or the
   * connection dropped or never opened. Best effort (`fetch` with `keepalive`): it must not throw.
   */
  hangup?: () => void;
  /**
   * Posts typed text for the answered call to the server that placed it (a GPT-Live call's data
   * channel may not carry it; the Parley server's `POST /api/calls/{callId}/text`). The transport
   * calls it and reports a refusal or a failure as an `error` event; it may throw or reject.
   */
  text?: (text: string) => Promise<Response>;
}

/**
 * Called on every connect and reconnect. `transport` is what the session's transport can connect
 * with right now: `'websocket'` (a `url`), `'webrtc'` (a `webrtc` endpoint) or `'auto'` (either:
 * WebRTC first, `fallback` or `url` if it fails). Absent when the caller is not a session.
 */
export type CredentialsProvider = (context: {
  attempt: number;
  transport?: 'websocket' | 'webrtc' | 'auto';
}) => Promise<Credentials>;

/** Why a transport closed. */
export interface TransportCloseInfo {
  code: number;
  reason: string;
  /** True when this side asked for the close. */
  initiatedLocally: boolean;
}

/** Which transport opened, and whether it carries the audio itself. */
export interface TransportOpenInfo {
  transport: 'websocket' | 'webrtc';
  /**
   * True when the audio travels as media beside the events (WebRTC): the transport sends the
   * microphone and plays the reply itself, so no audio events cross it.
   */
  media: boolean;
  /** Why this is not the transport asked for (an `'auto'` transport that fell back), else absent. */
  fallbackReason?: string;
}

/** Callbacks a transport reports to. */
export interface TransportHandlers {
  /** The transport is open (`info` absent: a WebSocket carrying audio as events). */
  onOpen(info?: TransportOpenInfo): void;
  /** One text frame: a JSON server event. */
  onMessage(data: string): void;
  onClose(info: TransportCloseInfo): void;
  onError(error: Error): void;
}

/** Counters a transport keeps about what it could not send. */
export interface TransportStats {
  /** Audio frames dropped (oldest first) because the socket's send buffer was over its bound. */
  droppedAudioFrames: number;
  /** Frames sent since the transport was created. */
  sentFrames: number;
}

/** A bidirectional channel carrying JSON text frames (WebSocket now; WebRTC data channel later). */
export interface Transport {
  connect(credentials: Credentials, handlers: TransportHandlers): void;
  /**
   * Sends one serialized client event. `kind: 'audio'` frames may be dropped under backpressure;
   * control frames never are. Returns false when the frame was dropped or the socket is not open.
   */
  send(data: string, kind: 'audio' | 'control'): boolean;
  close(code?: number, reason?: string): void;
  readonly stats: TransportStats;
  /** Present when the transport can carry the audio as media (WebRTC); see {@link TransportMedia}. */
  readonly media?: TransportMedia;
}

/**
 * The media side of a transport that can carry the audio itself (WebRTC). The session asks it
 * before starting its {@link AudioPort}: `'media'` (it never needs the port), `'either'` (it knows
 * once the transport opens: an `'auto'` transport that may fall back to WebSocket) or `'events'`.
 */
export interface TransportMedia {
  readonly mode: 'media' | 'either' | 'events';
  /** Mutes or unmutes the microphone track (it stays open, so unmuting is instant). */
  setInputMuted(muted: boolean): void;
  /** Input and output levels while media flows; returns a function that stops listening. */
  onLevels(listener: (levels: AudioLevels) => void): () => void;
}

/** Input and output levels, 0..1, for visualizers. */
export interface AudioLevels {
  input: { rms: number; peak: number };
  output: { rms: number; peak: number };
  /** Energy-based hint that the local user is speaking (UI only; turn-taking is the server's). */
  inputSpeaking: boolean;
}

/** How much of one assistant item has been played. */
export interface PlaybackPosition {
  itemId: string;
  /** 24 kHz samples of this item rendered to the output so far (underruns excluded). */
  playedSamples: number;
  /** `AudioContext.outputLatency` (or `baseLatency`) in ms where the browser reports it, else 0. */
  outputLatencyMs: number;
}

/** Events an {@link AudioPort} emits. */
export interface AudioPortEvents {
  /** One microphone frame: 24 kHz PCM16 mono (20 ms by default). */
  frame: (pcm16: Int16Array) => void;
  /** The first sample of an item was rendered (after pre-roll). */
  playbackStarted: (itemId: string) => void;
  /** Everything enqueued for an item so far has been rendered and nothing else is queued. */
  playbackIdle: (position: PlaybackPosition) => void;
  levels: (levels: AudioLevels) => void;
  error: (error: Error) => void;
}

/** How a chunk handed to {@link AudioPort.enqueue} is played. */
export interface EnqueueOptions {
  /**
   * The item is a track streamed at real time without end, silence included (GPT-Live's output:
   * 100 ms deltas, zero-filled between replies), not a reply sent as fast as it is made. Such a
   * track never drains, so whatever lag the player's queue once built up (its pre-roll, a late
   * chunk, a burst) would delay every later reply. The player may skip its exact silence (never
   * speech; skipped silence counts as played, so positions stay on the track's timeline) to keep
   * no more lag than its recent chunks' arrivals needed (`@parley/audio-worklets`: what the latest
   * of its last 32 chunks needed, plus 10 ms, which is also all it waits after a flush).
   */
  continuous?: boolean;
}

/**
 * Microphone capture and speaker playback, implemented by `@parley/audio-worklets`
 * (`createAudioPort()`); a fake in tests. All audio crossing this port is 24 kHz PCM16 mono.
 */
export interface AudioPort {
  /** Opens the microphone and output. Rejects with a typed error (permission, not found, in use). */
  start(): Promise<void>;
  /** Releases the microphone and output. */
  stop(): Promise<void>;
  /** Stops delivering `frame` events (the track stays open so unmuting is instant). */
  setInputMuted(muted: boolean): void;
  /** Queues assistant audio of one item for playback. */
  enqueue(itemId: string, pcm16: Int16Array, options?: EnqueueOptions): void;
  /**
   * Silences output within one render quantum and drops everything queued. Resolves with the
   * position of the item that was playing (null when nothing was), measured at the moment of silence.
   */
  flush(): Promise<PlaybackPosition | null>;
  /** The latest known position of an item (null when the item was never played). */
  position(itemId: string): PlaybackPosition | null;
  on<K extends keyof AudioPortEvents>(event: K, listener: AudioPortEvents[K]): () => void;
}
