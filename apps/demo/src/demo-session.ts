// Builds the pieces of one conversation: the audio port (microphone and speaker through the
// Parley worklets), the transport (WebRTC, or the WebSocket relay) and the session that talks to the Parley server.
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
   * `?transport=` in the page's URL: `auto` (default: WebRTC where the browser and the agent allow
   * it, else the WebSocket relay, and the page says why), `webrtc` or `websocket` (forces the
   * relay; the tests and the benchmark that read the audio port's microphone frames pin it).
   */
  transport?: TransportChoice;
  /** The agent's API (`GET /api/agents`): a WebRTC call to a GPT-Live agent speaks Live. */
  protocol?: 'realtime' | 'live';
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
  const session = createVoiceSession({
    // The credentials follow the transport (a relay grant once it is on WebSocket).
    credentials: parleyServerCredentials({
      baseUrl: options.baseUrl,
      agentId: options.agentId,
      ...(options.protocol ? { protocol: options.protocol } : {}),
    }),
    transport: createTransport(options.transport ?? 'auto', {
      webrtc: {
        ...(options.inputDeviceId ? { microphone: { deviceId: options.inputDeviceId } } : {}),
        ...(options.outputDeviceId ? { sinkId: options.outputDeviceId } : {}),
      },
    }),
    audio,
  });
  return { session, audio };
}
