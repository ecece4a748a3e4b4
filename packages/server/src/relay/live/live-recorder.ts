/**
 * What a GPT-Live conversation stores from its upstream's events, the same whether the server
 * relays it (`live-relay-session.ts`) or watches a WebRTC call through a sideband
 * (`webrtc/live-sideband-session.ts`): the timed transcript fragments grouped into turns
 * ({@link TranscriptTurns}) and stored as message items, each turn's latency
 * ({@link LiveTurnLatency}, with the time its tool calls took), and the usage seconds, priced.
 */
import { randomUUID } from 'node:crypto';
import { liveCost } from '@parley/core';
import type { ConversationRecorder } from '../conversation-recorder.js';
import { TranscriptTurns, turnItem } from './live-transcript-turns.js';
import type { TranscriptTurn } from './live-transcript-turns.js';
import { LiveTurnLatency } from './live-turn-latency.js';

type Json = Record<string, unknown>;

/** What a Live recorder needs. */
export interface LiveRecorderOptions {
  recorder: ConversationRecorder;
  /** The Live model, for the usage's price. */
  model: string;
  /** A turn began or its text grew (client delegation keeps the conversation for its backend). */
  onText?: (turn: TranscriptTurn) => void;
}

/** The stored transcript, turn latency and usage of one Live conversation. */
export class LiveRecorder {
  private readonly turns: TranscriptTurns;
  private readonly latency: LiveTurnLatency;
  private usageSeconds = 0;

  constructor(private readonly options: LiveRecorderOptions) {
    const { recorder, onText } = options;
    // Turn ids are this leg's own: a resumed conversation's earlier legs stored theirs under the
    // same counter, and an id stored before is updated in place (the earlier turn overwritten).
    this.turns = new TranscriptTurns(`live_${randomUUID().slice(0, 8)}`, {
      opened: (turn) => {
        recorder.item(turnItem(turn, 'in_progress'));
        onText?.(turn);
      },
      grew: (turn) => {
        recorder.transcript(turn.itemId, turn.text);
        onText?.(turn);
      },
      closed: (turn, complete) => {
        recorder.transcript(turn.itemId, turn.text);
        recorder.item(turnItem(turn, complete ? 'completed' : 'incomplete'));
      },
    });
    this.latency = new LiveTurnLatency(recorder);
  }

  /**
   * A `session.input_transcript.delta` (the visitor's words) or `session.output_transcript.delta`
   * (the agent's): grouped into the turn, and timed on the session timeline it carries.
   */
  transcriptDelta(event: Json): void {
    if (typeof event.delta !== 'string') return;
    const role = event.type === 'session.input_transcript.delta' ? 'user' : 'assistant';
    const [startMs, endMs] = [Number(event.start_ms) || 0, Number(event.end_ms) || 0];
    this.turns.fragment(role, event.delta, startMs, endMs);
    this.latency.fragment(role, startMs, endMs);
  }

  /**
   * The visitor typed a message: their turn ends now, and so does the agent's (its answer is a
   * turn after the typed message, though its words may follow the last reply within the gap).
   */
  typed(): void {
    this.turns.finish(true);
    this.latency.typed();
  }

  /** A tool call started: its time counts in the turn's tool time until its output. */
  toolStarted(callId: string): void {
    this.latency.toolStarted(callId);
  }

  /** A tool call has its output. */
  toolFinished(callId: string): void {
    this.latency.toolFinished(callId);
  }

  /**
   * The session's cumulative `usage` (`session.usage.updated`, `session.closed`): the seconds
   * since the last report are priced by core's table (a model it does not know costs nothing, as
   * for tokens) and added to the conversation's with its other writes (a resumed conversation's
   * earlier legs billed theirs).
   */
  usage(usage: unknown): void {
    const seconds =
      typeof (usage as Json | undefined)?.seconds === 'number'
        ? ((usage as Json).seconds as number)
        : null;
    if (seconds === null || seconds <= this.usageSeconds) return;
    const { options } = this;
    const added = seconds - this.usageSeconds;
    this.usageSeconds = seconds;
    options.recorder.usageSeconds(added, liveCost(added, options.model) ?? 0);
  }

  /** The conversation ended: the open turn is stored (`complete` false when it was cut) with its latency. */
  finish(complete: boolean): void {
    this.turns.finish(complete);
    this.latency.close();
  }
}
