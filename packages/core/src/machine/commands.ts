// What the session reports and asks outside the server's events: credentials ready, the audio
// port's playback and failures, and the app's mute and configuration commands. The reducer
// (reducer.ts) routes them here; what a protocol family handles itself goes to its handlers.
import { ParleyError } from '../errors.js';
import { REALTIME_CAPABILITIES, type SessionConfigPatch, type Tool } from '../protocol/index.js';
import {
  fail,
  mergeConfig,
  mergeTools,
  onTransportClosed,
  retry,
  sessionPayload,
} from './connection.js';
import type { PlaybackPosition } from '../ports.js';
import type { MachineEvent } from './events.js';
import { handlersOf } from './family.js';
import { markPlayed } from './responses.js';
import { touch } from './sequencing.js';
import type { Transition } from './transition.js';

/** The credentials arrived: the protocol, dialect and family of the connection are known. */
export function onCredentialsReady(
  t: Transition,
  event: Extract<MachineEvent, { type: 'credentials_ready' }>,
): void {
  t.state.dialect = event.dialect;
  t.state.serverRunsTools = event.serverRunsTools;
  t.state.managedSession = event.managedSession === true;
  t.state.protocol = event.protocol ?? (event.dialect === 'beta' ? 'realtime-beta' : 'realtime-ga');
  t.state.family = event.family ?? null;
  t.set(
    'capabilities',
    event.family?.capabilities ??
      REALTIME_CAPABILITIES[event.dialect === 'beta' ? 'realtime-beta' : 'realtime-ga'],
  );
  // The microphone must keep delivering frames on Live (muted means silence is sent).
  if (t.state.family !== null && t.snapshot.muted) {
    t.effect({ type: 'audio_mute', muted: false });
  }
  if (event.model !== null && t.snapshot.model === null) t.set('model', event.model);
}

/** A frame that could not be parsed: counted and reported, never a failure of the session. */
export function onProtocolError(t: Transition, message: string): void {
  t.diagnostics((d) => ({ malformedEvents: d.malformedEvents + 1 }));
  t.effect({ type: 'warning', code: 'malformed_event', message });
}

/** The transport closed; a protocol family may say what its close code means first. */
export function onClosed(
  t: Transition,
  event: Extract<MachineEvent, { type: 'transport_closed' }>,
): void {
  const family = handlersOf(t.state);
  onTransportClosed(t, family ? { ...event, code: family.closeCode(t, event.code) } : event);
}

/** The credentials provider failed: retried like a failed connection, unless nobody waits. */
export function onCredentialsFailed(t: Transition, message: string, random: number): void {
  if (t.state.link === 'opening' && t.state.wantConnected) {
    t.state.link = 'none';
    retry(t, 'auth', `Could not get credentials: ${message}`, random);
  }
}

/** The socket (or peer connection) is open; which transport it is shows once connected. */
export function onTransportOpen(
  t: Transition,
  event: Extract<MachineEvent, { type: 'transport_open' }>,
): void {
  if (t.state.link !== 'opening') return;
  t.state.link = 'open';
  t.state.mediaAudio = event.media === true;
  t.state.openTransport = {
    transport: event.transport ?? 'websocket',
    fallbackReason: event.fallbackReason ?? null,
  };
  handlersOf(t.state)?.onTransportOpen(t);
}

/** An item's audio started playing: its response was heard. */
export function onPlaybackStarted(t: Transition, itemId: string): void {
  const record = t.record(itemId);
  markPlayed(t, record?.view.responseId ?? null);
  touch(t);
}

/** Playback went idle: the item that was playing is over once all its audio was played. */
export function onPlaybackIdle(t: Transition, position: PlaybackPosition): void {
  const { itemId, playedSamples } = position;
  t.state.lastIdle = { itemId, playedSamples };
  const record = t.record(itemId);
  if (
    t.state.playback?.itemId === itemId &&
    record !== undefined &&
    record.audioDone &&
    playedSamples >= record.audioSamples
  ) {
    t.state.playback = null;
  }
  touch(t);
}

/** The audio port could not start. */
export function onAudioFailed(t: Transition, message: string, permission: boolean): void {
  if (permission) {
    // A refused microphone does not end the conversation: the visitor can still type, and the
    // audio port keeps the speaker running, so the replies are heard. The error stays on the
    // snapshot (status unchanged) so the UI can say why speaking does nothing.
    const error = new ParleyError('permission', message);
    t.set('error', error);
    t.effect({ type: 'error', error });
  } else {
    fail(t, new ParleyError('audio', message));
  }
}

export function onMute(t: Transition, muted: boolean): void {
  if (t.state.family !== null) {
    // The microphone keeps delivering frames (the session sends silence in their place):
    // Live's clock runs on input audio, and a stopped stream freezes the session.
    handlersOf(t.state)?.onMute(t, muted);
  } else if (t.snapshot.muted !== muted) {
    t.set('muted', muted);
    t.effect({ type: 'audio_mute', muted });
  }
}

/** `updateSession(patch)`: kept for reconnects, and sent unless the server manages the session. */
export function onUpdateSession(t: Transition, patch: SessionConfigPatch): void {
  t.state.desiredSession = mergeConfig(t.state.desiredSession, patch);
  if (t.online && t.state.managedSession) {
    t.effect({
      type: 'warning',
      code: 'session_managed',
      message: 'The server configures this session; the update was not sent',
    });
  } else if (t.online) {
    t.state.awaitingUpdate = t.command({
      kind: 'update_session',
      config: sessionPayload(patch, null),
    });
  }
}

/** The counters only the session sees, posted when they changed (the snapshot's one writer). */
export function onSessionCounters(
  t: Transition,
  listenerErrors: number,
  droppedAudioFrames: number,
): void {
  const current = t.snapshot.diagnostics;
  if (
    current.listenerErrors !== listenerErrors ||
    current.droppedAudioFrames !== droppedAudioFrames
  ) {
    t.diagnostics(() => ({ listenerErrors, droppedAudioFrames }));
  }
}

/** A tool was registered or removed. */
export function onToolsChanged(t: Transition, tools: readonly Tool[]): void {
  t.state.clientTools = tools;
  // A family whose config is fixed at start (GPT-Live carries tools in its delegation config)
  // has nothing to send.
  if (t.online && !t.state.managedSession && t.snapshot.capabilities?.updateSession !== false) {
    t.state.awaitingUpdate = t.command({
      kind: 'update_session',
      config: sessionPayload({}, mergeTools(t.state.desiredSession.tools, tools) ?? []),
    });
  }
}
