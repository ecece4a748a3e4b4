/**
 * WebRTC calls the server places upstream for a browser (issue 17, server-owned sessions): the
 * browser's SDP offer goes up with the real key and the agent's published session, the answer
 * comes back without either, and the server then watches and steers the call through a sideband
 * (`?call_id=`). Only this module and `upstream.ts` ever hold the key.
 */
import type { SessionConfig } from '@parley/core';
import type { Upstream } from '../upstream.js';

/** A call placed upstream. */
export interface UpstreamCall {
  /** The upstream call id (`rtc_…`), from the answer's `Location`. */
  callId: string;
  /** The SDP answer for the browser. */
  answer: string;
}

/** An upstream refusal, with the status and the upstream's error (never the request's headers). */
export class UpstreamCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly upstreamError: unknown,
  ) {
    super(message);
    this.name = 'UpstreamCallError';
  }
}

const MAX_OFFER_BYTES = 256 * 1024;
const CALL_TIMEOUT_MS = 15_000;

/** The HTTP URL of the upstream's realtime endpoint (`…/v1/realtime`), without a query. */
function realtimeHttpUrl(upstream: Upstream): URL {
  const url = new URL(upstream.realtimeUrl(upstream.fixedModel ?? 'gpt-realtime'));
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.search = '';
  return url;
}

/** `POST …/realtime/calls` on the upstream, or `…/calls/{id}/{action}`. */
export function callsUrl(upstream: Upstream, callId?: string, action?: 'hangup'): string {
  const url = realtimeHttpUrl(upstream);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/calls${callId ? `/${encodeURIComponent(callId)}` : ''}${action ? `/${action}` : ''}`;
  return url.toString();
}

/** The sideband WebSocket URL of a call (`…/realtime?call_id=…`); open it with `upstream.headers()`. */
export function sidebandUrl(upstream: Upstream, callId: string): string {
  const url = new URL(upstream.realtimeUrl(upstream.fixedModel ?? 'gpt-realtime'));
  url.search = '';
  url.searchParams.set('call_id', callId);
  return url.toString();
}

/**
 * Places a call: the browser's offer and the published session as `multipart/form-data`, with the
 * upstream's key. Throws {@link UpstreamCallError} on a refusal (the upstream's status and error),
 * `TypeError` for an offer that is not SDP or too large.
 */
export async function createUpstreamCall(
  upstream: Upstream,
  offer: string,
  session: SessionConfig,
  fetchImpl: typeof fetch = fetch,
): Promise<UpstreamCall> {
  if (Buffer.byteLength(offer) > MAX_OFFER_BYTES)
    throw new TypeError('The SDP offer is too large.');
  if (!/^v=0\r?$/m.test(offer)) throw new TypeError('The body is not an SDP offer.');
  const form = new FormData();
  form.set('sdp', offer);
  form.set('session', JSON.stringify(session));
  const response = await fetchImpl(callsUrl(upstream), {
    method: 'POST',
    headers: upstream.headers(),
    body: form,
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (response.status !== 201 && response.status !== 200) {
    let upstreamError: unknown = null;
    try {
      upstreamError = ((await response.json()) as { error?: unknown }).error ?? null;
    } catch {
      upstreamError = null;
    }
    throw new UpstreamCallError(
      `The upstream refused the call (HTTP ${response.status}).`,
      response.status,
      upstreamError,
    );
  }
  const location = response.headers.get('location') ?? '';
  const callId = location.split('/').filter(Boolean).pop() ?? '';
  const answer = await response.text();
  if (!callId || !/^v=0\r?$/m.test(answer))
    throw new UpstreamCallError('The upstream answered without a call id or SDP.', 502, null);
  return { callId, answer };
}

/** Ends a call upstream (`POST …/calls/{id}/hangup`); a call already gone is not an error. */
export function hangupUpstreamCall(
  upstream: Upstream,
  callId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  return postHangup(callsUrl(upstream, callId, 'hangup'), upstream, fetchImpl);
}

/**
 * `POST`s an upstream hangup URL (a Realtime call's or a GPT-Live session's) with the key; one
 * already gone (404) is not an error, any other refusal throws {@link UpstreamCallError}.
 */
export async function postHangup(
  url: string,
  upstream: Upstream,
  fetchImpl: typeof fetch,
): Promise<void> {
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: upstream.headers(),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (!response.ok && response.status !== 404)
    throw new UpstreamCallError(`Hangup failed (HTTP ${response.status}).`, response.status, null);
}
