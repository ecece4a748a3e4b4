import { bytesToInt16, decodeBase64 } from '../audio/index.js';
import { ParleyError, isParleyError } from '../errors.js';
import type { MachineEffect } from '../machine/effects.js';
import type { MachineEvent } from '../machine/events.js';
import { canSendAudio, wantsMicrophoneAudio } from '../machine/selectors.js';
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

/**
 * The session's audio, one concern apart from its commands and its loop: the audio port's life
 * (started with the machine's `audio_start`, or not at all while the transport carries the audio
 * as media), playback (queued, flushed) and the microphone uplink (held until the configuration
 * lands, drops reported).
 */
export class SessionAudio {
  /** Settles once the port released the microphone and speaker after `audio_stop`. */
  stopped: Promise<void> = Promise.resolve();
  private readonly held = new HeldAudio();
  /** Between the machine's `audio_start` and `audio_stop`. */
  private want = false;
  /** The audio port was started (and not stopped since). */
  private running = false;
  private droppedReported = 0;

  constructor(private readonly host: SessionAudioHost) {
    host.transport.media?.onLevels((levels) => host.listeners.emit('levels', levels));
    const audio = host.audio;
    if (!audio) return;
    const now = () => host.clock.now();
    audio.on('frame', (pcm16) => this.send(pcm16));
    audio.on('levels', (levels) => host.listeners.emit('levels', levels));
    audio.on('playbackStarted', (itemId) =>
      host.dispatch({ type: 'playback_started', itemId, at: now() }),
    );
    audio.on('playbackIdle', (position) =>
      host.dispatch({ type: 'playback_idle', position, at: now() }),
    );
    audio.on('error', (error) =>
      host.listeners.emit(
        'error',
        isParleyError(error) ? error : new ParleyError('audio', error.message, { cause: error }),
      ),
    );
  }

  /** One microphone frame: sent, held until the configuration lands, or dropped (not wanted). */
  send(pcm16: Int16Array): void {
    const state = this.host.state();
    if (pcm16.length === 0 || !wantsMicrophoneAudio(state)) return;
    // Audio waits for the configuration to land, so the first turn uses it (§8 of the reference);
    // what the microphone hears meanwhile is held, not lost: the visitor's first words count.
    if (!canSendAudio(state)) {
      this.held.hold(pcm16);
      return;
    }
    this.sendHeld();
    this.append(pcm16);
  }

  /** After each event: held audio goes once it can, and is dropped once it is not wanted. */
  afterEvent(): void {
    if (this.held.isEmpty) return;
    const state = this.host.state();
    if (!wantsMicrophoneAudio(state)) this.held.clear();
    else if (canSendAudio(state)) this.sendHeld();
  }

  private sendHeld(): void {
    for (const pcm16 of this.held.take()) this.append(pcm16);
  }

  private append(pcm16: Int16Array): void {
    this.host.sendFrame(pcm16);
    const dropped = this.host.transport.stats.droppedAudioFrames;
    if (dropped > this.droppedReported) {
      // Reported when drops start and then every 50 frames (one second of audio), not per frame.
      if (this.droppedReported === 0 || dropped - this.droppedReported >= 50) {
        this.host.listeners.emit('warning', {
          code: 'audio_dropped',
          message: `${dropped} microphone frames dropped: the connection is too slow for the audio`,
        });
        this.droppedReported = dropped;
      }
    }
  }

  run(effect: AudioEffect): void {
    const { audio, transport, listeners } = this.host;
    switch (effect.type) {
      case 'audio_start':
        this.want = true;
        // A transport that carries the audio as media (WebRTC) needs no audio port; one that
        // may fall back to WebSocket says which once it opens (see follow).
        if ((transport.media?.mode ?? 'events') === 'events') this.start();
        break;
      case 'audio_stop':
        this.want = false;
        this.running = false;
        if (audio) this.stopped = audio.stop().catch(this.host.internalError);
        break;
      case 'audio_mute':
        audio?.setInputMuted(effect.muted);
        transport.media?.setInputMuted(effect.muted);
        break;
      case 'audio_enqueue': {
        const pcm16 = bytesToInt16(decodeBase64(effect.audio));
        audio?.enqueue(effect.itemId, pcm16);
        if (listeners.has('audio')) listeners.emit('audio', { itemId: effect.itemId, pcm16 });
        break;
      }
      case 'audio_flush':
        this.flush();
        break;
    }
  }

  private flush(): void {
    const { audio, dispatch, clock } = this.host;
    const flushed = (position: PlaybackPosition | null) =>
      dispatch({ type: 'playback_flushed', position, at: clock.now() });
    if (!audio) {
      flushed(null);
      return;
    }
    audio.flush().then(flushed, (error: unknown) => {
      this.host.internalError(error);
      flushed(null);
    });
  }

  /**
   * The transport opened: with the audio as media the audio port is not needed (stopped if it
   * ran, after a fallback that ended), with audio as events it must run (started if it waited).
   */
  follow(media: boolean): void {
    const { audio, transport } = this.host;
    transport.media?.setInputMuted(this.host.state().snapshot.muted);
    if (!this.want || !audio) return;
    if (media && this.running) {
      this.running = false;
      audio.stop().catch(this.host.internalError);
    } else if (!media && !this.running) {
      this.start();
    }
  }

  private start(): void {
    const { audio, dispatch, clock } = this.host;
    if (!audio) return;
    this.running = true;
    audio.setInputMuted(this.host.state().snapshot.muted);
    audio.start().catch((error: unknown) => {
      const permission =
        (isParleyError(error) && error.reason === 'permission') ||
        (error instanceof Error &&
          (error.name === 'NotAllowedError' || error.name === 'SecurityError'));
      dispatch({
        type: 'audio_failed',
        message: error instanceof Error ? error.message : String(error),
        permission,
        at: clock.now(),
      });
    });
  }
}
