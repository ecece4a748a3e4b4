/**
 * `POST /api/calls`: a browser's WebRTC call to an agent. The browser posts its SDP offer; the
 * server places the call upstream with the agent's published session and its own key, attaches a
 * sideband, and answers with the SDP answer (no key, no upstream call id). The same rate limit,
 * per-client cap and origin rule as relayed sessions apply. The contract is in the README. The
 * admin playground places its calls with the same checks (`placePlaygroundCall`).
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { HttpError, jsonBody } from '../http/errors.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import type { RequestInfo } from '../http/request-info.js';
import { sessionVersion } from '../experiments/session-version.js';
import { limitSessionRequests } from '../routes/public-routes.js';
import {
  maxOfferBytes,
  webrtcCallRequestSchema,
  webrtcHangupRequestSchema,
  webrtcTextRequestSchema,
} from '../schemas.js';
import type { WebRtcCallResponse } from '../schemas.js';
import type { ResumeRequest, SessionIssuer } from '../sessions/session-issuer.js';
import type { SessionSlots } from '../sessions/session-slots.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Upstream } from '../upstream.js';
import { UpstreamCallError } from './upstream-calls.js';
import type { CallTextResult, PlacedCall, WebRtcCalls } from './webrtc-calls.js';

/** What the calls route needs. */
export interface WebRtcRoutesOptions {
  store: Store;
  upstream: Upstream;
  calls: WebRtcCalls;
  slots: SessionSlots;
  /** Decides whether a `resume` may go on with a conversation (as for relay grants). */
  issuer: Pick<SessionIssuer, 'resumable'>;
  /** The same limiter as `POST /api/sessions` (one budget per client address). */
  sessionLimiter: RateLimiter;
  request: RequestInfo;
  /** Whether the request's page may start a conversation (the relay's origin rule). */
  originAllowed: (c: Context) => boolean;
}

/** Why an offer is not one the server can place, or null when it is. */
export function offerProblem(sdp: string): string | null {
  if (!/^v=0\r?$/m.test(sdp)) return 'the body is not an SDP offer (no "v=0" line)';
  if (!/^m=audio /m.test(sdp)) return 'the offer has no audio section (add the microphone track)';
  if (!/^m=application .*webrtc-datachannel/m.test(sdp))
    return 'the offer has no data channel (create the "oai-events" channel before the offer)';
  return null;
}

/** Why `agent` cannot take a WebRTC call through this server, or null when it can. */
function relayOnlyReason(agent: PublishedAgent, upstream: Upstream): string | null {
  if (agent.config.requireRelay) return 'this agent takes conversations through the relay only';
  // The data channel is the browser's own line to the upstream: it could answer MCP approvals
  // itself and read the session as the upstream echoes it; MCP stays behind the relay.
  // Recording takes the audio the relay carries; a WebRTC call's audio never reaches this server.
  if (agent.config.recording.enabled && agent.config.api === 'realtime')
    return 'this agent records its conversations, which go through the relay';
  if (agent.config.mcpServers.length > 0)
    return 'this agent uses MCP servers, which go through the relay only';
  // On GPT-Live the browser would answer its own tools on the data channel, where the server
  // cannot check the answer or hold back the rest of what the channel may send.
  if (agent.config.api === 'live' && agent.config.clientTools.length > 0)
    return 'this GPT-Live agent has browser tools, which run through the relay only';
  if (upstream.kind === 'azure') return 'the configured upstream does not take WebRTC calls';
  return null;
}

/** What placing a call needs beside the agent (`POST /api/calls` and the admin playground). */
export type CallPlacing = Pick<WebRtcRoutesOptions, 'upstream' | 'calls' | 'slots' | 'issuer'>;

/** A 503 while this server drains: the browser retries (and reaches another instance). */
function refuseWhileDraining(calls: WebRtcCalls): void {
  if (calls.isDraining)
    throw new HttpError(503, 'draining', 'this server is restarting; retry', undefined, {
      'retry-after': '1',
    });
}

/** Refuses an offer too large (413) or not one the server can place (400). */
function checkOffer(sdp: string): void {
  if (Buffer.byteLength(sdp) > maxOfferBytes)
    throw new HttpError(413, 'offer_too_large', `the SDP offer is over ${maxOfferBytes} bytes`);
  const problem = offerProblem(sdp);
  if (problem) throw new HttpError(400, 'invalid_offer', problem);
}

/**
 * Places `agent`'s call for `clientId`, going on with `resumeId`'s conversation when given: refuses
 * an agent that needs the relay (409 `relay_required`, its reason and then `relayInstead`), ends the resumed conversation's call or
 * relayed session if it is still live, takes one of the client's slots (429) and maps the upstream's refusals.
 */
async function placeAgentCall(
  options: CallPlacing,
  agent: PublishedAgent,
  sdp: string,
  clientId: string,
  resumeId: string | undefined,
  relayInstead: string,
): Promise<PlacedCall> {
  const { calls, slots } = options;
  const relayOnly = relayOnlyReason(agent, options.upstream);
  if (relayOnly) throw new HttpError(409, 'relay_required', `${relayOnly}; ${relayInstead}`);
  // Its call or relayed session may still be live (the drop not noticed yet): ended first, slot too.
  if (resumeId !== undefined) await calls.takeOver(resumeId);
  const release = await slots.acquire(clientId);
  if (!release) throw new HttpError(429, 'too_many_sessions', slots.refusal);
  try {
    return await calls.place(agent, sdp, {
      id: clientId,
      release,
      ...(resumeId === undefined ? {} : { resume: resumeId }),
    });
  } catch (error) {
    throw callError(error);
  }
}

/** The browser's answer for a placed call (the same for the public route and the playground). */
function callAnswer(placed: PlacedCall): WebRtcCallResponse {
  return {
    mode: 'webrtc',
    sdp: placed.answer,
    callId: placed.callId,
    conversationId: placed.conversationId,
    resumeToken: placed.resumeToken,
    resumed: placed.resumed,
    expiresAt: placed.expiresAt.toISOString(),
  };
}

/** What the playground's 409 says to do instead (its session route takes the same version). */
const relayHint = 'the playground talks to this version through the relay';

/**
 * The admin playground's call: `agent` at the version an admin chose (published or not), with the
 * same checks as `POST /api/calls` (draining, the offer, relay-only agents, the client's slots).
 * No experiment picks the version and no rate limit applies: the admin routes are signed in.
 */

export async function placePlaygroundCall(
  options: CallPlacing,
  clientId: string,
  agent: PublishedAgent,
  request: { sdp: string; resume?: ResumeRequest | undefined },
): Promise<WebRtcCallResponse> {
  refuseWhileDraining(options.calls);
  checkOffer(request.sdp);
  const resumeId = await options.issuer.resumable(request.resume, agent.agent.id);
  const placed = await placeAgentCall(options, agent, request.sdp, clientId, resumeId, relayHint);
  return callAnswer(placed);
}

/** Builds the calls sub-application (mount it at `/api`). */
export function createWebRtcRoutes(options: WebRtcRoutesOptions): Hono {
  const { store, calls } = options;
  const app = new Hono();
  app.post('/calls', async (c) => {
    if (!options.originAllowed(c))
      throw new HttpError(403, 'origin_not_allowed', 'this page may not start a conversation');
    refuseWhileDraining(calls);
    const clientId = options.request.clientAddress(c);
    await limitSessionRequests(options.sessionLimiter, clientId);
    const body = await jsonBody(c, webrtcCallRequestSchema);
    checkOffer(body.sdp);
    const published = await store.agents.published(body.agentId);
    if (!published) throw new HttpError(404, 'not_found', 'no published agent with that id');
    const clientKey = body.visitorId ?? clientId;
    // A dropped call's conversation goes on (the same checks as a relay resume; a relayed one goes
    // on too, after a fallback); an invalid or expired `resume` starts a new one, and the answer
    // says `resumed: false`.
    const resumeId = await options.issuer.resumable(body.resume, published.agent.id);
    const chosen = await sessionVersion(store, published, clientKey, resumeId);
    const placed = await placeAgentCall(
      options,
      ...[chosen.agent, body.sdp, clientId, resumeId],
      'request a session with POST /api/sessions',
    );
    if (chosen.experiment)
      await store.experiments.assign(
        placed.conversationId,
        chosen.experiment.id,
        chosen.experiment.version,
      );
    if (body.customerId !== undefined || body.tags !== undefined) {
      await store.ledger.attribute(placed.conversationId, {
        customerId: body.customerId ?? null,
        tags: body.tags ?? [],
      });
    }
    return c.json(callAnswer(placed), 201);
  });
  // The browser ends its own call: only with the token the call was answered with (no admin
  // route, no key). Its slot is free when this answers.
  app.post('/calls/:callId/hangup', async (c) => {
    if (!options.originAllowed(c))
      throw new HttpError(403, 'origin_not_allowed', 'this page may not end a conversation');
    const { token } = await jsonBody(c, webrtcHangupRequestSchema);
    const callId = c.req.param('callId');
    const result = await calls.hangUp(callId, token);
    if (result === 'not_found')
      throw new HttpError(404, 'not_found', 'no WebRTC call with that id on this server');
    if (result === 'forbidden')
      throw new HttpError(403, 'forbidden', 'the token is not the one this call was answered with');
    return c.json({ callId, ended: true });
  });
  // Typed text on a GPT-Live call, whose data channel may only mute and unmute: the server sends it
  // through the sideband as the Live relay does, with the same token as the hang-up.
  app.post('/calls/:callId/text', async (c) => {
    if (!options.originAllowed(c))
      throw new HttpError(403, 'origin_not_allowed', 'this page may not talk to a conversation');
    const { token, text } = await jsonBody(c, webrtcTextRequestSchema);
    const callId = c.req.param('callId');
    const result = calls.text(callId, token, text);
    if (result === 'not_found')
      throw new HttpError(404, 'not_found', 'no WebRTC call with that id on this server');
    if (result === 'forbidden')
      throw new HttpError(403, 'forbidden', 'the token is not the one this call was answered with');
    if (result.sent) return c.json({ callId, itemId: result.itemId }, 202);
    throw textRefusal(result);
  });
  return app;
}

/** Why a call took no typed text, as the route answers it. */
function textRefusal(result: Exclude<CallTextResult, string | { sent: true }>): HttpError {
  switch (result.reason) {
    case 'ended':
      return new HttpError(409, 'call_ended', 'the call has ended; nothing was sent');
    case 'realtime':
      return new HttpError(
        409,
        'data_channel_text',
        'a Realtime call takes typed text on its data channel (conversation.item.create)',
      );
    case 'rate_limited':
      return new HttpError(
        429,
        'rate_limited',
        'too many typed messages on this call; retry shortly',
        undefined,
        { 'retry-after': String(result.retryAfterSeconds) },
      );
  }
}

/** The answer for a call the upstream did not place (never its headers or the key). */
function callError(error: unknown): unknown {
  if (error instanceof TypeError && !(error.cause instanceof Error))
    return new HttpError(400, 'invalid_offer', error.message);
  if (error instanceof UpstreamCallError) {
    if (error.status === 400 || error.status === 415 || error.status === 413) {
      const upstream = error.upstreamError as { message?: unknown } | null;
      const detail = typeof upstream?.message === 'string' ? `: ${upstream.message}` : '';
      return new HttpError(400, 'invalid_offer', `the realtime service refused the offer${detail}`);
    }
    if (error.status === 503)
      return new HttpError(
        503,
        'upstream_unavailable',
        'the realtime service is unavailable; retry, or use the relay',
        undefined,
        { 'retry-after': '5' },
      );
    return new HttpError(
      502,
      'upstream_error',
      `the realtime service refused the call (HTTP ${error.status})`,
    );
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error instanceof TypeError))
    return new HttpError(
      503,
      'upstream_unavailable',
      'the realtime service could not be reached',
      undefined,
      {
        'retry-after': '5',
      },
    );
  return error;
}
