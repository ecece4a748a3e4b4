import { bytesToInt16, decodeBase64 } from '../audio/index.js';
import { ParleyError, isParleyError } from '../errors.js';
import type { MachineEffect } from '../machine/effects.js';
import type { MachineEvent } from '../machine/events.js';
import { canSendAudio, usesAdapter, wantsMicrophoneAudio } from '../machine/selectors.js';
import type { MachineState } from '../machine/state.js';
import type { AudioPort, Clock, PlaybackPosition, Transport } from '../ports.js';
import { HeldAudio } from './held-audio.js';
import type { SessionListeners } from './listeners.js';

/** The audio effects of the machine. */
export type AudioEffect = Extract<
  MachineEffect,
  { type: 'audio_start' | 'audio_stop' | 'audio_mute' | 'audio_enqueue' | 'audio_flush' }
>;

/** What the session's audio reads of the session. */
export interface SessionAudioHost {
  readonly transport: Transport;
  readonly audio: AudioPort | undefined;
  readonly clock: Clock;
  readonly listeners: SessionListeners;
  readonly internalError: (error: unknown) => void;
  readonly state: () => MachineState;
  readonly dispatch: (event: MachineEvent) => void;
  /** Sends one microphone frame upstream (the connection encodes it). */
  readonly sendFrame: (pcm16: Int16Array) => void;
}

/** The session's audio, as the session drives it (see {@link createSessionAudio}). */
export interface SessionAudio {
  /** Settles once the port released the microphone and speaker after `audio_stop`. */
  stopped: Promise<void>;
  /** One microphone frame: sent, held until the configuration lands, or dropped (not wanted). */
  send(pcm16: Int16Array): void;
  /** After each event: held audio goes once it can, and is dropped once it is not wanted. */
  afterEvent(): void;
  /** Carries out one of the machine's audio effects. */
  run(effect: AudioEffect): void;
  /**
   * The transport opened: with the audio as media the audio port is not needed (stopped if it
   * ran, after a fallback that ended), with audio as events it must run (started if it waited).
   */
  follow(media: boolean): void;
}

/**
 * The session's audio, one concern apart from its commands and its loop: the audio port's life
 * (started with the machine's `audio_start`, or not at all while the transport carries the audio
 * as media), playback (queued, flushed) and the microphone uplink (held until the configuration
 * lands, drops reported).
 */
export function createSessionAudio(host: SessionAudioHost): SessionAudio {
  const { transport, audio, clock, listeners, internalError, state, dispatch } = host;
  const held = new HeldAudio();
  /** Between the machine's `audio_start` and `audio_stop`. */
  let want = false;
  /** The audio port was started (and not stopped since). */
  let running = false;
  let droppedReported = 0;

  const append = (pcm16: Int16Array): void => {
    host.sendFrame(pcm16);
    const dropped = transport.stats.droppedAudioFrames;
    // Reported when drops start and then every 50 frames (one second of audio), not per frame.
    if (dropped > droppedReported && (droppedReported === 0 || dropped - droppedReported >= 50)) {
      listeners.emit('warning', {
        code: 'audio_dropped',
        message: `${dropped} microphone frames dropped: the connection is too slow for the audio`,
      });
      droppedReported = dropped;
    }
  };
  const sendHeld = (): void => {
    for (const pcm16 of held.take()) append(pcm16);
  };
  const flushed = (position: PlaybackPosition | null): void =>
    dispatch({ type: 'playback_flushed', position, at: clock.now() });
  // A family with an adapter (GPT-Live) keeps the port's microphone on when muted: its clock runs
  // on input audio, so silence is sent in place of the frames. A media track (WebRTC) is disabled,
  // which sends silence too: it follows the snapshot.
  const portMuted = (muted: boolean): boolean => muted && !usesAdapter(state());
  const start = (): void => {
    if (!audio) return;
    running = true;
    audio.setInputMuted(portMuted(state().snapshot.muted));
    audio.start().catch((error: unknown) => dispatch(audioFailed(error, clock.now())));
  };

  const self: SessionAudio = {
    stopped: Promise.resolve(),
    send(pcm16) {
      const current = state();
      if (pcm16.length === 0 || !wantsMicrophoneAudio(current)) return;
      // Audio waits for the configuration to land, so the first turn uses it (§8 of the
      // reference); what the microphone hears meanwhile is held, not lost.
      if (!canSendAudio(current)) {
        held.hold(pcm16);
        return;
      }
      sendHeld();
      append(pcm16);
    },
    afterEvent() {
      if (held.isEmpty) return;
      const current = state();
      if (!wantsMicrophoneAudio(current)) held.clear();
      else if (canSendAudio(current)) sendHeld();
    },
    run(effect) {
      switch (effect.type) {
        case 'audio_start':
          want = true;
          // A transport that carries the audio as media (WebRTC) needs no audio port; one that
          // may fall back to WebSocket says which once it opens (see follow).
          if ((transport.media?.mode ?? 'events') === 'events') start();
          break;
        case 'audio_stop':
          want = false;
          running = false;
          if (audio) self.stopped = audio.stop().catch(internalError);
          break;
        case 'audio_mute':
          audio?.setInputMuted(portMuted(effect.muted));
          transport.media?.setInputMuted(state().snapshot.muted);
          break;
        case 'audio_enqueue': {
          const pcm16 = bytesToInt16(decodeBase64(effect.audio));
          if (effect.continuous) audio?.enqueue(effect.itemId, pcm16, { continuous: true });
          else audio?.enqueue(effect.itemId, pcm16);
          if (listeners.has('audio')) listeners.emit('audio', { itemId: effect.itemId, pcm16 });
          break;
        }
        case 'audio_flush':
          if (!audio) flushed(null);
          else
            audio.flush().then(flushed, (error: unknown) => {
              internalError(error);
              flushed(null);
            });
          break;
      }
    },
    follow(media) {
      transport.media?.setInputMuted(state().snapshot.muted);
      if (!want || !audio) return;
      if (media && running) {
        running = false;
        audio.stop().catch(internalError);
      } else if (!media && !running) {
        start();
      }
    },
  };

  attachPort(host, (pcm16) => self.send(pcm16));
  return self;
}

/** Wires the audio port's (and a media transport's) events to the session. */
function attachPort(host: SessionAudioHost, send: (pcm16: Int16Array) => void): void {
  const { transport, audio, clock, listeners, dispatch } = host;
  transport.media?.onLevels((levels) => listeners.emit('levels', levels));
  if (!audio) return;
  audio.on('frame', send);
  audio.on('levels', (levels) => listeners.emit('levels', levels));
  audio.on('playbackStarted', (itemId) =>
    dispatch({ type: 'playback_started', itemId, at: clock.now() }),
  );
  audio.on('playbackIdle', (position) =>
    dispatch({ type: 'playback_idle', position, at: clock.now() }),
  );
  audio.on('error', (error) =>
    listeners.emit(
      'error',
      isParleyError(error) ? error : new ParleyError('audio', error.message, { cause: error }),
    ),
  );
}

/** The machine event for an audio port that failed to start (permission or device). */
function audioFailed(error: unknown, at: number): MachineEvent {
  const permission =
    (isParleyError(error) && error.reason === 'permission') ||
    (error instanceof Error &&
      (error.name === 'NotAllowedError' || error.name === 'SecurityError'));
  return {
    type: 'audio_failed',
    message: error instanceof Error ? error.message : String(error),
    permission,
    at,
  };
}
