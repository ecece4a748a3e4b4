/**
 * Per-turn latency of a relayed GPT-Live conversation, stored like a Realtime turn's (`turns`:
 * end of the user's speech → the agent's first audio, and the time spent in tools). Live sends no
 * speech-stopped or response events and streams output audio continuously (silence included), so
 * the measure is read on the session timeline the transcript fragments carry: the user's speech
 * ends at the `end_ms` of their last input fragment, and the agent's audio starts at the
 * `start_ms` of the first output fragment after it. Between fragments the clock runs on wall
 * time from the last fragment (timeline and wall time advance together while audio streams), so
 * tool time and typed turns are measured on the same clock.
 */
import { performance } from 'node:perf_hooks';
import type { ConversationRecorder } from '../conversation-recorder.js';
import { TurnTracker } from '../turn-tracker.js';

/** The turns of one Live conversation (see the module comment). */
export class LiveTurnLatency {
  private readonly tracker: TurnTracker;
  private anchor: { timelineMs: number; wallMs: number } | null = null;
  private lastRole: 'user' | 'assistant' | null = null;

  constructor(
    private readonly recorder: ConversationRecorder,
    private readonly wall: () => number = () => performance.now(),
  ) {
    this.tracker = new TurnTracker(false, () => this.now());
  }

  /** The session timeline now: the last fragment's time plus the wall time since. */
  private now(): number {
    const wall = this.wall();
    return this.anchor === null ? wall : this.anchor.timelineMs + (wall - this.anchor.wallMs);
  }

  private at(timelineMs: number): void {
    this.anchor = { timelineMs, wallMs: this.wall() };
  }

  /** A transcript fragment: a user's moves the end of their turn, an agent's first one is its audio. */
  fragment(role: 'user' | 'assistant', startMs: number, endMs: number): void {
    if (role === 'user') {
      this.at(endMs);
      this.recorder.turn(this.tracker.userTurnEnded(true));
    } else {
      this.at(startMs);
      this.tracker.output('audio');
      if (this.lastRole !== 'assistant') this.tracker.responseDone();
    }
    this.lastRole = role;
  }

  /** The visitor typed a message: their turn ends now. */
  typed(): void {
    this.recorder.turn(this.tracker.userTurnEnded(true));
    this.lastRole = 'user';
  }

  toolStarted(callId: string): void {
    this.tracker.toolStarted(callId);
  }

  toolFinished(callId: string): void {
    this.tracker.toolFinished(callId);
  }

  /** The conversation ended: the open turn is stored if the agent answered it. */
  close(): void {
    this.recorder.turn(this.tracker.close());
  }
}
