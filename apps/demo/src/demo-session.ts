// Builds the pieces of one conversation: the audio port (microphone and speaker through the
// Parley worklets), the WebSocket transport and the session that talks to the Parley server.
// Building opens nothing; the session's `connect()` does, inside the Start click.
import { createTransport, createVoiceSession, parleyServerCredentials } from '@parley/core';
import type { TransportChoice, VoiceSession } from '@parley/core';
import { createAudioPort } from '@parley/audio-worklets';
import type { ParleyAudioPort } from '@parley/audio-worklets';

/** One conversation with one agent. */
export interface DemoSession {
  session: VoiceSession;
  audio: ParleyAudioPort;
}

export interface DemoSessionOptions {
  /** Origin of the Parley server (the page's own origin when it serves the demo or proxies `/api`). */
  baseUrl: string;
  /** Agent id or slug. */
  agentId: string;
  /** Input device chosen before starting. */
  inputDeviceId?: string;
  /** Output device chosen before starting. */
  outputDeviceId?: string;
  /**
   * `?transport=` in the page's URL: `websocket` (default), `webrtc` or `auto`. WebSocket stays
   * the default while the demo's end-to-end test and latency benchmark read the microphone frames
   * of the audio port, which a WebRTC session does not use (the track goes to the peer connection).
   */
  transport?: TransportChoice;
}

/** The transport `?transport=` asks for, or undefined when it names none. */
export function transportFromUrl(search: string): TransportChoice | undefined {
  const value = new URLSearchParams(search).get('transport');
  return value === 'webrtc' || value === 'websocket' || value === 'auto' ? value : undefined;
}

export function createDemoSession(options: DemoSessionOptions): DemoSession {
  const audio = createAudioPort({
    microphone: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      ...(options.inputDeviceId ? { deviceId: options.inputDeviceId } : {}),
    },
    player: options.outputDeviceId ? { sinkId: options.outputDeviceId } : {},
  });
  const choice = options.transport ?? 'websocket';
  const session = createVoiceSession({
    credentials: parleyServerCredentials({
      baseUrl: options.baseUrl,
      agentId: options.agentId,
      transport: choice,
    }),
    transport: createTransport(choice, {
      webrtc: {
        ...(options.inputDeviceId ? { microphone: { deviceId: options.inputDeviceId } } : {}),
        ...(options.outputDeviceId ? { sinkId: options.outputDeviceId } : {}),
      },
    }),
    audio,
  });
  return { session, audio };
}
