// One WebRTC connection attempt on the wire: the microphone, the peer connection and its data
// channel, the handlers of their events, and the SDP offer/answer exchange with the endpoint.
import type {
  Clock,
  Credentials,
  TransportHandlers,
  TransportStats,
  WebRtcEndpoint,
} from '../ports.js';
import {
  AttemptFailure,
  type Attempt,
  type AudioSink,
  type WebRtcFailure,
  type WebRtcTransportOptions,
} from './webrtc-types.js';

/** What the attempt's event handlers report to the transport. */
export interface AttemptHooks {
  /** Ends the attempt (a failure before it opened, a drop after). */
  end(failure: WebRtcFailure, message: string): void;
  /** The remote track started playing through `attempt.sink`. */
  onRemote(remote: MediaStream): void;
}

function defaultAudioSink(): AudioSink {
  const element = document.createElement('audio');
  element.autoplay = true;
  element.setAttribute('playsinline', '');
  return element;
}

/**
 * Opens the microphone, the peer connection and its event channel, wires their events, and
 * exchanges the SDP offer and answer. Throws an {@link AttemptFailure} for what it can name; returns
 * early once the attempt ended (replaced or timed out).
 */
export async function negotiate(
  attempt: Attempt,
  credentials: Credentials,
  options: WebRtcTransportOptions,
  clock: Clock,
  inputMuted: boolean,
  hooks: AttemptHooks,
): Promise<void> {
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
  const microphone = await openMicrophone(options);
  attempt.microphone = microphone;
  if (attempt.ended) return;
  let peer: RTCPeerConnection;
  try {
    peer = new Peer(options.rtcConfiguration);
  } catch (error) {
    throw new AttemptFailure('webrtc_unsupported', `RTCPeerConnection: ${String(error)}`);
  }
  attempt.peer = peer;
  for (const track of microphone.getAudioTracks()) {
    track.enabled = !inputMuted;
    peer.addTrack(track, microphone);
  }
  const channel = peer.createDataChannel(options.channelLabel ?? 'oai-events');
  attempt.channel = channel;
  wire(attempt, peer, channel, endpoint.openEvents ?? [], options, clock, hooks);
  await peer.setLocalDescription(await peer.createOffer());
  if (attempt.ended) return;
  // Nothing trickles candidates after the offer: it goes once gathering is done (or on time).
  await gathered(peer, clock, options.iceGatheringTimeoutMs ?? 1000);
  if (attempt.ended) return;
  const answer = await exchange(options.fetch ?? fetch, endpoint, peer.localDescription?.sdp ?? '');
  // The server placed a call: from now on, ending the attempt hangs it up (at once if it ended
  // while the offer was out).
  attempt.hangup = endpoint.hangup ?? null;
  attempt.text = endpoint.text ?? null;
  if (attempt.ended) hangUp(attempt);
  if (attempt.ended) return;
  await peer.setRemoteDescription({ type: 'answer', sdp: answer });
}

/** The microphone with echo cancellation, noise suppression and gain control on. */
async function openMicrophone(options: WebRtcTransportOptions): Promise<MediaStream> {
  const getUserMedia =
    options.getUserMedia ??
    (typeof navigator === 'object' && navigator.mediaDevices
      ? (constraints: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(constraints)
      : undefined);
  if (getUserMedia === undefined) {
    throw new AttemptFailure('microphone_unavailable', 'No getUserMedia in this context');
  }
  try {
    return await getUserMedia({
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
}

/** The peer connection's and the channel's event handlers, for as long as the attempt lasts. */
function wire(
  attempt: Attempt,
  peer: RTCPeerConnection,
  channel: RTCDataChannel,
  openEvents: readonly Record<string, unknown>[],
  options: WebRtcTransportOptions,
  clock: Clock,
  hooks: AttemptHooks,
): void {
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
    hooks.onRemote(remote);
  };
  peer.onconnectionstatechange = () => {
    if (peer.connectionState === 'failed') hooks.end('ice_failed', 'WebRTC: ICE or DTLS failed');
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
  channel.onclose = () => hooks.end('ice_failed', 'WebRTC: the event channel closed');
}

/** A new attempt reporting to `handlers`. */
export function newAttempt(handlers: TransportHandlers): Attempt {
  return {
    handlers,
    peer: null,
    channel: null,
    microphone: null,
    sink: null,
    timer: null,
    open: false,
    ended: false,
    hangup: null,
    text: null,
  };
}

/** Sends one event on the open attempt's channel (audio travels as the media track instead). */
export function sendOnChannel(
  attempt: Attempt | null,
  data: string,
  kind: 'audio' | 'control',
  stats: TransportStats,
): boolean {
  const channel = attempt?.open ? attempt.channel : null;
  // The microphone travels as the media track: audio events have no place on the channel.
  if (kind === 'audio' || channel === null || channel.readyState !== 'open') return false;
  try {
    channel.send(data);
  } catch (error) {
    attempt?.handlers.onError(error instanceof Error ? error : new Error(String(error)));
    return false;
  }
  stats.sentFrames += 1;
  return true;
}

/** Tells the server the attempt's call ended (once). */
function hangUp(attempt: Attempt): void {
  const hangup = attempt.hangup;
  attempt.hangup = null;
  try {
    hangup?.();
  } catch {
    // Best effort: the server's own watch on the peer ends the call anyway.
  }
}

/**
 * Releases what the attempt holds (timer, channel, peer, microphone, sink), hangs its call up at
 * the server and marks it ended.
 */
export function releaseAttempt(attempt: Attempt, clock: Clock): void {
  attempt.ended = true;
  hangUp(attempt);
  if (attempt.timer !== null) clock.clearTimeout(attempt.timer);
  attempt.timer = null;
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
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  if (typeof parsed?.sdp !== 'string' || parsed.sdp.length === 0)
    throw new AttemptFailure('offer_refused', 'The server answered the offer without an SDP answer');
  endpoint.answered?.(parsed);
  return parsed.sdp;
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
