// Credentials for the playground: one agent version (published or not) from the admin API, over
// the relay (a ticket) or WebRTC (the browser's offer to the playground's calls route), asked again
// on every connect and reconnect like any Parley credentials provider. The mapping of a relay grant
// is core's (`sessionCredentials`), and so is the WebRTC endpoint (`parleyServerCredentials`: the
// answered call's id and token, its hang-up, the open events), pointed at the admin route.
import { sessionResponseSchema } from '@parley/server/schemas';
import type { AgentApi } from '@parley/server/schemas';
import { parleyServerCredentials, sessionCredentials } from '@parley/core';
import type { Credentials, CredentialsProvider } from '@parley/core';
import type { ApiClient } from './api.js';

/** Which transport the playground talks over: WebRTC (the relay if it cannot) or the relay. */
export type PlaygroundTransport = 'webrtc' | 'websocket';

/** Whether this browser can place a WebRTC call (else the playground offers the relay only). */
export function browserHasWebRtc(): boolean {
  return typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function';
}

/**
 * Credentials for talking to `version` of an agent as a signed-in admin: a relay ticket when the
 * session asks for WebSocket, else an offer to `POST /api/admin/agents/:id/playground/calls`, with
 * the relay as the fallback of an `'auto'` session. A reconnect after a drop asks to resume the
 * conversation (as core's `parleyServerCredentials` does), so the model keeps its context.
 */
export function playgroundCredentials(
  client: ApiClient,
  agentId: string,
  version: number,
  base: string = location.href,
  api: AgentApi = 'realtime',
): CredentialsProvider {
  const path = `/agents/${encodeURIComponent(agentId)}/playground`;
  let last: { conversationId: string; token: string } | null = null;
  const relay = async (attempt: number): Promise<Credentials> => {
    if (attempt === 0) last = null;
    const session = await client.post(
      path,
      { version, ...(last === null ? {} : { resume: last }) },
      sessionResponseSchema,
    );
    last =
      session.mode === 'relay'
        ? { conversationId: session.conversationId, token: session.resumeToken }
        : null;
    return sessionCredentials(session, base);
  };
  // Core's WebRTC endpoint for the Parley server (hang-up at `/api/calls/{id}/hangup`, which takes
  // the call's token, not an admin session); only its URL and fields are the playground's.
  const calls = parleyServerCredentials({ baseUrl: '', agentId, protocol: api });
  return async ({ attempt, transport }): Promise<Credentials> => {
    if (transport === undefined || transport === 'websocket') return relay(attempt);
    if (attempt === 0) last = null;
    const offered = await calls({ attempt, transport: 'webrtc' });
    const endpoint = offered.webrtc!;
    // One conversation across transports, as in core: the offer goes on with the last relay
    // grant's or answered call's conversation, and an answered call's is the next one's to resume.
    const resume = last;
    return {
      ...offered,
      webrtc: {
        ...endpoint,
        url: client.url(`${path}/calls`),
        fields: { version, ...(resume === null ? {} : { resume }) },
        headers: client.writeHeaders(),
        answered: (answer) => {
          endpoint.answered?.(answer);
          const { conversationId, resumeToken } = answer;
          if (typeof conversationId === 'string' && typeof resumeToken === 'string')
            last = { conversationId, token: resumeToken };
        },
      },
      ...(transport === 'auto' ? { fallback: () => relay(attempt) } : {}),
    };
  };
}

/**
 * A `fetch` for the WebRTC transport's offer that keeps the server's message of the last refusal
 * (`relay_required` says why this version takes the relay only), for the playground to show
 * beside core's fallback reason, which is only a code.
 */
export function refusalRecorder(send: typeof fetch = (...args) => globalThis.fetch(...args)): {
  fetch: typeof fetch;
  last(): string | null;
} {
  let message: string | null = null;
  return {
    fetch: async (input, init) => {
      const response = await send(input, init);
      message = response.ok ? null : await errorMessage(response.clone());
      return response;
    },
    last: () => message,
  };
}

async function errorMessage(response: Response): Promise<string | null> {
  const body = (await response.json().catch(() => null)) as {
    error?: { message?: unknown };
  } | null;
  return typeof body?.error?.message === 'string' ? body.error.message : null;
}

const fallbackText: Record<string, string> = {
  webrtc_unsupported: 'this browser cannot place WebRTC calls',
  webrtc_not_offered: 'the server offered no WebRTC call',
  relay_required: 'this version takes conversations through the relay only',
  offer_refused: 'the server refused the WebRTC offer',
  microphone_unavailable: 'the microphone could not be opened for WebRTC',
  ice_failed: 'the network blocked the WebRTC connection',
  connect_timeout: 'the WebRTC connection timed out',
};

/** What the playground says about the transport in use, and why it is not the one chosen. */
export function transportLabel(
  transport: 'websocket' | 'webrtc' | null | undefined,
  fallbackReason: string | null | undefined,
  refusal: string | null,
): string {
  if (!transport) return '—';
  const name = transport === 'webrtc' ? 'WebRTC' : 'WebSocket (relay)';
  if (!fallbackReason) return name;
  const why = fallbackText[fallbackReason] ?? fallbackReason;
  return `${name}; fell back from WebRTC: ${refusal ?? why}`;
}
