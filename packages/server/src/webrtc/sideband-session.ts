/**
 * The server's side of one WebRTC call: a sideband WebSocket to the upstream call (`?call_id=`).
 * The browser's audio and events go straight to the upstream; the sideband sees every server
 * event of the call and acts on it with the relay's own parts: the {@link RelayToolCalls} (server
 * tools run here, the browser's awaited, one `response.create` after a response's outputs), the
 * {@link TurnTimer} and {@link TurnTracker} (latency) and the {@link RelayTimers} (session and idle
 * limits). It puts the agent's locked fields back when a `session.updated` shows them changed.
 * Storage, attaching, the tampering cap and the end (hang-up, post-call) are the
 * {@link SidebandLifecycle}'s, shared with the GPT-Live sideband.
 */
import { isUnknownEvent, parseServerEvent } from '@parley/core';
import type { RealtimeItem, ServerEvent, ServerEventOf, SessionConfig } from '@parley/core';
import type { ConversationRecorder } from '../relay/conversation-recorder.js';
import { RelayTimers } from '../relay/relay-timers.js';
import type { RelayLimits } from '../relay/relay-timers.js';
import { RelayToolCalls } from '../relay/relay-tool-calls.js';
import { recordOutputItemDone, recordResponseDone } from '../relay/response-records.js';
import type { ResponseRecordParts } from '../relay/response-records.js';
import { TurnTimer } from '../relay/turn-timer.js';
import { TurnTracker } from '../relay/turn-tracker.js';
import { dropReplayAnswer } from '../sessions/replay.js';
import { greetingInstructions } from '../session-config.js';
import type { Mailer } from '../tools/mailer.js';
import type { ServerTool } from '../tools/types.js';
import { configDrift, lockedFieldsOf } from './locked-config.js';
import type { LockedFields } from './locked-config.js';
import { closeEventId, reassertEventId, SidebandLifecycle } from './sideband-lifecycle.js';
import type { SidebandCallOptions, SidebandClose } from './sideband-lifecycle.js';
import { sidebandUrl } from './upstream-calls.js';

/** What a sideband session needs. */
export interface SidebandSessionOptions extends SidebandCallOptions {
  /** The upstream call (`rtc_…`). */
  callId: string;
  /** The session the call was placed with (its locked fields are re-asserted). */
  session: SessionConfig;
  serverTools: ReadonlyMap<string, ServerTool>;
  clientToolNames: ReadonlySet<string>;
  limits: RelayLimits;
  mailer: Mailer;
  now: () => Date;
  /**
   * A resumed conversation's items (`replayEvents`): sent on the sideband as soon as it opens,
   * before anything else reaches the call, and no greeting follows. Their echoes are neither
   * stored again nor taken for the browser's tool outputs.
   */
  replay?: { frames: string[]; itemIds: ReadonlySet<string> };
}

const noItems: ReadonlySet<string> = new Set();

/** One WebRTC call watched and steered through its sideband. */
export class SidebandSession {
  private readonly call: SidebandLifecycle;
  private readonly recorder: ConversationRecorder;
  private readonly tools: RelayToolCalls;
  private readonly turn: TurnTimer;
  private readonly turns: TurnTracker;
  private readonly timers: RelayTimers;
  private readonly locked: LockedFields;
  private greeted = false;
  private lastResponseId: string | null = null;
  /** The response between its `response.created` and `response.done`, if any. */
  private activeResponseId: string | null = null;
  /** `response.create`s the sideband sent whose `response.created` has not come yet. */
  private ownResponses = 0;

  constructor(private readonly options: SidebandSessionOptions) {
    const { agent } = options;
    this.locked = lockedFieldsOf(options.session);
    this.call = new SidebandLifecycle(options, {
      url: sidebandUrl(options.upstream, options.callId),
      service: 'realtime',
      label: 'WebRTC call',
      model: agent.config.model,
      lost: { outcome: { status: 'completed', endReason: 'call_ended' }, hangUp: false },
      // A resumed conversation is rebuilt first (the browser has not had its answer yet, so
      // nothing of its own reached the call). The call was placed with the published session;
      // the reassert covers anything the browser may have changed before the sideband was there.
      opened: () => {
        for (const frame of options.replay?.frames ?? []) this.call.sendFrame(frame);
        this.reassert();
      },
      frame: (frame) => this.onFrame(frame.toString('utf8')),
      ending: () => {
        this.timers.stop();
        this.recorder.turn(this.turns.close());
      },
      close: () => this.closeRequest(),
    });
    this.recorder = this.call.recorder;
    this.turn = new TurnTimer(agent.config.outputModality === 'text');
    this.turns = new TurnTracker(agent.config.outputModality === 'text');
    this.timers = new RelayTimers(options.limits, (_reason, outcome) => this.call.finish(outcome));
    // The relay's tool calls: server tools run here, the browser's are awaited, one follow-up.
    this.tools = new RelayToolCalls({
      options,
      recorder: this.recorder,
      turns: this.turns,
      after: (ms, task) => this.timers.after(ms, task),
      sendUpstreamNow: (frame) => this.call.sendFrame(frame),
      requestFollowUp: () => this.requestResponse(),
      end: (endReason) => this.call.finish({ status: 'completed', endReason }),
      closed: () => this.call.closed,
    });
  }

  /** The conversation this call records into. */
  get conversation(): string {
    return this.call.conversation;
  }

  /** Settles once the call has ended, been hung up and every write is stored. */
  get ended(): Promise<void> {
    return this.call.ended;
  }

  /** Times the locked fields were found changed and sent again. */
  get reassertions(): number {
    return this.call.reassertions;
  }

  /** Attaches the sideband and starts the call's clocks; resolves whether the sideband listens. */
  start(): Promise<boolean> {
    const listening = this.call.start();
    this.timers.start();
    return listening;
  }

  /**
   * Ends the call from outside (server shutdown, or `client_closed`: the browser hung up);
   * resolves once it is hung up and stored.
   */
  shutdown(endReason?: string): Promise<void> {
    return this.call.shutdown(endReason);
  }

  private send(event: Record<string, unknown>): void {
    this.call.send(event);
  }

  private reassert(): void {
    this.send({ type: 'session.update', event_id: reassertEventId, session: this.locked });
  }

  private requestResponse(response?: Record<string, unknown>): void {
    this.ownResponses += 1;
    this.turn.turnEnded();
    this.send({ type: 'response.create', ...(response ? { response } : {}) });
  }

  // ── upstream events ─────────────────────────────────────────────────────────────────────

  private onFrame(data: string): void {
    const parsed = parseServerEvent(data, { validate: false });
    if (!parsed.success) {
      this.options.log.warn('unparseable sideband frame', { error: parsed.error.message });
      return;
    }
    if (isUnknownEvent(parsed.event)) return;
    this.onServerEvent(parsed.event);
  }

  private onServerEvent(event: ServerEvent): void {
    // The echo of a replayed item (or its refusal): stored already, and no tool output.
    const replayed = this.options.replay?.itemIds ?? noItems;
    if (dropReplayAnswer(event, replayed, this.options.log, this.conversation)) return;
    switch (event.type) {
      case 'session.updated':
        this.onSessionUpdated(event.session);
        return;
      case 'input_audio_buffer.cleared':
        // The browser's signal that its data channel is open (see the README): greet now.
        this.greet();
        return;
      case 'input_audio_buffer.speech_started':
        this.timers.touch();
        return;
      case 'input_audio_buffer.speech_stopped':
        this.turn.speechEnded(true);
        this.userTurnEnded(true);
        return;
      case 'input_audio_buffer.committed':
        this.turn.speechEnded(false);
        this.userTurnEnded(false);
        return;
      case 'output_audio_buffer.started':
        // On WebRTC the reply's first audio is the buffer starting to play.
        this.turn.audioOutput();
        this.turns.output('audio');
        return;
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta':
        this.turn.textOutputDelta();
        this.turns.output('text');
        return;
      case 'response.created':
        this.onResponseCreated(event.response);
        return;
      case 'conversation.item.added':
      case 'conversation.item.done':
        this.onItem(event.item);
        return;
      case 'response.output_item.done':
        this.onOutputItemDone(event);
        return;
      case 'response.mcp_call.in_progress':
        if (typeof event.item_id === 'string') this.tools.mcp.callStarted(event.item_id);
        return;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string')
          this.recorder.transcript(event.item_id, event.transcript);
        return;
      case 'response.done':
        this.onResponseDone(event.response);
        return;
      case 'error':
        this.options.log.warn('the realtime service reported an error on a WebRTC call', {
          conversationId: this.conversation,
          error: event.error,
        });
        return;
      default:
        return;
    }
  }

  private onSessionUpdated(session: unknown): void {
    const drift = configDrift(this.locked, session);
    if (drift.length === 0) return;
    if (this.call.tampered(drift, 'a WebRTC call changed locked session fields; putting them back'))
      this.reassert();
  }

  private greet(): void {
    if (this.greeted) return;
    this.greeted = true;
    // A resumed conversation was greeted before the drop.
    const greeting = this.options.replay ? null : this.options.agent.config.greeting;
    if (!greeting) return;
    this.turn.turnEnded(true);
    this.requestResponse({ instructions: greetingInstructions(greeting) });
  }

  private onResponseCreated(response: ServerEventOf<'response.created'>['response']): void {
    this.timers.touch();
    this.lastResponseId = typeof response?.id === 'string' ? response.id : null;
    this.activeResponseId = this.lastResponseId;
    if (this.ownResponses > 0) {
      this.ownResponses -= 1;
      return;
    }
    // The browser asked for a response itself: after its own tools' outputs, or for a typed
    // message (a new turn, timed from here: the request itself is not seen).
    this.greeted = true;
    // A follow-up it asked for is under way already: nothing more to send when it was due.
    if (this.tools.browserAsked() === null) {
      this.turn.turnEnded();
      this.userTurnEnded(false);
    }
  }

  private onItem(item: RealtimeItem | undefined): void {
    this.recorder.item(item);
    if (item?.type !== 'function_call_output' || typeof item.call_id !== 'string') return;
    const callId = item.call_id;
    if (!this.tools.clientCalls.has(callId)) return;
    // The browser answered one of its own tools on the data channel (already upstream).
    this.tools.browserOutput(callId, typeof item.output === 'string' ? item.output : null);
    this.tools.browserOutputSent(callId);
  }

  private onOutputItemDone(event: ServerEventOf<'response.output_item.done'>): void {
    recordOutputItemDone(this.responseParts(), event, this.lastResponseId);
  }

  private onResponseDone(response: ServerEventOf<'response.done'>['response'] | undefined): void {
    if (typeof response?.id !== 'string' || response.id === this.activeResponseId)
      this.activeResponseId = null;
    recordResponseDone(this.responseParts(), response, this.lastResponseId);
  }

  private responseParts(): ResponseRecordParts {
    const { recorder, tools, turn, turns, timers } = this;
    return { recorder, tools, turn, turns, timers };
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  /**
   * The call ends on the server's side: a response in progress is cancelled and its
   * `response.done` awaited, so its usage (billed for what it generated) is stored. Nothing is
   * asked when no response is in progress. The call is hung up afterwards all the same.
   */
  private closeRequest(): SidebandClose | null {
    const responseId = this.activeResponseId;
    if (responseId === null) return null;
    return {
      event: { type: 'response.cancel', event_id: closeEventId, response_id: responseId },
      closing: (frame) => this.onClosingFrame(frame.toString('utf8'), responseId),
      closesCall: false,
    };
  }

  /**
   * A frame after the cancel: the cancelled response's `response.done` stores its usage only (true:
   * answered); the cancel refused (`response_cancel_not_active`: nothing left to wait for) is true.
   */
  private onClosingFrame(data: string, responseId: string): boolean {
    const parsed = parseServerEvent(data, { validate: false });
    if (!parsed.success || isUnknownEvent(parsed.event)) return false;
    const { event } = parsed;
    if (event.type === 'error') return event.error.event_id === closeEventId;
    if (event.type !== 'response.done') return false;
    const { response } = event;
    if (response?.id !== responseId) return false;
    // The call ended: its turns are closed, and no follow-up is asked for.
    if (response.usage) {
      this.recorder.usage({
        responseId,
        status: typeof response.status === 'string' ? response.status : 'cancelled',
        usage: response.usage,
        latencyMs: null,
      });
    }
    return true;
  }

  /** The visitor's turn ended: the turn before it, if answered, is stored. */
  private userTurnEnded(restart: boolean): void {
    this.recorder.turn(this.turns.userTurnEnded(restart));
  }
}
