import { EnergyVad, type VadEvent } from '../vad.js';

/** A user turn the energy VAD found, on the session timeline. */
export interface UserTurn {
  startMs: number;
  endMs: number;
}

/** Events of the user's speech, as the Live model's turn-taking sees them. */
export interface TurnListener {
  /** The user started speaking (the model stops if it was speaking: barge-in). */
  speechStarted(atMs: number): void;
  /** The user stopped and stayed silent long enough: the model answers. */
  turnEnded(turn: UserTurn): void;
}

/** How long the user must be silent before the model takes its turn. */
export const END_OF_TURN_SILENCE_MS = 500;

/**
 * Model-owned turn-taking from the emulator's energy VAD (threshold 0.5 ≈ −35 dBFS, 30 ms onset):
 * GPT-Live has no turn events on the wire, so this only drives what the model does (answer after
 * the user's silence, stop when the user speaks over it).
 */
export class LiveTurnDetector {
  private readonly vad: EnergyVad;
  private samples = 0;
  private speechStartMs = 0;

  constructor(
    private readonly sampleRate: number,
    private readonly listener: TurnListener,
  ) {
    this.vad = new EnergyVad(sampleRate, {
      threshold: 0.5,
      prefixPaddingMs: 0,
      silenceDurationMs: END_OF_TURN_SILENCE_MS,
    });
  }

  /** Feeds the model's input (silence while muted). */
  push(samples: Int16Array): void {
    const start = this.samples;
    this.samples += samples.length;
    for (const event of this.vad.push(samples, start, 0)) this.onEvent(event);
  }

  private toMs(sample: number): number {
    return Math.round((sample / this.sampleRate) * 1000);
  }

  private onEvent(event: VadEvent): void {
    if (event.type === 'speech_started') {
      this.speechStartMs = this.toMs(event.startSample);
      this.listener.speechStarted(this.toMs(event.detectedAtSample));
      return;
    }
    const endMs = this.toMs(event.endSample) - END_OF_TURN_SILENCE_MS;
    this.listener.turnEnded({
      startMs: this.speechStartMs,
      endMs: Math.max(endMs, this.speechStartMs),
    });
  }
}
