/**
 * Measures user turns: from the end of the visitor's speech (or a typed message's request for
 * a reply) to the agent's first audio, and the time spent in tools until the next user turn.
 * A turn closes when the next one starts or the session ends, and only if the agent answered
 * in it (a turn whose speech was cut off before any reply just moves its start).
 */
import { performance } from 'node:perf_hooks';

/** One finished turn. */
export interface TurnMeasure {
  seq: number;
  /** Null when no agent audio (or text, for a text agent) came. */
  firstAudioMs: number | null;
  toolMs: number;
  toolCalls: number;
  responses: number;
}

interface OpenTurn {
  startAt: number;
  firstOutputAt: number | null;
  responses: number;
  toolMs: number;
  toolCalls: number;
  runningTools: Map<string, number>;
}

/** The turns of one conversation, on a monotonic clock (injected in tests). */
export class TurnTracker {
  private current: OpenTurn | null = null;
  private seq = 0;

  /**
   * @param textOutput the agent replies in text (so text deltas count as its first output).
   * @param clock milliseconds on a monotonic clock.
   */
  constructor(
    private readonly textOutput: boolean,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * The visitor's turn ended. Closes the previous turn when the agent answered it (returned, to
   * be stored); otherwise `restart` moves the open turn's start (speech stopped again) and a
   * repeated mark (the commit after speech stopped) keeps it.
   */
  userTurnEnded(restart: boolean): TurnMeasure | null {
    const current = this.current;
    if (current !== null && current.responses === 0 && current.firstOutputAt === null) {
      if (restart) current.startAt = this.clock();
      return null;
    }
    const closed = this.close();
    this.current = {
      startAt: this.clock(),
      firstOutputAt: null,
      responses: 0,
      toolMs: 0,
      toolCalls: 0,
      runningTools: new Map(),
    };
    return closed;
  }

  /** Output of the reply arrived: audio always counts, text only for a text agent. */
  output(kind: 'audio' | 'text'): void {
    const current = this.current;
    if (current === null || current.firstOutputAt !== null) return;
    if (kind === 'audio' || this.textOutput) current.firstOutputAt = this.clock();
  }

  /** A tool call started (the server runs it, or the browser was asked to). */
  toolStarted(callId: string): void {
    if (this.current === null) return;
    this.current.toolCalls += 1;
    this.current.runningTools.set(callId, this.clock());
  }

  /** A tool call's output is in. */
  toolFinished(callId: string): void {
    const started = this.current?.runningTools.get(callId);
    if (this.current === null || started === undefined) return;
    this.current.runningTools.delete(callId);
    this.current.toolMs += Math.max(0, this.clock() - started);
  }

  /** A response of the turn is done. */
  responseDone(): void {
    if (this.current !== null) this.current.responses += 1;
  }

  /** Closes the open turn (the session ends): its measure if the agent answered in it. */
  close(): TurnMeasure | null {
    const current = this.current;
    this.current = null;
    if (current === null || (current.responses === 0 && current.firstOutputAt === null))
      return null;
    this.seq += 1;
    return {
      seq: this.seq,
      firstAudioMs:
        current.firstOutputAt === null
          ? null
          : Math.max(0, Math.round(current.firstOutputAt - current.startAt)),
      toolMs: Math.round(current.toolMs),
      toolCalls: current.toolCalls,
      responses: current.responses,
    };
  }
}
