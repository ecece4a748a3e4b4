/**
 * The server's side of one GPT-Live WebRTC call: a sideband WebSocket attached to the upstream
 * session (`…/live/sessions/{id}/attach`). The browser's media and its data channel go straight
 * upstream, the channel limited by the session's `client.data_channel` permissions (see
 * `live-call-config.ts`); the sideband sees every event of the session and acts on it with the Live
 * relay's parts: transcripts grouped into turns and stored, server tools run by Responses
 * delegation ({@link LiveDelegations}), client delegations answered by this server
 * ({@link LiveClientDelegations}), typed text sent as the relay sends it, usage seconds priced and
 * stored, the agent's greeting asked for once the session runs, the session's time limit enforced
 * by hanging up, and the published delegation put back if a `session.updated` shows it changed.
 * Storage, attaching, the tampering cap and the end (hang-up, post-call) are the
 * {@link SidebandLifecycle}'s, shared with the Realtime sideband.
 */
import type { ConversationRecorder } from '../relay/conversation-recorder.js';
import { leadingType } from '../relay/fast-path.js';
import {
  defaultClientDelegationTimings,
  LiveClientDelegations,
} from '../relay/live/live-client-delegations.js';
import type { LiveDelegationHandler } from '../relay/live/live-delegation-handler.js';
import { LiveDelegations } from '../relay/live/live-delegations.js';
import type { SharedState } from '../coordination/shared-state.js';
import { LiveRecorder } from '../relay/live/live-recorder.js';
import { sendTypedText } from '../relay/live/live-typed-text.js';
import type { SessionOutcome } from '../relay/relay-timers.js';
import { greetingInstructions } from '../session-config.js';
import type { Mailer } from '../tools/mailer.js';
import type { ServerTool } from '../tools/types.js';
import { delegationDrift } from './live-call-config.js';
import type { LiveCallConfig } from './live-call-config.js';
import { closeEventId, reassertEventId, SidebandLifecycle } from './sideband-lifecycle.js';
import type { SidebandCallOptions } from './sideband-lifecycle.js';
import { liveAttachUrl } from './upstream-live-sessions.js';

type Json = Record<string, unknown>;

/** What a Live sideband session needs. */
export interface LiveSidebandSessionOptions extends SidebandCallOptions {
  /** The upstream session (`live_…`). */
  sessionId: string;
  /** The session it was created with (its delegation is re-asserted). */
  session: LiveCallConfig;
  serverTools: ReadonlyMap<string, ServerTool>;
  maxSessionMs: number;
  mailer: Mailer;
  now: () => Date;
  /** Client delegation: where ids are claimed, the app's handler, the deadline (as the relay's). */
  clientDelegation: {
    shared: SharedState;
    handler?: LiveDelegationHandler | undefined;
    deadlineMs?: number | undefined;
  };
}

/** Typed messages a call may send in {@link TYPED_TEXT_WINDOW_MS} (a visitor types far fewer). */
export const TYPED_TEXT_LIMIT = 5;
export const TYPED_TEXT_WINDOW_MS = 10_000;

/** What {@link LiveSidebandSession.typedText} did: sent (the stored item), refused, or too soon. */
export type TypedTextOutcome =
  | { sent: true; itemId: string }
  | { sent: false; reason: 'ended' }
  | { sent: false; reason: 'rate_limited'; retryAfterSeconds: number };

/** Reflected audio on the sideband: most of its traffic, and nothing the server keeps. */
const REFLECTED_AUDIO = new Set(['session.input_audio.append', 'session.output_audio.delta']);

/** One GPT-Live WebRTC call watched and steered through its sideband. */
export class LiveSidebandSession {
  private readonly call: SidebandLifecycle;
  private readonly recorder: ConversationRecorder;
  /** Its transcript turns, their latency and the usage seconds (as the Live relay stores them). */
  private readonly live: LiveRecorder;
  private readonly delegations: LiveDelegations;
  /** Client delegation: this server is the backend, as for a relayed session (else null). */
  private readonly clientDelegations: LiveClientDelegations | null;
  private timer: NodeJS.Timeout | null = null;
  private greeted = false;
  /** When this call's latest typed messages were sent (ms), for the rate limit. */
  private typedAt: number[] = [];
  private typedCount = 0;

  constructor(private readonly options: LiveSidebandSessionOptions) {
    this.call = new SidebandLifecycle(options, {
      url: liveAttachUrl(options.upstream, options.sessionId),
      service: 'live',
      label: 'WebRTC live call',
      model: options.session.model,
      // The sideband went away without `session.closed`: the call is not watched any more.
      lost: { outcome: { status: 'failed', endReason: 'sideband_lost' }, hangUp: true },
      frame: (frame) => this.onFrame(frame),
      ending: (outcome) => this.ending(outcome),
      // Ending here: the session is closed over the sideband, so its `session.closed` (the seconds
      // since the last periodic usage update) is stored before the call ends (as the Live relay).
      close: () => ({
        event: { type: 'session.close', event_id: closeEventId },
        closing: (frame) => this.onClosingFrame(frame),
        closesCall: true,
      }),
    });
    this.recorder = this.call.recorder;
    this.live = new LiveRecorder({
      recorder: this.recorder,
      model: options.session.model,
      onText: (turn) => this.clientDelegations?.noteMessage(turn.itemId, turn.role, turn.text),
    });
    const { store, mailer, agent, now, log } = options;
    const host = {
      serverTools: options.serverTools,
      turns: this.live,
      recorder: this.recorder,
      tools: { store, mailer, agent, now, log },
      toUpstream: (event: Json) => this.call.send(event),
      // The browser sees the service's events on its own channel; nothing is sent to it (a server
      // tool's card under client delegation gets no result: no server event reaches the channel).
      toBrowser: () => undefined,
      closed: () => this.call.closed,
    };
    // Agents with browser tools take Live calls through the relay only (webrtc-routes.ts).
    this.delegations = new LiveDelegations({ ...host, clientToolNames: new Set() });
    // Under client delegation this server answers the call's delegations, spoken or typed, as the
    // Live relay does.
    this.clientDelegations =
      options.session.delegation.type === 'client'
        ? new LiveClientDelegations({ ...host, ...clientDelegationParts(options) })
        : null;
  }

  /** The conversation this call records into. */
  get conversation(): string {
    return this.call.conversation;
  }

  /** Settles once the call has ended, been hung up and every write is stored. */
  get ended(): Promise<void> {
    return this.call.ended;
  }

  /** Times the delegation was found changed and sent again. */
  get reassertions(): number {
    return this.call.reassertions;
  }

  /** Attaches the sideband and starts the time limit; resolves whether the sideband listens. */
  start(): Promise<boolean> {
    const listening = this.call.start();
    this.timer = setTimeout(
      () => this.call.finish({ status: 'completed', endReason: 'session_time_limit' }),
      this.options.maxSessionMs,
    );
    this.timer.unref();
    return listening;
  }

  /**
   * Ends the call from outside (server shutdown, or `client_closed`: the browser hung up);
   * resolves once it is hung up and stored.
   */
  shutdown(endReason?: string): Promise<void> {
    return this.call.shutdown(endReason);
  }

  /**
   * Text the visitor typed (`POST /api/calls/{callId}/text`; the data channel may not carry it):
   * stored and sent upstream as the Live relay sends it, then continued with one
   * `response.create` under Responses delegation; under client delegation this server's backend
   * answers it.
   */
  typedText(text: string): TypedTextOutcome {
    if (this.call.closed) return { sent: false, reason: 'ended' };
    const now = this.options.now().getTime();
    this.typedAt = this.typedAt.filter((at) => now - at < TYPED_TEXT_WINDOW_MS);
    if (this.typedAt.length >= TYPED_TEXT_LIMIT) {
      const wait = TYPED_TEXT_WINDOW_MS - (now - this.typedAt[0]!);
      return { sent: false, reason: 'rate_limited', retryAfterSeconds: Math.ceil(wait / 1000) };
    }
    this.typedAt.push(now);
    const eventId = `evt_parley_typed_${++this.typedCount}`;
    const { itemId, awaitsResponse } = sendTypedText(
      {
        delegation: this.options.session.delegation,
        live: this.live,
        recorder: this.recorder,
        clientDelegations: this.clientDelegations,
        toUpstream: (event) => this.call.send(event),
      },
      text,
      (body) => ({ ...body, event_id: eventId }),
    );
    if (awaitsResponse)
      this.call.send({ type: 'response.create', event_id: `${eventId}_response` });
    return { sent: true, itemId };
  }

  private onFrame(frame: Buffer): void {
    const type = leadingType(frame);
    if (type !== null && REFLECTED_AUDIO.has(type)) return;
    let event: Json;
    try {
      event = JSON.parse(frame.toString('utf8')) as Json;
    } catch {
      return;
    }
    switch (event.type) {
      case 'session.started':
        this.greet();
        return;
      case 'session.updated':
        this.onSessionUpdated(event.session);
        return;
      case 'session.input_transcript.delta':
      case 'session.output_transcript.delta':
        this.live.transcriptDelta(event);
        return;
      case 'session.delegation.created':
        this.clientDelegations?.onDelegationCreated(event);
        return;
      case 'response.event':
        this.delegations.onResponseEvent(
          typeof event.delegation_id === 'string' ? event.delegation_id : '',
          event.event as Json | undefined,
        );
        return;
      case 'session.usage.updated':
        this.live.usage(event.usage);
        return;
      case 'session.closed':
        this.live.usage(event.usage);
        this.onClosedUpstream(event.reason);
        return;
      case 'error':
        this.options.log.warn('the live service reported an error on a WebRTC call', {
          conversationId: this.conversation,
          error: event.error,
        });
        return;
      default:
        return;
    }
  }

  /** A frame after this server asked the session to close: usage counts; true once it closed. */
  private onClosingFrame(frame: Buffer): boolean {
    const type = leadingType(frame);
    if (type !== null && REFLECTED_AUDIO.has(type)) return false;
    let event: Json;
    try {
      event = JSON.parse(frame.toString('utf8')) as Json;
    } catch {
      return false;
    }
    if (event.type === 'session.usage.updated' || event.type === 'session.closed')
      this.live.usage(event.usage);
    return event.type === 'session.closed';
  }

  /** The session runs (its `session.started`, replayed on attach): the agent greets, once (not on a resume). */
  private greet(): void {
    if (this.greeted) return;
    this.greeted = true;
    // A resumed conversation was greeted before the drop (its history is the session's `input`).
    const greeting = this.options.reopened ? null : this.options.agent.config.greeting;
    if (!greeting) return;
    this.call.send({
      type: 'session.instructions.append',
      event_id: 'evt_parley_greeting',
      delegation_id: null,
      content: greetingInstructions(greeting),
    });
  }

  private onSessionUpdated(session: unknown): void {
    const published = this.options.session.delegation;
    const drift = delegationDrift(published, session);
    if (drift.length === 0) return;
    if (!this.call.tampered(drift, 'a WebRTC call changed the live delegation; putting it back'))
      return;
    this.call.send({
      type: 'session.update',
      event_id: reassertEventId,
      session: { delegation: published },
    });
  }

  /** `session.closed` from upstream: why, in the relay's words (a browser that left may resume). */
  private onClosedUpstream(reason: unknown): void {
    const endReason =
      reason === 'expired'
        ? 'session_time_limit'
        : reason === 'connection_lost'
          ? 'client_closed'
          : 'conversation_ended';
    this.call.finish({ status: 'completed', endReason }, false);
  }

  /** The call ends: its time limit stops and the open turn is stored (incomplete when cut). */
  private ending(outcome: SessionOutcome): void {
    if (this.timer) clearTimeout(this.timer);
    this.clientDelegations?.finish();
    this.live.finish(outcome.status === 'completed');
  }
}

/** What a call's client delegations take beside the delegation host (as the relay's do). */
function clientDelegationParts(options: LiveSidebandSessionOptions) {
  const { shared, handler, deadlineMs } = options.clientDelegation;
  const responsesUrl = options.upstream.responsesUrl?.();
  return {
    conversationId: options.conversationId,
    agent: options.agent,
    shared,
    responses:
      responsesUrl === undefined
        ? null
        : { url: responsesUrl, headers: options.upstream.headers() },
    handler,
    timings: {
      ...defaultClientDelegationTimings,
      deadlineMs: deadlineMs ?? defaultClientDelegationTimings.deadlineMs,
    },
  };
}
