/**
 * One relayed conversation: a browser socket paired with an upstream socket. It configures the
 * upstream with the published agent, filters the browser's events, forwards the server's, and
 * hands each concern to its part: the {@link SocketPair} (queueing and backpressure), the
 * {@link ConversationRecorder} (storage), the {@link RelayToolCalls} (server and browser tools,
 * holding `response.create` until every output of a response is in), the {@link TurnTimer}
 * (latency) and the {@link RelayTimers} (session and idle limits). It closes both sides
 * telling the browser why.
 */
import { isUnknownEvent, parseServerEvent } from '@parley/core';
import type { ServerEvent, ServerEventOf, SessionConfig } from '@parley/core';
import type WebSocket from 'ws';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import type { ServerTool } from '../tools/types.js';
import type { Upstream } from '../upstream.js';
import type { Logger } from '../logger.js';
import type { ConversationAudio } from '../recording/conversation-audio.js';
import { stringField, truncation } from '../recording/frame-fields.js';
import { dropReplayAnswer } from '../sessions/replay.js';
import { greetingInstructions } from '../session-config.js';
import { checkClientBytes } from './client-policy.js';
import { redactSession } from './session-redaction.js';
import { ConversationRecorder } from './conversation-recorder.js';
import { asBuffer, forwardOnlyServerEvents, leadingType } from './fast-path.js';
import { RelayTimers } from './relay-timers.js';
import type { RelayLimits, SessionOutcome } from './relay-timers.js';
import { SocketPair, maxPendingBytes } from './socket-pair.js';
import type { RelayCloseReason } from './socket-pair.js';
import { RelayToolCalls } from './relay-tool-calls.js';
import { recordOutputItemDone, recordResponseDone } from './response-records.js';
import type { ResponseRecordParts } from './response-records.js';
import { TurnTimer } from './turn-timer.js';
import { TurnTracker } from './turn-tracker.js';

/** What a relay session needs. */
export interface RelaySessionOptions {
  browser: WebSocket;
  agent: PublishedAgent;
  session: SessionConfig;
  serverTools: ReadonlyMap<string, ServerTool>;
  clientToolNames: ReadonlySet<string>;
  clientId: string;
  limits: RelayLimits;
  store: Store;
  mailer: Mailer;
  upstream: Upstream;
  log: Logger;
  now: () => Date;
  onClose: () => void;
  /**
   * The conversation to record into. With `replay` it exists (reopened) and goes on: `replay`
   * holds the events that rebuild it upstream, sent before anything from the browser, and the
   * agent's greeting is not said again. Without, it is started.
   */
  conversation: { id: string; replay?: { frames: string[]; itemIds: Set<string> } };
  /** The recording of this connection, when its agent version records. */
  audio?: ConversationAudio | null;
}

const configEventId = 'evt_parley_config';

/** A relayed conversation; create it once the browser socket is open. */
export class RelaySession {
  private readonly sockets: SocketPair;
  private readonly recorder: ConversationRecorder;
  private readonly tools: RelayToolCalls;
  private readonly turn: TurnTimer;
  private readonly turns: TurnTracker;
  private readonly timers: RelayTimers;
  private closed = false;
  private lastResponseId: string | null = null;
  /** Settles once the recording (if any) is stored, after the session ended. */
  private audioStored: Promise<void> = Promise.resolve();
  /** Ids of the items a resume replayed upstream: their echoes stay out of the browser and storage. */
  private readonly replayItemIds: ReadonlySet<string>;

  constructor(private readonly options: RelaySessionOptions) {
    const { agent, conversation } = options;
    this.replayItemIds = conversation.replay?.itemIds ?? new Set();
    this.sockets = new SocketPair(
      options.browser,
      () =>
        this.finish('client_too_slow', {
          status: 'failed',
          endReason: 'client_too_slow',
          message: 'the browser did not keep up with the audio stream',
        }),
      () =>
        this.finish('client_flood', {
          status: 'failed',
          endReason: 'client_flood',
          message: `more than ${maxPendingBytes} bytes were sent before the conversation was ready`,
        }),
    );
    this.recorder = new ConversationRecorder(
      options.store,
      options.log,
      {
        id: conversation.id,
        reopened: conversation.replay !== undefined,
        agentId: agent.agent.id,
        agentVersion: agent.version,
        model: agent.config.model,
        clientId: options.clientId,
      },
      {
        onBacklogFull: () =>
          this.finish('storage_unavailable', {
            status: 'failed',
            endReason: 'storage_unavailable',
            message: 'storage is unavailable; reconnect in a moment to go on',
          }),
      },
    );
    this.turn = new TurnTimer(agent.config.outputModality === 'text');
    this.turns = new TurnTracker(agent.config.outputModality === 'text');
    this.timers = new RelayTimers(options.limits, (reason, outcome) =>
      this.finish(reason, outcome),
    );
    this.tools = new RelayToolCalls({
      options,
      recorder: this.recorder,
      turns: this.turns,
      after: (ms, task) => this.timers.after(ms, task),
      sendUpstreamNow: (frame) => this.sockets.sendUpstreamNow(frame),
      requestFollowUp: () => this.requestFollowUp(),
      end: (endReason) => this.finish('conversation_ended', { status: 'completed', endReason }),
      closed: () => this.closed,
    });
  }

  /** The conversation this session records into. */
  get conversation(): string {
    return this.options.conversation.id;
  }

  /** Audio frames dropped because the upstream socket was backed up. */
  get droppedAudioFrames(): number {
    return this.sockets.droppedAudioFrames;
  }

  /** Opens the upstream and starts relaying; `early` are frames the browser sent during setup. */
  start(early: readonly [WebSocket.RawData, boolean][] = []): void {
    const { browser, upstream } = this.options;
    browser.on('message', (data, isBinary) => this.onBrowserMessage(data, isBinary));
    for (const [data, isBinary] of early) this.onBrowserMessage(data, isBinary);
    browser.on('close', () =>
      this.finish('conversation_ended', { status: 'completed', endReason: 'client_closed' }),
    );
    browser.on('error', () =>
      this.finish('conversation_ended', { status: 'completed', endReason: 'client_error' }),
    );
    this.timers.start();

    this.sockets.connectUpstream(upstream, this.options.agent.config.model, {
      open: () =>
        this.sockets.sendUpstreamNow(
          JSON.stringify({
            type: 'session.update',
            event_id: configEventId,
            session: this.options.session,
          }),
        ),
      frame: (frame) => {
        if (this.closed) return;
        // Audio and transcript deltas are most of the traffic and need nothing but forwarding.
        const type = leadingType(frame);
        if (type !== null && forwardOnlyServerEvents.has(type)) {
          this.onForwardOnly(type);
          if (type === 'response.output_audio.delta') this.recordOutput(frame);
          this.sockets.toBrowser(frame);
          return;
        }
        this.onUpstreamMessage(frame.toString('utf8'));
      },
      refused: (status) =>
        this.finish('upstream_unavailable', {
          status: 'failed',
          endReason: 'upstream_unavailable',
          message: `the realtime service refused the connection (HTTP ${status})`,
        }),
      failed: (error) => {
        if (this.closed) return;
        this.options.log.warn('upstream socket error', { error: error.message });
        const reason = this.sockets.ready ? 'upstream_closed' : 'upstream_unavailable';
        this.finish(reason, {
          status: 'failed',
          endReason: reason,
          message: 'the connection to the realtime service failed',
        });
      },
      closed: (code, reason) =>
        this.finish('upstream_closed', {
          status: 'failed',
          endReason: 'upstream_closed',
          message: `the realtime service closed the connection (${code}${reason.length > 0 ? ` ${reason}` : ''})`,
        }),
    });
  }

  /**
   * Hands the conversation over to another instance (a drain): stops relaying, stores everything
   * already forwarded and the end (resumable), and only then tells the browser to reconnect at
   * once (1012), so the instance that resumes it replays a complete conversation.
   */
  async restart(): Promise<void> {
    if (this.closed) return this.flushed();
    this.closed = true;
    this.timers.stop();
    this.recorder.turn(this.turns.close());
    this.recorder.end({ status: 'completed', endReason: 'server_restart' });
    this.endRecording();
    await this.flushed();
    this.sockets.close('server_restart', undefined);
    this.options.log.info('relay session handed over', {
      conversationId: this.recorder.conversationId,
    });
    this.options.onClose();
  }

  /** Ends the session from outside (server shutdown). */
  shutdown(): Promise<void> {
    this.finish('server_shutdown', {
      status: 'completed',
      endReason: 'server_shutdown',
      message: 'the server is shutting down',
    });
    return this.flushed();
  }

  /**
   * Ends the session because its conversation goes on over a new connection (the browser
   * reconnected before this one noticed the drop). Resolves once its writes are stored.
   */
  supersede(): Promise<void> {
    this.finish('conversation_ended', { status: 'completed', endReason: 'client_closed' });
    return this.flushed();
  }

  /** Resolves once every write so far reached storage (and the recording, once ended). */
  async flushed(): Promise<void> {
    await Promise.all([this.recorder.flushed(), this.audioStored]);
  }

  private recordOutput(frame: Buffer): void {
    const audio = this.options.audio;
    if (!audio) return;
    const delta = stringField(frame, 'delta');
    if (delta !== null) audio.output(stringField(frame, 'item_id'), delta);
  }

  private endRecording(): void {
    if (this.options.audio) this.audioStored = this.options.audio.finish();
  }

  // ── browser → upstream ──────────────────────────────────────────────────────────────────

  private onBrowserMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.sockets.sendBrowserError(
        'invalid_event',
        'binary frames are not accepted; send JSON text',
        null,
      );
      return;
    }
    const decision = checkClientBytes(asBuffer(data), this.tools.clientCalls);
    if (decision.allow && decision.type === 'input_audio_buffer.append') {
      // Microphone audio, 50 frames a second: forwarded as soon as it is checked.
      this.sockets.sendUpstream(decision.frame, true);
      const audio = this.options.audio && stringField(decision.frame, 'audio');
      if (audio) this.options.audio?.input(audio);
      return;
    }
    if (!decision.allow) {
      this.sockets.sendBrowserError(decision.code, decision.message, decision.eventId);
      return;
    }
    this.timers.touch();
    if (decision.type === 'input_audio_buffer.commit' || decision.type === 'response.create') {
      this.turn.turnEnded();
    }
    if (decision.type === 'input_audio_buffer.commit') this.userTurnEnded(false);
    if (decision.type === 'conversation.item.truncate' && this.options.audio) {
      const cut = truncation(decision.frame);
      if (cut) this.options.audio.truncated(cut.itemId, cut.audioEndMs);
    }
    if (decision.type === 'response.create') {
      // The browser answered its own tools; the response starts once the server's are in too.
      const due = this.tools.browserAsked();
      if (due !== null) {
        if (due) this.requestFollowUp();
        return;
      }
      // Not a tool follow-up: a typed message asks for its reply.
      this.userTurnEnded(false);
    }
    if (decision.callId === undefined) {
      this.sockets.sendUpstream(decision.frame, false);
      return;
    }
    this.tools.browserOutput(decision.callId, clientOutput(decision.frame));
    this.sockets.sendUpstream(decision.frame, false);
    this.tools.browserOutputSent(decision.callId);
  }

  // ── upstream → browser ──────────────────────────────────────────────────────────────────

  /** What the relay does for a forward-only event (the same as the parsed path would). */
  private onForwardOnly(type: string): void {
    switch (type) {
      case 'response.output_audio.delta':
        this.turn.audioOutput();
        this.turns.output('audio');
        return;
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta':
        this.turn.textOutputDelta();
        this.turns.output('text');
        return;
      case 'input_audio_buffer.speech_started':
        this.timers.touch();
        return;
      default:
        return;
    }
  }

  private onUpstreamMessage(data: string): void {
    const parsed = parseServerEvent(data, { validate: false });
    if (!parsed.success) {
      this.options.log.warn('unparseable upstream frame', { error: parsed.error.message });
      this.sockets.toBrowser(data);
      return;
    }
    const event = parsed.event;
    if (isUnknownEvent(event)) {
      this.sockets.toBrowser(data);
      return;
    }
    if (dropReplayAnswer(event, this.replayItemIds, this.options.log, this.conversation)) return;
    if (this.onServerEvent(event, data)) this.sockets.toBrowser(data);
  }

  /**
   * Acts on one parsed server event. The parser ran without validation (the upstream is
   * trusted and this is the relay's hot path), so fields written to storage are checked here.
   * Returns whether `frame` still goes on to the browser as it came (after the event's effects).
   */
  private onServerEvent(event: ServerEvent, frame: string): boolean {
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        this.sockets.toBrowser(JSON.stringify(redactSession(event)));
        if (event.type === 'session.updated' && !this.sockets.ready) this.onReady();
        return false;
      case 'error':
        if (!this.sockets.ready && event.error?.event_id === configEventId) {
          // The service refused the agent's configuration: say so rather than run unconfigured.
          const reason = event.error.message;
          this.finish('agent_unavailable', {
            status: 'failed',
            endReason: 'agent_config_refused',
            message: `the realtime service refused the agent's configuration: ${typeof reason === 'string' ? reason : 'no reason given'}`,
          });
          return false;
        }
        return true;
      case 'input_audio_buffer.speech_started':
        this.timers.touch();
        return true;
      case 'input_audio_buffer.speech_stopped':
        this.turn.speechEnded(true);
        this.userTurnEnded(true);
        return true;
      case 'input_audio_buffer.committed':
        this.turn.speechEnded(false);
        this.userTurnEnded(false);
        return true;
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta':
        this.turn.textOutputDelta();
        this.turns.output('text');
        return true;
      case 'response.created':
        this.lastResponseId = typeof event.response?.id === 'string' ? event.response.id : null;
        return true;
      // Recorded when first seen (in progress too), so the transcript keeps creation order.
      case 'conversation.item.added':
      case 'conversation.item.done':
        this.recorder.item(event.item);
        return true;
      case 'response.output_item.done':
        this.onOutputItemDone(event);
        return true;
      case 'response.mcp_call.in_progress':
        if (typeof event.item_id === 'string') this.tools.mcp.callStarted(event.item_id);
        return true;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string')
          this.recorder.transcript(event.item_id, event.transcript);
        return true;
      case 'response.done':
        // Forwarded first: ending the conversation (a tool asked to) must not swallow it.
        this.sockets.toBrowser(frame);
        this.onResponseDone(event.response);
        return false;
      default:
        return true;
    }
  }

  private onReady(): void {
    // A resumed conversation is rebuilt before anything new is said.
    this.sockets.markReady(this.options.conversation.replay?.frames ?? []);
    const greeting = this.options.conversation.replay ? null : this.options.agent.config.greeting;
    if (greeting) {
      this.turn.turnEnded(true);
      this.sockets.sendUpstreamNow(
        JSON.stringify({
          type: 'response.create',
          event_id: 'evt_parley_greeting',
          response: { instructions: greetingInstructions(greeting) },
        }),
      );
    }
  }

  private onOutputItemDone(event: ServerEventOf<'response.output_item.done'>): void {
    recordOutputItemDone(this.responseParts(), event, this.lastResponseId);
  }

  private onResponseDone(response: ServerEventOf<'response.done'>['response'] | undefined): void {
    recordResponseDone(this.responseParts(), response, this.lastResponseId);
  }

  private responseParts(): ResponseRecordParts {
    const { recorder, tools, turn, turns, timers } = this;
    return { recorder, tools, turn, turns, timers };
  }

  // ── tools ───────────────────────────────────────────────────────────────────────────────

  /** Sends the one `response.create` that goes on after a response's tool calls. */
  private requestFollowUp(): void {
    this.turn.turnEnded();
    this.sockets.sendUpstream(JSON.stringify({ type: 'response.create' }), false);
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  /** The visitor's turn ended: the turn before it, if answered, is stored. */
  private userTurnEnded(restart: boolean): void {
    this.recorder.turn(this.turns.userTurnEnded(restart));
  }

  private finish(reason: RelayCloseReason, outcome: SessionOutcome): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.stop();
    this.sockets.close(reason, outcome.message);
    this.recorder.turn(this.turns.close());
    this.recorder.end({ status: outcome.status, endReason: outcome.endReason });
    this.endRecording();
    this.options.log.info('relay session ended', {
      conversationId: this.recorder.conversationId,
      reason: outcome.endReason,
      droppedAudioFrames: this.sockets.droppedAudioFrames,
    });
    this.options.onClose();
  }
}

/** The output string of a browser's `function_call_output` (already checked by the policy). */
function clientOutput(frame: string | Buffer): string | null {
  const event = JSON.parse(frame.toString()) as { item?: { output?: unknown } };
  return typeof event.item?.output === 'string' ? event.item.output : null;
}
