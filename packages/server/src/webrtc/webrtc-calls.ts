/**
 * The WebRTC calls this server placed for browsers: each is placed upstream with the agent's
 * published session and the server's key, then watched through its {@link SidebandSession}
 * until it ends. Holds the live ones for shutdown and drains.
 */
import { randomUUID } from 'node:crypto';
import type { SharedState } from '../coordination/shared-state.js';
import type { Logger } from '../logger.js';
import type { LiveDelegationHandler } from '../relay/live/live-delegation-handler.js';
import { liveResumeInput } from '../relay/live/live-resume-input.js';
import type { RelayLimits } from '../relay/relay-timers.js';
import { replayEvents } from '../sessions/replay.js';
import type { ResumeTokens } from '../sessions/resume.js';
import { realtimeSession } from '../session-config.js';
import type { ReleaseSlot } from '../sessions/session-slots.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { ReplayItem } from '../storage/conversations-store.js';
import type { Store } from '../storage/store.js';
import { agentTools } from '../tools/agent-tools.js';
import type { Mailer } from '../tools/mailer.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { Upstream } from '../upstream.js';
import { liveCallConfig } from './live-call-config.js';
import { LiveSidebandSession } from './live-sideband-session.js';
import type { TypedTextOutcome } from './live-sideband-session.js';
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
  /** The server's limits (an agent may set a shorter session; client delegation's deadline). */
  limits: RelayLimits & { liveDelegationDeadlineMs?: number | undefined };
  /** Where a GPT-Live call's client delegations are claimed (once across instances). */
  shared: SharedState;
  /** The embedding app's answer to client delegations (else the server's Responses backend). */
  liveDelegationHandler?: LiveDelegationHandler | undefined;
  /** Signs the token a call's browser proves it owns the call with (its conversation's resume token). */
  resumeTokens: ResumeTokens;
  /** For the upstream's HTTP endpoints (tests measure or fail it). Default: global fetch. */
  fetch?: typeof fetch;
  /** A call's conversation ended and every write is stored (post-call work starts here). */
  onConversationEnded?: (conversationId: string) => void;
  /**
   * Ends every other live holder of a resumed conversation and awaits its writes
   * (`ConversationTakeover.takeOver`): a relayed session here (a reconnect over WebRTC takes it
   * over as the relay's own resume would), and a stale call or relayed session on another
   * instance. Default: this registry's own calls only ({@link WebRtcCalls.endLive}).
   */
  takeOver?: (conversationId: string) => Promise<void>;
}

/** A call placed for a browser. */
export interface PlacedCall {
  /** The SDP answer for the browser. */
  answer: string;
  /** This server's id of the call (not the upstream's): the browser hangs it up by it. */
  callId: string;
  conversationId: string;
  /** Proves the call is the browser's own: it hangs up with it (and resumes the conversation). */
  resumeToken: string;
  /** True when the call goes on with the conversation the client asked to resume. */
  resumed: boolean;
  /** When the agent's time limit ends the call at the latest. */
  expiresAt: Date;
}

/** A call watched through its sideband (Realtime or GPT-Live). */
interface WatchedCall {
  readonly ended: Promise<void>;
  /** Attaches the sideband; resolves whether it listens. */
  start(): Promise<boolean>;
  shutdown(endReason?: string): Promise<void>;
  /** Typed text for the upstream (GPT-Live calls only: a Realtime call's data channel carries it). */
  typedText?(text: string): TypedTextOutcome;
}

/** Whose a call is: what its hang-up token is checked against. */
interface CallOwner {
  conversationId: string;
  agentId: string;
}

/** How many ended calls are remembered, so a second hang-up of one still answers `ended`. */
const rememberedEndedCalls = 1000;

/** What {@link WebRtcCalls.hangUp} did. */
export type HangUpResult = 'ended' | 'not_found' | 'forbidden';

/** What {@link WebRtcCalls.text} did. */
export type CallTextResult =
  Exclude<HangUpResult, 'ended'> | TypedTextOutcome | { sent: false; reason: 'realtime' };

/** The client a call is placed for: its id, its slot, and a conversation to go on with. */
interface CallClient {
  id: string;
  release: ReleaseSlot;
  /**
   * A conversation whose call or relayed session dropped, found resumable
   * (`SessionIssuer.resumable`), its live holder ended ({@link WebRtcCalls.takeOver}): the new call
   * records into it (a `webrtc` one from now on), with its history.
   */
  resume?: string;
}

/** What a placed call's sideband is given by the registry. */
interface WatchOptions {
  clientId: string;
  conversationId: string;
  /** The conversation is a resumed one (stored already, reopened). */
  reopened: boolean;
  maxSessionMs: number;
  onClose: () => void;
}

/** A call placed upstream (Realtime call or GPT-Live session), not watched yet. */
interface UpstreamPlacement {
  /** The SDP answer for the browser. */
  answer: string;
  /** What the upstream calls it ("call", "session"), for the refusal when no sideband attaches. */
  noun: string;
  /** Ends it upstream before it is watched (the conversation could not be reopened). */
  hangup(): Promise<void>;
  /** Its sideband, ready to start. */
  watch(call: WatchOptions): WatchedCall;
}

type AgentTools = Awaited<ReturnType<typeof agentTools>>;

/** A conversation a call resumes: its history and the time it has left. */
interface Resumed {
  id: string;
  maxSessionMs: number;
  history: readonly ReplayItem[];
}

/** Places the upstream side of a call of one kind; `history` is a resumed conversation's. */
type Placer = (
  agent: PublishedAgent,
  offer: string,
  tools: AgentTools,
  options: WebRtcCallsOptions,
  fetchImpl: typeof fetch,
  history: readonly ReplayItem[] | null,
) => Promise<UpstreamPlacement>;

/**
 * A Realtime call: `POST …/realtime/calls`, watched by a {@link SidebandSession} (`?call_id=`).
 * A resumed conversation is replayed as the relay replays it (`conversation.item.create` with
 * `parley_resume_` ids), on the sideband once it opens.
 */
const placeRealtime: Placer = async (agent, offer, tools, options, fetchImpl, history) => {
  const session = realtimeSession(agent.config, tools.definitions, {
    includeModel: true,
    now: options.now(),
  });
  const placed = await createUpstreamCall(options.upstream, offer, session, fetchImpl);
  const hangup = () => hangupUpstreamCall(options.upstream, placed.callId, fetchImpl);
  return {
    answer: placed.answer,
    noun: 'call',
    hangup,
    watch: ({ maxSessionMs, ...call }) =>
      new SidebandSession({
        ...sidebandParts(agent, tools, options),
        ...call,
        callId: placed.callId,
        session,
        clientToolNames: new Set(agent.config.clientTools.map((tool) => tool.name)),
        limits: { maxSessionMs, idleTimeoutMs: options.limits.idleTimeoutMs },
        hangup,
        ...(history === null ? {} : { replay: replayEvents(history) }),
      }),
  };
};

/**
 * A GPT-Live call: the session is created upstream with the agent's published config, the
 * browser's offer and `client.data_channel` permissions, then watched by a
 * {@link LiveSidebandSession} attached to it (`/attach`). A resumed conversation's history is the
 * create request's startup `input`, as the Live relay's `session.start` carries it. [?] The
 * reference lists `input` among the startup fields of `POST /v1/live/sessions` (§3.1) and the
 * official `SessionCreateParams.session` has it, but no trace shows a WebRTC create with history;
 * `/attach` takes no history at all (only appends, which are not the model's past turns), so the
 * create is the one place left.
 */
const placeLive: Placer = async (agent, offer, tools, options, fetchImpl, history) => {
  const published = liveCallConfig(agent.config, tools.definitions, options.now());
  const input = history === null ? [] : liveResumeInput(history);
  const session = input.length === 0 ? published : { ...published, input };
  const created = await createUpstreamLiveSession(options.upstream, offer, session, fetchImpl);
  const hangup = () => hangupUpstreamLiveSession(options.upstream, created.sessionId, fetchImpl);
  return {
    answer: created.answer,
    noun: 'session',
    hangup,
    watch: (call) =>
      new LiveSidebandSession({
        ...sidebandParts(agent, tools, options),
        ...call,
        sessionId: created.sessionId,
        session,
        hangup,
        clientDelegation: {
          shared: options.shared,
          handler: options.liveDelegationHandler,
          deadlineMs: options.limits.liveDelegationDeadlineMs,
        },
      }),
  };
};

/** What every sideband takes from the agent and the registry's options. */
function sidebandParts(agent: PublishedAgent, tools: AgentTools, options: WebRtcCallsOptions) {
  const { store, mailer, upstream, log, now } = options;
  return { agent, serverTools: tools.serverTools, store, mailer, upstream, log, now };
}

/** Places WebRTC calls and tracks their sideband sessions. */
export class WebRtcCalls {
  private readonly sessions = new Set<WatchedCall>();
  /** Live calls by this server's call id, and their owners. */
  private readonly byId = new Map<string, CallOwner & { call: WatchedCall }>();
  /** Calls that ended lately (oldest first), for a repeated hang-up. */
  private readonly endedIds = new Map<string, CallOwner>();
  /** Calls that ended but are still being hung up or stored, with their conversations. */
  private readonly ending = new Map<Promise<void>, string>();
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
   * Places a call for `agent` with the browser's `offer` and attaches its sideband (a Realtime
   * call, or a GPT-Live session for a Live agent). `release` gives the client's session slot back
   * when the call ends (or at once if placing it fails). Throws what {@link createUpstreamCall}
   * and {@link createUpstreamLiveSession} throw, and an {@link UpstreamCallError} with status 503
   * when the sideband cannot attach (the call is then hung up).
   */
  async place(agent: PublishedAgent, offer: string, client: CallClient): Promise<PlacedCall> {
    const { options } = this;
    const placer = agent.config.api === 'live' ? placeLive : placeRealtime;
    let placement: UpstreamPlacement;
    let resumed: Resumed | null;
    try {
      resumed = await this.resumedConversation(agent, client.resume);
      const tools = await agentTools(options.store, agent.config, options.urlGuard);
      const history = resumed?.history ?? null;
      placement = await placer(agent, offer, tools, options, options.fetch ?? fetch, history);
    } catch (error) {
      client.release();
      throw error;
    }
    if (resumed) await this.reopen(resumed.id, placement, client);
    const maxSessionMs = resumed?.maxSessionMs ?? this.maxSessionMs(agent);
    const conversationId = resumed?.id ?? randomUUID();
    const callId = randomUUID();
    const sideband: WatchedCall = placement.watch({
      clientId: client.id,
      conversationId,
      reopened: resumed !== null,
      maxSessionMs,
      onClose: () => this.closed(sideband, client, callId),
    });
    this.sessions.add(sideband);
    this.byId.set(callId, { conversationId, agentId: agent.agent.id, call: sideband });
    if (!(await sideband.start())) {
      // Already hung up and ended (sideband_unavailable): no server tools, no recording.
      throw new UpstreamCallError(
        `The server could not attach to the ${placement.noun}.`,
        503,
        null,
      );
    }
    return {
      answer: placement.answer,
      callId,
      conversationId,
      resumeToken: options.resumeTokens.issue(conversationId, agent.agent.id),
      resumed: resumed !== null,
      expiresAt: new Date(options.now().getTime() + maxSessionMs),
    };
  }

  /**
   * A call's resume takes `conversationId` over: its call or relayed session still live (the drop
   * not noticed yet), here or on another instance, is ended (see the `takeOver` option).
   */
  async takeOver(conversationId: string): Promise<void> {
    if (this.options.takeOver) await this.options.takeOver(conversationId);
    else await this.endLive(conversationId);
  }

  /**
   * Ends the conversation's call still live here (`client_closed`, its slot given back) and awaits
   * the writes of one that ended a moment ago, so the conversation is stored whole before a
   * resume (a new call's, or the relay's after a fallback) reads it. True when there was such a
   * call (or such writes).
   */
  async endLive(conversationId: string): Promise<boolean> {
    const live = [...this.byId.values()].filter((owner) => owner.conversationId === conversationId);
    const ending = [...this.ending].filter(([, id]) => id === conversationId);
    await Promise.all([
      ...live.map((owner) => owner.call.shutdown('client_closed')),
      ...ending.map(([writes]) => writes),
    ]);
    return live.length > 0 || ending.length > 0;
  }

  /** How long a new conversation with `agent` may last. */
  private maxSessionMs(agent: PublishedAgent): number {
    return Math.min(this.options.limits.maxSessionMs, agent.config.maxSessionSeconds * 1000);
  }

  /**
   * The conversation a call resumes, with its history and the time it has left (its limit counts
   * from its start, across reconnects); null when none is asked for or its time is up (a new
   * conversation starts, as the relay's would).
   */
  private async resumedConversation(
    agent: PublishedAgent,
    conversationId: string | undefined,
  ): Promise<Resumed | null> {
    if (conversationId === undefined) return null;
    const { store, now } = this.options;
    const conversation = await store.conversations.get(conversationId);
    if (!conversation) return null;
    const left = this.maxSessionMs(agent) - (now().getTime() - Date.parse(conversation.startedAt));
    if (left <= 0) return null;
    const history = await store.conversations.replayItems(conversationId);
    return { id: conversationId, maxSessionMs: left, history };
  }

  /** Reopens a resumed conversation once its call is placed; a failure hangs the call up. */
  private async reopen(
    conversationId: string,
    placement: UpstreamPlacement,
    client: CallClient,
  ): Promise<void> {
    try {
      await this.options.store.conversations.reopen(conversationId, 'webrtc');
    } catch (error) {
      client.release();
      await placement.hangup().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The browser hangs its call up (its page closed, or the session ended): the call ends
   * (`client_closed`), its slot is free and the upstream call is hung up. `token` must be the
   * one the call was placed with. A call that already ended answers `ended` again; an id this
   * server never placed (or forgot), `not_found`.
   */
  async hangUp(callId: string, token: string): Promise<HangUpResult> {
    const live = this.byId.get(callId);
    const owner = live ?? this.endedIds.get(callId);
    if (!owner) return 'not_found';
    if (!this.options.resumeTokens.verify(token, owner.conversationId, owner.agentId))
      return 'forbidden';
    if (live) await live.call.shutdown('client_closed');
    return 'ended';
  }

  /**
   * Typed text for the call's upstream, with the token it was placed with (as {@link hangUp}): a
   * GPT-Live call's sideband sends it as the Live relay would; a call that ended is `ended`, a
   * Realtime call `realtime` (its browser sends `conversation.item.create` on its data channel).
   */
  text(callId: string, token: string, text: string): CallTextResult {
    const live = this.byId.get(callId);
    const owner = live ?? this.endedIds.get(callId);
    if (!owner) return 'not_found';
    if (!this.options.resumeTokens.verify(token, owner.conversationId, owner.agentId))
      return 'forbidden';
    if (!live) return { sent: false, reason: 'ended' };
    return live.call.typedText?.(text) ?? { sent: false, reason: 'realtime' };
  }

  /** A call ended: its slot is free, its writes are awaited on shutdown, then post-call runs. */
  private closed(call: WatchedCall, client: CallClient, callId: string): void {
    client.release();
    this.sessions.delete(call);
    const owner = this.byId.get(callId);
    if (!owner) return;
    this.byId.delete(callId);
    this.endedIds.set(callId, { conversationId: owner.conversationId, agentId: owner.agentId });
    for (const id of this.endedIds.keys()) {
      if (this.endedIds.size <= rememberedEndedCalls) break;
      this.endedIds.delete(id);
    }
    const ended = call.ended
      .then(() => this.options.onConversationEnded?.(owner.conversationId))
      .finally(() => this.ending.delete(ended));
    this.ending.set(ended, owner.conversationId);
  }

  /**
   * Stops placing calls and waits for the live ones to end on their own: a WebRTC call cannot
   * move to another instance (its media never passes through this one, but its sideband does).
   */
  async drain(): Promise<void> {
    this.draining = true;
    await Promise.all([
      ...[...this.sessions].map((session) => session.ended),
      ...this.ending.keys(),
    ]);
  }

  /** Hangs up every live call and waits for their writes. */
  async close(): Promise<void> {
    this.draining = true;
    await Promise.all([
      ...[...this.sessions].map((session) => session.shutdown()),
      ...this.ending.keys(),
    ]);
  }
}
