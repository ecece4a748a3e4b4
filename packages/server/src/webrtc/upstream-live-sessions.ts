/**
 * GPT-Live sessions the server creates upstream for a browser's WebRTC call (issue 17): the offer
 * goes up as `POST …/live/sessions` `{session, transport: {type: "webrtc", sdp}}` with the real
 * key, and the answer comes back without it. The server then attaches a sideband
 * (`…/live/sessions/{id}/attach`). Only this module, `upstream-calls.ts` and `upstream.ts` hold
 * the key. Never retried: each create opens (and bills) a session.
 */
import type { Upstream } from '../upstream.js';
import { postHangup, UpstreamCallError } from './upstream-calls.js';

const CREATE_TIMEOUT_MS = 15_000;

/** A session created upstream. */
export interface UpstreamLiveSession {
  /** The upstream session id (`live_…`), for `/attach` and `/hangup`. */
  sessionId: string;
  /** The SDP answer for the browser. */
  answer: string;
}

/** The HTTP URL of `…/live/sessions`, or of one session's `action`. */
export function liveSessionsUrl(upstream: Upstream, sessionId?: string, action?: 'hangup'): string {
  const url = new URL(upstream.liveUrl());
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  if (sessionId) url.pathname += `/${encodeURIComponent(sessionId)}${action ? `/${action}` : ''}`;
  return url.toString();
}

/** The sideband WebSocket URL of a session (`…/live/sessions/{id}/attach`); open it with `upstream.headers()`. */
export function liveAttachUrl(upstream: Upstream, sessionId: string): string {
  const url = new URL(upstream.liveUrl());
  url.pathname += `/${encodeURIComponent(sessionId)}/attach`;
  return url.toString();
}

/**
 * Creates the session with the browser's offer. Throws {@link UpstreamCallError} on a refusal
 * (the upstream's status and error), and the fetch's own error when it is unreachable.
 */
export async function createUpstreamLiveSession(
  upstream: Upstream,
  offer: string,
  session: Record<string, unknown>,
  fetchImpl: typeof fetch = fetch,
): Promise<UpstreamLiveSession> {
  const response = await fetchImpl(liveSessionsUrl(upstream), {
    method: 'POST',
    headers: { ...upstream.headers(), 'content-type': 'application/json' },
    body: JSON.stringify({ session, transport: { type: 'webrtc', sdp: offer } }),
    signal: AbortSignal.timeout(CREATE_TIMEOUT_MS),
  });
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.status !== 201 && response.status !== 200) {
    throw new UpstreamCallError(
      `The upstream refused the session (HTTP ${response.status}).`,
      response.status,
      (body as { error?: unknown } | null)?.error ?? null,
    );
  }
  const created = body as { session?: { id?: unknown }; transport?: { sdp?: unknown } } | null;
  const sessionId = created?.session?.id;
  const answer = created?.transport?.sdp;
  if (typeof sessionId !== 'string' || typeof answer !== 'string' || !/^v=0\r?$/m.test(answer))
    throw new UpstreamCallError('The upstream answered without a session id or SDP.', 502, null);
  return { sessionId, answer };
}

/** Ends a session upstream (`POST …/live/sessions/{id}/hangup`); one already gone is not an error. */
export function hangupUpstreamLiveSession(
  upstream: Upstream,
  sessionId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  return postHangup(liveSessionsUrl(upstream, sessionId, 'hangup'), upstream, fetchImpl);
}
