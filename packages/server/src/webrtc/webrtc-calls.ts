/**
 * The WebRTC calls this server placed for browsers: each is placed upstream with the agent's
 * published session and the server's key, then watched through its {@link SidebandSession}
 * until it ends. Holds the live ones for shutdown and drains.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { RelayLimits } from '../relay/relay-timers.js';
import { realtimeSession } from '../session-config.js';
import type { ReleaseSlot } from '../sessions/session-slots.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import { agentTools } from '../tools/agent-tools.js';
import type { Mailer } from '../tools/mailer.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { Upstream } from '../upstream.js';
import { liveCallConfig } from './live-call-config.js';
import { LiveSidebandSession } from './live-sideband-session.js';
import { SidebandSession } from './sideband-session.js';
import { createUpstreamCall, hangupUpstreamCall, UpstreamCallError } from './upstream-calls.js';
import { createUpstreamLiveSession, hangupUpstreamLiveSession } from './upstream-live-sessions.js';

/** What the calls registry needs. */
export interface WebRtcCallsOptions {
  store: Store;
  mailer: Mailer;
  upstream: Upstream;
  urlGuard: UrlGuard;
  log: Logger;
  now: () => Date;
  /** The server's limits (an agent may set a shorter session). */
  limits: RelayLimits;
  /** For the upstream's HTTP endpoints (tests measure or fail it). Default: global fetch. */
  fetch?: typeof fetch;
  /** A call's conversation ended and every write is stored (post-call work starts here). */
  onConversationEnded?: (conversationId: string) => void;
}

/** A call placed for a browser. */
export interface PlacedCall {
  /** The SDP answer for the browser. */
  answer: string;
  conversationId: string;
  /** When the agent's time limit ends the call at the latest. */
  expiresAt: Date;
}

/** A call watched through its sideband (Realtime or GPT-Live). */
interface WatchedCall {
  readonly ended: Promise<void>;
  shutdown(): Promise<void>;
}

/** The client a call is placed for: its id, its slot, and a conversation to record into. */
interface CallClient {
  id: string;
  release: ReleaseSlot;
  conversationId?: string;
}

/** Places WebRTC calls and tracks their sideband sessions. */
export class WebRtcCalls {
  private readonly sessions = new Set<WatchedCall>();
  /** Calls that ended but are still being hung up or stored. */
  private readonly ending = new Set<Promise<void>>();
  private draining = false;

  constructor(private readonly options: WebRtcCallsOptions) {}

  /** Live calls. */
  get size(): number {
    return this.sessions.size;
  }

  /** True once the server drains: no new calls. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Places a call for `agent` with the browser's `offer` and attaches its sideband. `release`
   * gives the client's session slot back when the call ends (or at once if placing it fails).
   * Throws what {@link createUpstreamCall} throws, and an {@link UpstreamCallError} with status
   * 503 when the sideband cannot attach (the call is then hung up).
   */
  async place(agent: PublishedAgent, offer: string, client: CallClient): Promise<PlacedCall> {
    if (agent.config.api === 'live') return this.placeLive(agent, offer, client);
    const { options } = this;
    const fetchImpl = options.fetch ?? fetch;
    let placed: { callId: string; answer: string };
    let session: ReturnType<typeof realtimeSession>;
    let tools: Awaited<ReturnType<typeof agentTools>>;
    try {
      tools = await agentTools(options.store, agent.config, options.urlGuard);
      session = realtimeSession(agent.config, tools.definitions, {
        includeModel: true,
        now: options.now(),
      });
      placed = await createUpstreamCall(options.upstream, offer, session, fetchImpl);
    } catch (error) {
      client.release();
      throw error;
    }
    const maxSessionMs = Math.min(
      options.limits.maxSessionMs,
      agent.config.maxSessionSeconds * 1000,
    );
    const conversationId = client.conversationId ?? randomUUID();
    const sideband: SidebandSession = new SidebandSession({
      callId: placed.callId,
      agent,
      session,
      serverTools: tools.serverTools,
      clientToolNames: new Set(agent.config.clientTools.map((tool) => tool.name)),
      clientId: client.id,
      limits: { maxSessionMs, idleTimeoutMs: options.limits.idleTimeoutMs },
      conversationId,
      store: options.store,
      mailer: options.mailer,
      upstream: options.upstream,
      log: options.log,
      now: options.now,
      hangup: () => hangupUpstreamCall(options.upstream, placed.callId, fetchImpl),
      onClose: () => this.closed(sideband, client, conversationId),
    });
    this.sessions.add(sideband);
    if (!(await sideband.start())) {
      // Already hung up and ended (sideband_unavailable): no server tools, no recording.
      throw new UpstreamCallError('The server could not attach to the call.', 503, null);
    }
    return {
      answer: placed.answer,
      conversationId,
      expiresAt: new Date(options.now().getTime() + maxSessionMs),
    };
  }

  /**
   * A GPT-Live call: the session is created upstream with the agent's published config, the
   * browser's offer and `client.data_channel` permissions, then watched by a
   * {@link LiveSidebandSession} attached to it (`/attach`).
   */
  private async placeLive(
    agent: PublishedAgent,
    offer: string,
    client: CallClient,
  ): Promise<PlacedCall> {
    const { options } = this;
    const fetchImpl = options.fetch ?? fetch;
    let created: Awaited<ReturnType<typeof createUpstreamLiveSession>>;
    let session: ReturnType<typeof liveCallConfig>;
    let tools: Awaited<ReturnType<typeof agentTools>>;
    try {
      tools = await agentTools(options.store, agent.config, options.urlGuard);
      session = liveCallConfig(agent.config, tools.definitions, options.now());
      created = await createUpstreamLiveSession(options.upstream, offer, session, fetchImpl);
    } catch (error) {
      client.release();
      throw error;
    }
    const maxSessionMs = Math.min(
      options.limits.maxSessionMs,
      agent.config.maxSessionSeconds * 1000,
    );
    const conversationId = client.conversationId ?? randomUUID();
    const sideband: LiveSidebandSession = new LiveSidebandSession({
      sessionId: created.sessionId,
      agent,
      session,
      serverTools: tools.serverTools,
      clientId: client.id,
      maxSessionMs,
      conversationId,
      store: options.store,
      mailer: options.mailer,
      upstream: options.upstream,
      log: options.log,
      now: options.now,
      hangup: () => hangupUpstreamLiveSession(options.upstream, created.sessionId, fetchImpl),
      onClose: () => this.closed(sideband, client, conversationId),
    });
    this.sessions.add(sideband);
    if (!(await sideband.start()))
      throw new UpstreamCallError('The server could not attach to the session.', 503, null);
    return {
      answer: created.answer,
      conversationId,
      expiresAt: new Date(options.now().getTime() + maxSessionMs),
    };
  }

  /** A call ended: its slot is free, its writes are awaited on shutdown, then post-call runs. */
  private closed(call: WatchedCall, client: CallClient, conversationId: string): void {
    client.release();
    this.sessions.delete(call);
    const ended = call.ended
      .then(() => this.options.onConversationEnded?.(conversationId))
      .finally(() => this.ending.delete(ended));
    this.ending.add(ended);
  }

  /**
   * Stops placing calls and waits for the live ones to end on their own: a WebRTC call cannot
   * move to another instance (its media never passes through this one, but its sideband does).
   */
  async drain(): Promise<void> {
    this.draining = true;
    await Promise.all([...[...this.sessions].map((session) => session.ended), ...this.ending]);
  }

  /** Hangs up every live call and waits for their writes. */
  async close(): Promise<void> {
    this.draining = true;
    await Promise.all([...[...this.sessions].map((session) => session.shutdown()), ...this.ending]);
  }
}
