// Builds the pieces of one conversation: the audio port (microphone and speaker through the
// Parley worklets), the WebSocket transport and the session that talks to the Parley server.
// Building opens nothing; the session's `connect()` does, inside the Start click.
import {
  createVoiceSession,
  createWebSocketTransport,
  parleyServerCredentials,
} from '@parley/core';
import type { VoiceSession } from '@parley/core';
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
    credentials: parleyServerCredentials({ baseUrl: options.baseUrl, agentId: options.agentId }),
    transport: createWebSocketTransport(),
    audio,
  });
  return { session, audio };
}
