// The WebRTC transport's vocabulary: its options, why an attempt fails, and the state of one
// connection attempt, shared by the transport (./webrtc-transport.ts) and its negotiation
// (./webrtc-negotiate.ts).
import type { Clock, TimerHandle, TransportHandlers } from '../ports.js';

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

/**
 * Parley's client event for typed text on a call whose channel may not carry it (GPT-Live):
 * `{ type, text }`. The transport posts it with the endpoint's `text` instead of sending it.
 */
export const CALL_TEXT_EVENT = 'parley.text';

/** Thrown inside an attempt: a failure with its reason for the snapshot and a readable message. */
export class AttemptFailure extends Error {
  constructor(
    readonly failure: WebRtcFailure,
    message: string,
  ) {
    super(message);
  }
}

/** The state of one connection attempt; a new one replaces it on every connect. */
export interface Attempt {
  readonly handlers: TransportHandlers;
  peer: RTCPeerConnection | null;
  channel: RTCDataChannel | null;
  microphone: MediaStream | null;
  sink: AudioSink | null;
  timer: TimerHandle;
  open: boolean;
  ended: boolean;
  /** Ends the call at the server once it was answered (the endpoint's `hangup`); cleared when used. */
  hangup: (() => void) | null;
  /** Posts typed text for the answered call (the endpoint's `text`); null until it is answered. */
  text: ((text: string) => Promise<Response>) | null;
}
