/**
 * The server's side of one WebRTC call: a sideband WebSocket to the upstream call (`?call_id=`).
 * The browser's audio and events go straight to the upstream; the sideband sees every server
 * event of the call and acts on it with the relay's own parts: the {@link ConversationRecorder}
 * (storage), the {@link RelayToolCalls} (server tools run here, the browser's awaited, one
 * `response.create` after a response's outputs), the {@link TurnTimer} and {@link TurnTracker}
 * (latency) and the {@link RelayTimers} (session and idle limits). It puts the agent's locked fields back when a
 * `session.updated` shows them changed, and hangs the call up when the conversation ends.
 */
import { isUnknownEvent, parseServerEvent } from '@parley/core';
import type { RealtimeItem, ServerEvent, ServerEventOf, SessionConfig } from '@parley/core';
import WebSocket from 'ws';
import type { Logger } from '../logger.js';
import { ConversationRecorder } from '../relay/conversation-recorder.js';
import { asBuffer } from '../relay/fast-path.js';
import { RelayTimers } from '../relay/relay-timers.js';
import type { RelayLimits, SessionOutcome } from '../relay/relay-timers.js';
import { RelayToolCalls } from '../relay/relay-tool-calls.js';
import { recordOutputItemDone, recordResponseDone } from '../relay/response-records.js';
import type { ResponseRecordParts } from '../relay/response-records.js';
import { TurnTimer } from '../relay/turn-timer.js';
import { TurnTracker } from '../relay/turn-tracker.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import type { ServerTool } from '../tools/types.js';
import type { Upstream } from '../upstream.js';
import { configDrift, lockedFieldsOf } from './locked-config.js';
import type { LockedFields } from './locked-config.js';
import { sidebandUrl } from './upstream-calls.js';

/** What a sideband session needs. */
export interface SidebandSessionOptions {
  /** The upstream call (`rtc_…`). */
  callId: string;
  agent: PublishedAgent;
  /** The session the call was placed with (its locked fields are re-asserted). */
  session: SessionConfig;
  serverTools: ReadonlyMap<string, ServerTool>;
  clientToolNames: ReadonlySet<string>;
  clientId: string;
  limits: RelayLimits;
  /** The conversation to record into (started by the session). */
  conversationId: string;
  store: Store;
  mailer: Mailer;
  upstream: Upstream;
  log: Logger;
  now: () => Date;
  /** Ends the call upstream (a failure is logged by the caller). */
  hangup: () => Promise<void>;
  onClose: () => void;
}

/** How often a session may find its locked fields changed before the call is ended. */
export const maxReassertions = 5;
const reassertEventId = 'evt_parley_locked';

/** One WebRTC call watched and steered through its sideband. */
export class SidebandSession {
  private socket: WebSocket | null = null;
  private readonly recorder: ConversationRecorder;
  private readonly tools: RelayToolCalls;
  private readonly turn: TurnTimer;
  private readonly turns: TurnTracker;
  private readonly timers: RelayTimers;
  private readonly locked: LockedFields;
  private closed = false;
  private markEnded: () => void = () => undefined;
  /** Settles once the call has ended, been hung up and every write is stored. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.markEnded = resolve;
  });
  private greeted = false;
  private lastResponseId: string | null = null;
  /** `response.create`s the sideband sent whose `response.created` has not come yet. */
  private ownResponses = 0;
  /** Times the locked fields were found changed and sent again. */
  reassertions = 0;

  constructor(private readonly options: SidebandSessionOptions) {
    const { agent } = options;
    this.locked = lockedFieldsOf(options.session);
    this.recorder = new ConversationRecorder(
      options.store,
      options.log,
      {
        id: options.conversationId,
        reopened: false,
        agentId: agent.agent.id,
        agentVersion: agent.version,
        model: agent.config.model,
        clientId: options.clientId,
        mode: 'webrtc',
      },
      {
        onBacklogFull: () =>
          this.finish({
            status: 'failed',
            endReason: 'storage_unavailable',
            message: 'storage is unavailable',
          }),
      },
    );
    this.turn = new TurnTimer(agent.config.outputModality === 'text');
    this.turns = new TurnTracker(agent.config.outputModality === 'text');
    this.timers = new RelayTimers(options.limits, (_reason, outcome) => this.finish(outcome));
    // The relay's tool calls: server tools run here, the browser's are awaited, one follow-up.
    this.tools = new RelayToolCalls({
      options,
      recorder: this.recorder,
      turns: this.turns,
      after: (ms, task) => this.timers.after(ms, task),
      sendUpstreamNow: (frame) => this.sendFrame(frame),
      requestFollowUp: () => this.requestResponse(),
      end: (endReason) => this.finish({ status: 'completed', endReason }),
      closed: () => this.closed,
    });
  }

  /** The conversation this call records into. */
  get conversation(): string {
    return this.options.conversationId;
  }

  /** Attaches the sideband and starts the call's clocks; resolves whether the sideband listens. */
  start(): Promise<boolean> {
    const { upstream, callId } = this.options;
    const socket = new WebSocket(sidebandUrl(upstream, callId), {
      headers: upstream.headers(),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    this.timers.start();
    socket.on('open', () => {
      // The call was placed with the published session; this covers anything the browser may
      // have changed before the sideband was there.
      this.reassert();
    });
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onFrame(asBuffer(data).toString('utf8'));
    });
    socket.on('unexpected-response', (_request, response) =>
      this.finish({
        status: 'failed',
        endReason: 'sideband_unavailable',
        message: `the realtime service refused the sideband (HTTP ${response.statusCode ?? 0})`,
      }),
    );
    socket.on('error', (error) => {
      this.options.log.warn('sideband socket error', { error: error.message });
      this.finish({ status: 'failed', endReason: 'sideband_unavailable' });
    });
    socket.on('close', () => this.finish({ status: 'completed', endReason: 'call_ended' }));
    // Settles once the sideband listens (true) or could not (false): the answer waits for it, so
    // the browser's first events (its input_audio_buffer.clear, which asks for the greeting) are
    // not missed, and a call nobody watches is not handed to the browser.
    return new Promise((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('close', () => resolve(false));
      socket.once('error', () => resolve(false));
      socket.once('unexpected-response', () => resolve(false));
    });
  }

  /** Ends the call from outside (server shutdown); resolves once it is hung up and stored. */
  shutdown(): Promise<void> {
    this.finish({ status: 'completed', endReason: 'server_shutdown' });
    return this.ended;
  }

  private sendFrame(frame: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  private send(event: Record<string, unknown>): void {
    this.sendFrame(JSON.stringify(event));
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
    if (this.closed) return;
    const parsed = parseServerEvent(data, { validate: false });
    if (!parsed.success) {
      this.options.log.warn('unparseable sideband frame', { error: parsed.error.message });
      return;
    }
    if (isUnknownEvent(parsed.event)) return;
    this.onServerEvent(parsed.event);
  }

  private onServerEvent(event: ServerEvent): void {
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
    this.reassertions += 1;
    this.options.log.warn('a WebRTC call changed locked session fields; putting them back', {
      conversationId: this.conversation,
      fields: drift,
    });
    if (this.reassertions > maxReassertions) {
      this.finish({ status: 'failed', endReason: 'config_tampering' });
      return;
    }
    this.reassert();
  }

  private greet(): void {
    if (this.greeted) return;
    this.greeted = true;
    const greeting = this.options.agent.config.greeting;
    if (!greeting) return;
    this.turn.turnEnded(true);
    this.requestResponse({
      instructions: `Greet the visitor by saying exactly this, and nothing else: "${greeting}"`,
    });
  }

  private onResponseCreated(response: ServerEventOf<'response.created'>['response']): void {
    this.timers.touch();
    this.lastResponseId = typeof response?.id === 'string' ? response.id : null;
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
    recordResponseDone(this.responseParts(), response, this.lastResponseId);
  }

  private responseParts(): ResponseRecordParts {
    const { recorder, tools, turn, turns, timers } = this;
    return { recorder, tools, turn, turns, timers };
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  /** The visitor's turn ended: the turn before it, if answered, is stored. */
  private userTurnEnded(restart: boolean): void {
    this.recorder.turn(this.turns.userTurnEnded(restart));
  }

  private finish(outcome: SessionOutcome): void {
    if (this.closed) return;
    this.closed = true;
    this.timers.stop();
    this.recorder.turn(this.turns.close());
    this.recorder.end({ status: outcome.status, endReason: outcome.endReason });
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000);
    this.options.log.info('WebRTC call ended', {
      conversationId: this.conversation,
      reason: outcome.endReason,
    });
    const hungUp = outcome.endReason === 'call_ended' ? Promise.resolve() : this.hangup();
    void Promise.all([hungUp, this.recorder.flushed()]).then(this.markEnded);
    this.options.onClose();
  }

  private async hangup(): Promise<void> {
    try {
      await this.options.hangup();
    } catch (error) {
      this.options.log.warn('could not hang up a WebRTC call', {
        conversationId: this.conversation,
        error,
      });
    }
  }
}
