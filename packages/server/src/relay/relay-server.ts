/**
 * The relay endpoint `/api/realtime`: WebSocket upgrades carrying a ticket (subprotocol
 * `parley-ticket.<ticket>` or `?ticket=`), per-client concurrency caps, and the registry of live
 * relay sessions.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Recordings } from '../recording/recordings.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import { agentTools } from '../tools/agent-tools.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { ReleaseSlot, SessionSlots } from '../sessions/session-slots.js';

import { realtimeSession } from '../session-config.js';
import type { TicketGrant, TicketStore } from '../sessions/tickets.js';
import type { Upstream } from '../upstream.js';
import type { Logger } from '../logger.js';
import { replayEvents } from '../sessions/replay.js';
import type { ReplayItem } from '../storage/conversations-store.js';
import { liveResumeInput } from './live/live-resume-input.js';
import { RelaySession } from './relay-session.js';
import { LiveRelaySession } from './live/live-relay-session.js';
import { liveSessionStart, type LiveStartConfig } from './live/live-session-start.js';
import { importLiveRecording } from '../recording/live-recording-import.js';
import type { RelayLimits } from './relay-timers.js';
import { relayCloseCodes } from './socket-pair.js';
import { EarlyMessages } from './early-messages.js';
import type { RelayCloseReason } from './socket-pair.js';
import type { SharedState } from '../coordination/shared-state.js';
import type { LiveDelegationHandler } from './live/live-delegation-handler.js';
import { defaultClientDelegationTimings } from './live/live-client-delegations.js';

/** Subprotocol prefix that carries a relay ticket. */
export const ticketProtocolPrefix = 'parley-ticket.';

/** What the relay endpoint needs. */
export interface RelayServerOptions {
  store: Store;
  mailer: Mailer;
  upstream: Upstream;
  tickets: TicketStore;
  log: Logger;
  now: () => Date;
  limits: RelayLimits & { liveDelegationDeadlineMs?: number };
  clientAddress: (request: IncomingMessage) => string;
  /** The per-client cap on live conversations (shared with `POST /api/sessions`). */
  slots: SessionSlots;
  /** Guards the URLs of webhook tools. */
  urlGuard: UrlGuard;
  /** Shared state: GPT-Live client delegations are claimed there (once across instances). */
  shared: SharedState;
  /** Answers GPT-Live client delegations (else the server's own Responses backend). */
  liveDelegationHandler?: LiveDelegationHandler | undefined;
  /** A conversation ended (or was handed over) and its writes are stored: post-call work. */
  onConversationEnded?: (conversationId: string) => void;
  /** Records conversations whose agent version asks for it (absent: nothing is recorded). */
  recordings?: Recordings;
  /**
   * Ends every other live holder of a resumed conversation and awaits its writes
   * (`ConversationTakeover.takeOver`): a WebRTC call here that dropped (an `'auto'` session fell
   * back), and a stale relayed session or call on another instance. Default: this relay's own
   * sessions only ({@link RelayServer.endLive}).
   */
  takeOver?: (conversationId: string) => Promise<void>;
}

/** Accepts relay upgrades and tracks live sessions. */
export class RelayServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 4 * 1024 * 1024,
    handleProtocols: (protocols) => {
      if (protocols.has('realtime')) return 'realtime';
      for (const protocol of protocols)
        if (protocol.startsWith(ticketProtocolPrefix)) return protocol;
      return false;
    },
  });
  private readonly sessions = new Set<RelaySession>();
  /** Relayed GPT-Live sessions (agents whose `api` is `live`). */
  private readonly liveSessions = new Set<LiveRelaySession>();
  /** Writes still on their way for conversations whose session has closed (a resume awaits them). */
  private readonly closingWrites = new Map<string, Promise<void>>();
  constructor(private readonly options: RelayServerOptions) {}

  /** Live relay sessions. */
  get size(): number {
    return this.sessions.size + this.liveSessions.size;
  }

  private draining = false;

  /** Handles an upgrade for `/api/realtime`; returns false for any other path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    if (url.pathname !== '/api/realtime') return false;
    if (this.draining) {
      // A proxy set to retry on 503 (HAProxy `retry-on 503`, nginx `proxy_next_upstream
      // http_503`) sends the upgrade to another instance; nothing has happened here yet.
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n',
      );
      return true;
    }
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((value) => value.trim());
    const fromProtocol = offered.find((protocol) => protocol.startsWith(ticketProtocolPrefix));
    const ticket =
      fromProtocol?.slice(ticketProtocolPrefix.length) ?? url.searchParams.get('ticket') ?? '';
    const clientId = this.options.clientAddress(request);
    this.wss.handleUpgrade(request, socket, head, (browser) => {
      void this.accept(browser, ticket, clientId);
    });
    return true;
  }

  private reject(browser: WebSocket, reason: RelayCloseReason, message: string): void {
    browser.send(
      JSON.stringify({
        type: 'error',
        event_id: 'event_parley_0',
        error: {
          type: 'invalid_request_error',
          code: reason,
          message,
          param: null,
          event_id: null,
        },
      }),
    );
    browser.close(relayCloseCodes[reason], reason);
  }

  private async accept(browser: WebSocket, ticket: string, clientId: string): Promise<void> {
    const early = new EarlyMessages(browser, () =>
      this.reject(browser, 'client_flood', 'too much was sent before the conversation was ready'),
    );
    const admitted = await this.admit(browser, ticket, clientId);
    if (!admitted) return;
    const { grant, release } = admitted;
    const setup = await this.prepare(browser, grant, release);
    if (!setup) return;
    if (early.flooded || browser.readyState !== WebSocket.OPEN) {
      release();
      return;
    }
    const context = { browser, early, grant, clientId, release };
    if (setup.agent.config.api === 'live') this.acceptLive(context, setup);
    else this.acceptRealtime(context, setup);
  }

  /**
   * Redeems the ticket and takes the client's session slot; undefined (the browser told why)
   * when either is refused or fails.
   */
  private async admit(
    browser: WebSocket,
    ticket: string,
    clientId: string,
  ): Promise<{ grant: TicketGrant; release: ReleaseSlot } | undefined> {
    let grant: TicketGrant | undefined;
    try {
      grant = await this.options.tickets.redeem(ticket);
    } catch (error) {
      this.options.log.error('could not redeem a relay ticket', { error });
      this.reject(browser, 'upstream_unavailable', 'the server could not start the conversation');
      return undefined;
    }
    if (!grant) {
      this.reject(
        browser,
        'invalid_ticket',
        'the ticket is missing, expired or already used; request a new session',
      );
      return undefined;
    }
    // The conversation is the slot: a resume takes over its own slot instead of needing another.
    let release: ReleaseSlot | null;
    try {
      // A call of it still live holds a slot of its own: ended first (on any instance), so a
      // client at its cap can go on through the relay (an 'auto' session's fallback).
      if (grant.resume) await this.takeOver(grant.conversationId);
      release = await this.options.slots.acquire(clientId, grant.conversationId);
    } catch (error) {
      this.options.log.error('could not take a session slot', { error });
      this.reject(browser, 'upstream_unavailable', 'the server could not start the conversation');
      return undefined;
    }
    if (!release) {
      this.reject(browser, 'too_many_sessions', this.options.slots.refusal);
      return undefined;
    }
    return { grant, release };
  }

  /**
   * Loads the granted agent and its tools, and a resumed conversation's history; undefined (slot
   * released, browser told why) when the agent is unavailable, time is up or the store fails.
   */
  private async prepare(
    browser: WebSocket,
    grant: TicketGrant,
    release: ReleaseSlot,
  ): Promise<SessionSetup | undefined> {
    try {
      const agent =
        grant.version === undefined
          ? await this.options.store.agents.published(grant.agentId)
          : await this.options.store.agents.atVersion(grant.agentId, grant.version);
      if (!agent) {
        release();
        this.reject(browser, 'agent_unavailable', 'the agent is not published');
        return undefined;
      }
      const tools = await agentTools(this.options.store, agent.config, this.options.urlGuard);
      const maxSessionMs = Math.min(
        this.options.limits.maxSessionMs,
        agent.config.maxSessionSeconds * 1000,
      );
      if (!grant.resume) return { agent, tools, maxSessionMs, history: [] };
      const resumed = await this.resume(grant.conversationId, maxSessionMs);
      if (!resumed) {
        release();
        this.reject(browser, 'session_time_limit', 'the conversation reached its time limit');
        return undefined;
      }
      return { agent, tools, ...resumed };
    } catch (error) {
      release();
      this.options.log.error('relay setup failed', { error });
      this.reject(browser, 'upstream_unavailable', 'the server could not start the conversation');
      return undefined;
    }
  }

  /**
   * Ends the conversation's relayed sessions still live here (Realtime or GPT-Live: the browser
   * reconnected before this side noticed the drop; stored `client_closed`) and awaits their
   * writes, and those of one that closed a moment ago, so the conversation is stored whole
   * before a resume reads it. A resume's takeover calls it (`ConversationTakeover`), here or
   * from another instance. True when there was such a session (or such writes).
   */
  async endLive(conversationId: string): Promise<boolean> {
    const stale = [...this.sessions, ...this.liveSessions].filter(
      (live) => live.conversation === conversationId,
    );
    const closing = this.closingWrites.get(conversationId);
    await Promise.all([...stale.map((live) => live.supersede()), closing]);
    return stale.length > 0 || closing !== undefined;
  }

  /** Ends every other live holder of a resumed conversation (see the `takeOver` option). */
  private async takeOver(conversationId: string): Promise<void> {
    if (this.options.takeOver) await this.options.takeOver(conversationId);
    else await this.endLive(conversationId);
  }

  /**
   * Takes a conversation over from its stale connection, relayed or a WebRTC call, and reopens
   * it as a relayed one with the time it has left; undefined when it has none.
   */
  private async resume(
    conversationId: string,
    maxSessionMs: number,
  ): Promise<Pick<SessionSetup, 'maxSessionMs' | 'history' | 'replay'> | undefined> {
    // Taken over on admission; a session of it that started here since is ended too.
    await this.endLive(conversationId);
    const conversation = await this.options.store.conversations.get(conversationId);
    if (!conversation) throw new Error(`conversation ${conversationId} is gone`);
    // The conversation's time limit counts from its start, across reconnects.
    const left = maxSessionMs - (this.options.now().getTime() - Date.parse(conversation.startedAt));
    if (left <= 0) return undefined;
    await this.options.store.conversations.reopen(conversationId, 'relay');
    const history = await this.options.store.conversations.replayItems(conversationId);
    return { maxSessionMs: left, history, replay: replayEvents(history) };
  }

  private acceptRealtime(context: AcceptContext, setup: SessionSetup): void {
    const { browser, grant, release } = context;
    const { agent, tools, maxSessionMs, replay } = setup;
    const session: RelaySession = new RelaySession({
      browser,
      agent,
      session: realtimeSession(agent.config, tools.definitions, { now: this.options.now() }),
      serverTools: tools.serverTools,
      clientToolNames: new Set(agent.config.clientTools.map((tool) => tool.name)),
      clientId: context.clientId,
      limits: { maxSessionMs, idleTimeoutMs: this.options.limits.idleTimeoutMs },
      conversation: { id: grant.conversationId, ...(replay === undefined ? {} : { replay }) },
      audio:
        this.options.recordings?.start({
          id: grant.conversationId,
          agentId: agent.agent.id,
          settings: agent.config.recording,
        }) ?? null,
      store: this.options.store,
      mailer: this.options.mailer,
      upstream: this.options.upstream,
      log: this.options.log,
      now: this.options.now,
      onClose: () => {
        release();
        this.sessions.delete(session);
        this.keepClosingWrites(session);
      },
    });
    this.sessions.add(session);
    session.start(context.early.handOver());
  }

  private acceptLive(context: AcceptContext, setup: SessionSetup): void {
    const { browser, grant, release } = context;
    const { agent, tools } = setup;
    const startedAt = this.options.now();
    const session: LiveRelaySession = new LiveRelaySession({
      browser,
      agent,
      start: withHistory(
        liveSessionStart(agent.config, tools.definitions, this.options.now()),
        setup.history,
      ),
      serverTools: tools.serverTools,
      clientToolNames: new Set(agent.config.clientTools.map((tool) => tool.name)),
      clientId: context.clientId,
      maxSessionMs: setup.maxSessionMs,
      conversation: { id: grant.conversationId, reopened: grant.resume },
      store: this.options.store,
      mailer: this.options.mailer,
      upstream: this.options.upstream,
      shared: this.options.shared,
      delegationHandler: this.options.liveDelegationHandler,
      delegationTimings: {
        ...defaultClientDelegationTimings,
        deadlineMs:
          this.options.limits.liveDelegationDeadlineMs ?? defaultClientDelegationTimings.deadlineMs,
      },
      log: this.options.log,
      now: this.options.now,
      onClose: () => {
        release();
        this.liveSessions.delete(session);
        this.keepClosingWrites(session);
        this.importLiveRecording(session, agent, startedAt);
      },
    });
    this.liveSessions.add(session);
    session.start(context.early.handOver());
  }

  /** A Live agent that records: GPT-Live kept the session (`store: true`); its recording is imported. */
  private importLiveRecording(session: LiveRelaySession, agent: PublishedAgent, startedAt: Date) {
    const { recordings } = this.options;
    const sessionId = session.upstreamSessionId;
    if (!recordings || !agent.config.recording.enabled || sessionId === null) return;
    const conversation = {
      id: session.conversation,
      agentId: agent.agent.id,
      settings: agent.config.recording,
    };
    void importLiveRecording(
      { recordings, upstream: this.options.upstream, log: this.options.log },
      conversation,
      sessionId,
      startedAt,
    );
  }

  /**
   * Remembers a closed session's pending writes until they are stored (a resume waits for them),
   * then starts the conversation's post-call work.
   */
  private keepClosingWrites(session: { readonly conversation: string; flushed(): Promise<void> }) {
    const conversation = session.conversation;
    const flushed = session.flushed().then(() => {
      if (this.closingWrites.get(conversation) === flushed) this.closingWrites.delete(conversation);
      this.options.onConversationEnded?.(conversation);
    });
    this.closingWrites.set(conversation, flushed);
  }

  /**
   * Stops accepting sessions and hands each live one over (see `RelaySession.restart`); resolves
   * when all are handed over.
   */
  async drain(): Promise<void> {
    this.draining = true;
    await Promise.all([
      ...[...this.sessions].map((session) => session.restart()),
      // A Live session cannot move to another instance: the browser reconnects (1012) to a fresh one.
      ...[...this.liveSessions].map((session) => session.restart()),
    ]);
  }

  /** Ends every live session (telling each browser) and waits for their writes. */
  async close(): Promise<void> {
    await Promise.all([
      ...[...this.sessions].map((session) => session.shutdown()),
      ...[...this.liveSessions].map((session) => session.shutdown()),
    ]);
    this.wss.close();
  }
}

/** What a session is started with, once its ticket, slot and agent are settled. */
interface SessionSetup {
  agent: PublishedAgent;
  tools: Awaited<ReturnType<typeof agentTools>>;
  maxSessionMs: number;
  /** A resumed conversation so far (GPT-Live gets it as startup `input`); empty when fresh. */
  history: readonly ReplayItem[];
  /** A resumed conversation's items to replay upstream (Realtime). */
  replay?: { frames: string[]; itemIds: Set<string> };
}

/** The accepted browser socket and what admitted it. */
interface AcceptContext {
  browser: WebSocket;
  early: EarlyMessages;
  grant: TicketGrant;
  clientId: string;
  release: ReleaseSlot;
}

/** A Live startup config with a resumed conversation's history as its `input` (none when fresh). */
function withHistory(start: LiveStartConfig, history: readonly ReplayItem[]): LiveStartConfig {
  const input = liveResumeInput(history);
  return input.length === 0 ? start : { ...start, input };
}
