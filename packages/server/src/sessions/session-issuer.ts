/**
 * Issues relayed sessions: a single-use ticket, the relay URL as the requesting browser must
 * use it, and a resume token; and decides whether a `resume` request may go on with an earlier
 * conversation. Shared by `POST /api/sessions` and the admin playground.
 */
import type { Context } from 'hono';
import type { AgentApi, SessionResponse } from '../schemas.js';
import type { Store } from '../storage/store.js';
import type { ResumeTokens } from './resume.js';
import { resumableEndReasons } from './resume.js';
import type { TicketStore } from './tickets.js';

/** What the issuer needs. */
export interface SessionIssuerOptions {
  store: Store;
  tickets: TicketStore;
  resumeTokens: ResumeTokens;
  now: () => Date;
  /** How long after its connection dropped a conversation may be resumed. */
  resumeWindowMs: number;
  /** Public origin used in relay URLs; default: the request's host. */
  publicUrl: string | undefined;
  /** `X-Forwarded-Proto` of a request that came through a trusted proxy. */
  forwardedProto: (c: Context) => string | undefined;
}

/** A resume request: the conversation and the token issued with it. */
export interface ResumeRequest {
  conversationId: string;
  token: string;
}

/** Issues relay sessions (see the module comment). */
export interface SessionIssuer {
  /**
   * A relay ticket and the URL to use it at, as seen from the requesting browser, and the API the
   * relay will speak on it (`api`, the agent version's: the browser's session must speak it too).
   */
  relaySession(
    c: Context,
    agentId: string,
    clientId: string,
    version?: number,
    resumeId?: string,
    api?: AgentApi,
  ): Promise<SessionResponse>;
  /**
   * The conversation a `resume` may go on with: its token matches, it is this agent's, the server
   * held it (through the relay or a WebRTC call: either goes on over either, so an `'auto'`
   * session that falls back keeps its conversation; a direct-mode one never passed through here),
   * and it ended because a connection dropped (or is still live: the server may not have noticed
   * the drop yet) no longer than the resume window ago. Undefined otherwise: a new one starts.
   * The caller ends a still-live holder before going on (`RelayServer.resume`,
   * `WebRtcCalls.takeOver`).
   */
  resumable(resume: ResumeRequest | undefined, agentId: string): Promise<string | undefined>;
}

/** The transports whose conversations the server held, and so can go on (over either). */
const resumableModes: ReadonlySet<string> = new Set(['relay', 'webrtc']);

/** Creates the issuer. */
export function createSessionIssuer(options: SessionIssuerOptions): SessionIssuer {
  const { store, tickets, resumeTokens, now } = options;
  return {
    async relaySession(c, agentId, clientId, version, resumeId, api = 'realtime') {
      const issued = await tickets.issue(
        agentId,
        clientId,
        version,
        resumeId === undefined ? undefined : { id: resumeId, resume: true },
      );
      const requestUrl = new URL(c.req.url);
      const forwardedProto = options.forwardedProto(c);
      const origin = options.publicUrl
        ? new URL(options.publicUrl)
        : new URL(
            `${forwardedProto ?? requestUrl.protocol.replace(':', '')}://${c.req.header('host') ?? requestUrl.host}`,
          );
      return {
        mode: 'relay',
        url: `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}/api/realtime`,
        ticket: issued.ticket,
        expiresAt: new Date(issued.expiresAt).toISOString(),
        conversationId: issued.conversationId,
        resumeToken: resumeTokens.issue(issued.conversationId, agentId),
        resumed: resumeId !== undefined,
        protocol: api,
      };
    },

    async resumable(resume, agentId) {
      if (!resume || !resumeTokens.verify(resume.token, resume.conversationId, agentId)) return;
      const conversation = await store.conversations.get(resume.conversationId);
      if (
        !conversation ||
        conversation.agentId !== agentId ||
        !resumableModes.has(conversation.mode)
      )
        return;
      if (conversation.status === 'active') return conversation.id;
      if (conversation.endReason === null || !resumableEndReasons.has(conversation.endReason))
        return;
      const endedAt = conversation.endedAt === null ? NaN : Date.parse(conversation.endedAt);
      if (!(now().getTime() - endedAt <= options.resumeWindowMs)) return;
      return conversation.id;
    },
  };
}
