/**
 * One relayed GPT-Live conversation: the browser talks to Parley, Parley holds the key and the
 * primary socket upstream. The relay sends the published config in `session.start` and lets the
 * browser send only what a visitor needs — audio, mute/unmute, typed text as a user message (and
 * the output of a browser tool the relay handed it) — never instructions, delegation config,
 * history or tools, like Live's own `client.data_channel.allowed_client_events`. Server tools run
 * here by Responses delegation; under client delegation this server is the backend
 * (`live-client-delegations.ts`: its browser tools' outputs come back here, not upstream). Transcripts (grouped into turns), tool calls and usage seconds
 * are stored as they flow.
 */
import WebSocket from 'ws';
import type { SharedState } from '../../coordination/shared-state.js';
import type { Logger } from '../../logger.js';
import type { PublishedAgent } from '../../storage/agents-store.js';
import type { Store } from '../../storage/store.js';
import type { Mailer } from '../../tools/mailer.js';
import type { ServerTool } from '../../tools/types.js';
import type { Upstream } from '../../upstream.js';
import { ConversationRecorder } from '../conversation-recorder.js';
import { asBuffer, leadingType } from '../fast-path.js';
import { maxPendingBytes, relayCloseCodes, type RelayCloseReason } from '../socket-pair.js';
import {
  LiveClientDelegations,
  defaultClientDelegationTimings,
  type ClientDelegationTimings,
} from './live-client-delegations.js';
import type { LiveDelegationHandler } from './live-delegation-handler.js';
import { LiveDelegations } from './live-delegations.js';
import type { LiveStartConfig } from './live-session-start.js';
import { LiveRecorder } from './live-recorder.js';
import { sendTypedText } from './live-typed-text.js';

type Json = Record<string, unknown>;

/** How long to wait for `session.closed` (final usage) after asking upstream to close. */
const CLOSE_WAIT_MS = 5000;

/** What a Live relay session needs. */
export interface LiveRelaySessionOptions {
  browser: WebSocket;
  agent: PublishedAgent;
  start: LiveStartConfig;
  serverTools: Map<string, ServerTool>;
  clientToolNames: Set<string>;
  clientId: string;
  maxSessionMs: number;
  conversation: { id: string; reopened: boolean };
  store: Store;
  mailer: Mailer;
  upstream: Upstream;
  /** Where client delegation ids are claimed (once across instances). */
  shared: SharedState;
  /** The embedding app's answer to client delegations (else the server's Responses backend). */
  delegationHandler?: LiveDelegationHandler | undefined;
  delegationTimings?: ClientDelegationTimings | undefined;
  log: Logger;
  now: () => Date;
  onClose: () => void;
}

/** Client event types a browser may send (the rest are refused and never forwarded). */
export const LIVE_BROWSER_EVENTS: ReadonlySet<string> = new Set([
  'session.input_audio.append',
  'session.input_audio.mute',
  'session.input_audio.unmute',
  'response.item.create',
  'response.create',
]);

/** A relayed Live session (see the module comment). */
export class LiveRelaySession {
  private readonly recorder: ConversationRecorder;
  /** Its transcript turns, their latency and the usage seconds. */
  private readonly live: LiveRecorder;
  private upstreamSocket: WebSocket | null = null;
  private started = false;
  private readonly pending: string[] = [];
  private pendingBytes = 0;
  private readonly delegations: LiveDelegations;
  /** Client delegation: this server answers them (null under Responses delegation). */
  private readonly clientDelegations: LiveClientDelegations | null;
  /** A typed message or a browser tool output was forwarded: the browser may send one `response.create`. */
  private mayCreateResponse = false;
  private closed = false;
  upstreamSessionId: string | null = null; // GPT-Live's id (recordings are imported by it)
  private finalUsage = false;
  private timer: NodeJS.Timeout | null = null;
  private endReason: RelayCloseReason | 'upstream_closed_session' = 'conversation_ended';

  constructor(private readonly options: LiveRelaySessionOptions) {
    this.recorder = new ConversationRecorder(options.store, options.log, {
      id: options.conversation.id,
      reopened: options.conversation.reopened,
      agentId: options.agent.agent.id,
      agentVersion: options.agent.version,
      model: options.start.model,
      clientId: options.clientId,
    });
    this.live = new LiveRecorder({
      recorder: this.recorder,
      model: options.start.model,
      onText: (turn) => this.clientDelegations?.noteMessage(turn.itemId, turn.role, turn.text),
    });
    const host = {
      turns: this.live,
      serverTools: options.serverTools,
      recorder: this.recorder,
      tools: {
        store: options.store,
        mailer: options.mailer,
        agent: options.agent,
        now: options.now,
        log: options.log,
      },
      toUpstream: (event: Json) => this.toUpstream(event),
      toBrowser: (event: Json) => this.toBrowser(JSON.stringify(event)),
      closed: () => this.closed,
    };
    this.delegations = new LiveDelegations({ ...host, clientToolNames: options.clientToolNames });
    const responsesUrl = options.upstream.responsesUrl?.();
    this.clientDelegations =
      options.start.delegation.type === 'client'
        ? new LiveClientDelegations({
            ...host,
            conversationId: options.conversation.id,
            agent: options.agent,
            shared: options.shared,
            responses:
              responsesUrl === undefined
                ? null
                : { url: responsesUrl, headers: options.upstream.headers() },
            handler: options.delegationHandler,
            timings: options.delegationTimings ?? defaultClientDelegationTimings,
          })
        : null;
  }

  /** The conversation id. */
  get conversation(): string {
    return this.options.conversation.id;
  }

  /** Resolves when every write of this session is stored. */
  flushed(): Promise<void> {
    return this.recorder.flushed();
  }

  /** Connects upstream, sends `session.start`, and takes the browser's frames (`early`: those that came first). */
  start(early: Array<[WebSocket.RawData, boolean]>): void {
    const { browser, upstream } = this.options;
    for (const [data, isBinary] of early) this.fromBrowser(data, isBinary);
    browser.on('message', (data, isBinary) => this.fromBrowser(data, isBinary));
    // Stored as `client_closed`, as on Realtime: a dropped browser may resume the conversation.
    browser.on('close', () => this.finish('conversation_ended', true, 'client_closed'));
    const socket = new WebSocket(upstream.liveUrl(), {
      headers: upstream.headers(),
      perMessageDeflate: false,
    });
    this.upstreamSocket = socket;
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'session.start',
          event_id: 'evt_parley_start',
          session: this.options.start,
        }),
      ),
    );
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.fromUpstream(asBuffer(data));
    });
    socket.on('error', (error) =>
      this.options.log.warn('live upstream error', { error: error.message }),
    );
    socket.on('close', () => {
      if (!this.closed)
        this.finish(this.finalUsage ? 'conversation_ended' : 'upstream_closed', false);
    });
    this.timer = setTimeout(
      () => this.finish('session_time_limit', true),
      this.options.maxSessionMs,
    );
    this.timer.unref();
  }

  private toBrowser(data: string | Buffer): void {
    const { browser } = this.options;
    if (browser.readyState === WebSocket.OPEN) browser.send(data, { binary: false });
  }

  private toUpstream(event: Json | string): void {
    const data = typeof event === 'string' ? event : JSON.stringify(event);
    if (!this.started) {
      this.pendingBytes += data.length;
      if (this.pendingBytes > maxPendingBytes) {
        this.finish('client_flood', true);
        return;
      }
      this.pending.push(data);
      return;
    }
    const socket = this.upstreamSocket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(data);
  }

  private refuse(type: string, clientEventId: unknown, message: string): void {
    const error: Json = { type: 'invalid_request_error', code: 'event_not_allowed', message };
    if (typeof clientEventId === 'string') error.client_event_id = clientEventId;
    this.toBrowser(JSON.stringify({ type: 'error', event_id: 'event_parley_refused', error }));
    this.options.log.info('live relay refused a browser event', {
      type,
      conversationId: this.conversation,
    });
  }

  /** The browser's allowlist: audio, mute/unmute, typed text, browser tool outputs. */
  private fromBrowser(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed || isBinary) return;
    const frame = asBuffer(data);
    // Microphone audio is most of the traffic: forwarded without being parsed (the event can carry nothing else that matters).
    if (leadingType(frame) === 'session.input_audio.append') {
      this.toUpstream(frame.toString('utf8'));
      return;
    }
    let event: Json;
    try {
      const parsed: unknown = JSON.parse(frame.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      event = parsed as Json;
    } catch {
      this.refuse('invalid', undefined, 'Send JSON events.');
      return;
    }
    const type = typeof event.type === 'string' ? event.type : '';
    const eventId = typeof event.event_id === 'string' ? event.event_id : undefined;
    const withId = (body: Json): Json =>
      eventId === undefined ? body : { ...body, event_id: eventId };
    if (!LIVE_BROWSER_EVENTS.has(type)) {
      this.refuse(
        type,
        eventId,
        `'${type}' is not allowed from the browser; the agent's configuration is set by the server.`,
      );
      return;
    }
    if (type === 'session.input_audio.append') {
      if (typeof event.audio === 'string') this.toUpstream(withId({ type, audio: event.audio }));
      return;
    }
    if (type === 'session.input_audio.mute' || type === 'session.input_audio.unmute') {
      this.toUpstream(withId({ type }));
      return;
    }
    if (type === 'response.create') {
      if (!this.mayCreateResponse) {
        this.refuse(
          type,
          eventId,
          "'response.create' is only allowed after typed text or a browser tool's output.",
        );
        return;
      }
      this.mayCreateResponse = false;
      this.toUpstream(withId({ type }));
      return;
    }
    this.fromBrowserItem(event.item, eventId, withId);
  }

  /** `response.item.create` from the browser: a typed user message, or a browser tool's output. */
  private fromBrowserItem(
    item: unknown,
    eventId: string | undefined,
    withId: (body: Json) => Json,
  ): void {
    const entry = (item !== null && typeof item === 'object' ? item : {}) as Json;
    if (entry.type === 'function_call_output' && typeof entry.call_id === 'string') {
      const callId = entry.call_id;
      const output =
        typeof entry.output === 'string' ? entry.output : JSON.stringify(entry.output ?? null);
      if (this.delegations.browserAnswered(callId, output)) {
        this.toUpstream(
          withId({
            type: 'response.item.create',
            item: { type: 'function_call_output', call_id: callId, output },
          }),
        );
        this.mayCreateResponse = true;
        return;
      }
      // A browser tool a client delegation's backend called: its output is the server's to use.
      if (this.clientDelegations?.browserAnswered(callId, output)) return;
    }
    const content = Array.isArray(entry.content) ? (entry.content as unknown[]) : [];
    const texts = content.map((part) =>
      part !== null &&
      typeof part === 'object' &&
      (part as Json).type === 'input_text' &&
      typeof (part as Json).text === 'string'
        ? ((part as Json).text as string)
        : null,
    );
    if (
      entry.type !== 'message' ||
      entry.role !== 'user' ||
      texts.length === 0 ||
      texts.includes(null)
    ) {
      this.refuse(
        'response.item.create',
        eventId,
        'Only a user message of text, or the output of a browser tool call, is allowed.',
      );
      return;
    }
    const sent = sendTypedText(
      {
        delegation: this.options.start.delegation,
        live: this.live,
        recorder: this.recorder,
        clientDelegations: this.clientDelegations,
        toUpstream: (body) => this.toUpstream(body),
      },
      texts.join('\n'),
      withId,
    );
    // Under Responses delegation the browser continues the backend with one `response.create`.
    if (sent.awaitsResponse) this.mayCreateResponse = true;
  }

  private fromUpstream(frame: Buffer): void {
    const type = leadingType(frame);
    if (type === 'session.output_audio.delta') {
      this.toBrowser(frame);
      return;
    }
    let event: Json;
    try {
      event = JSON.parse(frame.toString('utf8')) as Json;
    } catch {
      return;
    }
    this.toBrowser(frame);
    switch (event.type) {
      case 'session.started':
        this.upstreamSessionId = ((event.session as Json | undefined)?.id as string) ?? null;
        this.onStarted();
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
        this.finalUsage = true;
        this.finish(
          event.reason === 'expired' ? 'session_time_limit' : 'conversation_ended',
          false,
        );
        return;
      default:
        return;
    }
  }

  private onStarted(): void {
    this.started = true;
    const greeting = this.options.agent.config.greeting;
    const socket = this.upstreamSocket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    if (greeting && !this.options.conversation.reopened)
      socket.send(
        JSON.stringify({
          type: 'session.instructions.append',
          event_id: 'evt_parley_greeting',
          delegation_id: null,
          content: `Greet the visitor by saying exactly this, and nothing else: "${greeting}"`,
        }),
      );
    for (const data of this.pending.splice(0)) socket.send(data);
    this.pendingBytes = 0;
  }

  /**
   * Ends the conversation once: stores the open turn (incomplete when the upstream dropped in the
   * middle of it), asks upstream for `session.closed` when it is still there, and closes the
   * browser with the relay's code for the reason.
   */
  private finish(reason: RelayCloseReason, askUpstream: boolean, stored: string = reason): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const lost = reason === 'upstream_closed';
    this.live.finish(!lost);
    this.clientDelegations?.finish();
    this.endReason = reason;
    this.recorder.end({ status: lost ? 'failed' : 'completed', endReason: stored });
    const { browser } = this.options;
    if (browser.readyState === WebSocket.OPEN) browser.close(relayCloseCodes[reason], reason);
    const socket = this.upstreamSocket;
    if (askUpstream && socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'session.close', event_id: 'evt_parley_close' }));
      const force = setTimeout(() => socket.terminate(), CLOSE_WAIT_MS);
      force.unref();
      socket.on('close', () => clearTimeout(force));
      // The final usage comes with session.closed, after the conversation's end was decided.
      socket.on('message', (data) => {
        const text = asBuffer(data).toString('utf8');
        if (!text.includes('"session.closed"')) return;
        try {
          this.live.usage((JSON.parse(text) as Json).usage);
        } catch {
          // ignore a malformed final frame
        }
        socket.close();
      });
    } else if (socket && socket.readyState !== WebSocket.CLOSED) socket.close();
    this.options.onClose();
  }

  /** Ends the session because this instance is draining: the browser reconnects at once (1012). */
  restart(): Promise<void> {
    this.finish('server_restart', true);
    return this.flushed();
  }

  /** Ends the session because the server is stopping. */
  shutdown(): Promise<void> {
    this.finish('server_shutdown', true);
    return this.flushed();
  }

  /**
   * Ends the session because its conversation goes on over a new connection (the browser
   * reconnected before this one noticed the drop), as a Realtime one does (`client_closed`).
   * Resolves once its writes are stored.
   */
  supersede(): Promise<void> {
    this.finish('conversation_ended', true, 'client_closed');
    return this.flushed();
  }

  /** Why the session ended (for logs and tests). */
  get reason(): string {
    return this.endReason;
  }
}
