import { ParleyError } from '../errors.js';
import type { Credentials, CredentialsProvider } from '../ports.js';

/** Options of {@link parleyServerCredentials}. */
export interface ParleyServerCredentialsOptions {
  /** Where the Parley server is (`''` for the page's own origin in a browser). */
  readonly baseUrl: string;
  /** The published agent to talk to. */
  readonly agentId: string;
  /** `fetch` to use; default the global one. */
  readonly fetch?: typeof fetch;
  /** Extra request headers (e.g. an app's own auth). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Which transport to give credentials for when the caller does not say (default
   * `'websocket'`). A session always says, on every connect, and that wins: `'websocket'` gets a
   * relay grant (`POST /api/sessions`), `'webrtc'` an offer to `POST /api/calls` (the server
   * places the call), `'auto'` (the session's default) both, the relay grant fetched only if
   * WebRTC fails. So choose the transport on the session, not here.
   */
  readonly transport?: 'websocket' | 'webrtc' | 'auto';
  /**
   * The agent's API, as `GET /api/agents` lists it: `'live'` makes a WebRTC call speak GPT-Live
   * (a relay grant says it itself). Default `'realtime'`.
   */
  readonly protocol?: 'realtime' | 'live';
}

/** What the Parley server answers a session request with (`POST /api/sessions` or the admin playground). */
export type ParleySessionGrant =
  | {
      mode: 'relay';
      url: string;
      ticket: string;
      expiresAt?: string | number;
      conversationId?: string;
      resumeToken?: string;
      resumed?: boolean;
      /** The API the relay speaks on this connection; `'realtime'` when absent. */
      protocol?: 'realtime' | 'live';
      [key: string]: unknown;
    }
  | {
      mode: 'direct';
      url: string;
      clientSecret: string;
      expiresAt?: string | number;
      model?: string;
      [key: string]: unknown;
    };

// Which fields a grant must (`!`) or may (`?`) have, and of which kind. Checked by hand rather
// than with a schema library so the browser bundle carries none (see the README, "Bundle size").
const grantFields: Record<ParleySessionGrant['mode'], Record<string, string>> = {
  relay: {
    url: '!text',
    ticket: '!text',
    expiresAt: '?stamp',
    conversationId: '?text',
    resumeToken: '?text',
    resumed: '?boolean',
    protocol: '?api',
  },
  direct: { url: '!text', clientSecret: '!text', expiresAt: '?stamp', model: '?string' },
};

function fits(value: unknown, kind: string): boolean {
  switch (kind) {
    case 'text':
      return typeof value === 'string' && value.length > 0;
    case 'stamp':
      return typeof value === 'string' || typeof value === 'number';
    case 'api':
      return value === 'realtime' || value === 'live';
    default:
      return typeof value === kind;
  }
}

/** What is wrong with a session grant, or `null` when it is one. */
function grantProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'not an object';
  const grant = body as Record<string, unknown>;
  const mode = grant.mode;
  if (mode !== 'relay' && mode !== 'direct') return `unknown mode ${JSON.stringify(mode)}`;
  for (const [field, rule] of Object.entries(grantFields[mode])) {
    const value = grant[field];
    if (value === undefined ? rule.startsWith('!') : !fits(value, rule.slice(1))) {
      return `${mode} grant: bad or missing "${field}"`;
    }
  }
  return null;
}

/** The WebSocket URL for `url` (absolute, or relative to the server), with `http(s)` → `ws(s)`. */
function socketUrl(url: string, baseUrl: string): string {
  const origin =
    baseUrl !== ''
      ? baseUrl
      : typeof location === 'object' && typeof location.href === 'string'
        ? location.href
        : undefined;
  let resolved: URL;
  try {
    resolved = origin === undefined ? new URL(url) : new URL(url, origin);
  } catch (cause) {
    throw new ParleyError('config', `The session URL "${url}" is not a valid URL`, { cause });
  }
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  return resolved.toString();
}

/**
 * The credentials for a session the Parley server granted: relay mode connects to the relay with
 * its one-time ticket (the relay runs server tools and manages the session config); direct mode
 * connects to the upstream with the short-lived client secret. `baseUrl` resolves a relative URL
 * (`''`: the page's own location).
 */
export function sessionCredentials(session: ParleySessionGrant, baseUrl: string): Credentials {
  const url = socketUrl(session.url, baseUrl);
  if (session.mode === 'relay') {
    return {
      url,
      protocols: ['realtime', `parley-ticket.${session.ticket}`],
      dialect: 'ga',
      serverRunsTools: true,
      managedSession: true,
      // A GPT-Live agent's relay speaks Live (it sends `session.start` upstream itself).
      ...(session.protocol === 'live' ? { protocol: 'live' as const } : {}),
    };
  }
  return {
    url,
    protocols: ['realtime', `openai-insecure-api-key.${session.clientSecret}`],
    dialect: 'ga',
    serverRunsTools: false,
    ...(session.model === undefined ? {} : { model: session.model }),
  };
}

/**
 * A credentials provider for the Parley server: each connect and reconnect POSTs
 * `${baseUrl}/api/sessions` with `{ agentId }` and connects with what comes back. A reconnect
 * after a drop also sends the last grant's (or answered call's) `{ conversationId, token }` as
 * `resume`, whichever transport it goes over, so the server carries the same conversation on and
 * replays it to the model. In relay mode
 * the browser talks to the Parley relay with a one-time ticket (the relay holds the API key and
 * runs the agent's server tools); in direct mode it talks to OpenAI with a short-lived client
 * secret. For a session on WebRTC or `'auto'` (the session's default), the browser's SDP offer goes
 * to `${baseUrl}/api/calls` instead and the server places the call with its key; `'auto'` falls
 * back to a relay grant. The API key never reaches the browser in any mode.
 *
 * @example
 * ```ts
 * const session = createVoiceSession({
 *   credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
 *   audio: createAudioPort(),
 * });
 * ```
 */
export function parleyServerCredentials(
  options: ParleyServerCredentialsOptions,
): CredentialsProvider {
  const base = options.baseUrl.replace(/\/+$/, '');
  // The conversation the last relay grant or answered call recorded into: one record, whichever
  // transport made it, so a reconnect asks to go on with it over either (a dropped call's
  // conversation goes on through the relay after a fallback, a relayed one with a new call). The
  // server answers `resumed: false` and starts a new one when it cannot.
  let last: { conversationId: string; token: string } | null = null;
  const relay = async (): Promise<Credentials> => {
    const grant = await requestGrant(options, base, last);
    last =
      grant.mode === 'relay' &&
      grant.conversationId !== undefined &&
      grant.resumeToken !== undefined
        ? { conversationId: grant.conversationId, token: grant.resumeToken }
        : null;
    return sessionCredentials(grant, base);
  };
  return ({ attempt, transport: asked }): Promise<Credentials> => {
    // A first attempt is a new `connect()`: a new conversation.
    if (attempt === 0) last = null;
    // A session always says which transport asks, and that wins: the two cannot disagree.
    const transport = asked ?? options.transport ?? 'websocket';
    if (transport === 'websocket') return relay();
    // WebRTC: the offer itself is the request (`POST /api/calls`); the server places the call.
    // On Realtime the server greets once the channel says it is open; on Live, once it runs.
    const live = options.protocol === 'live';
    // The call this offer places, once answered: the transport hangs it up by its id and token.
    let call: { callId: string; token: string } | null = null;
    // A reconnect's offer goes on with the dropped call's conversation (`POST /api/calls` `resume`).
    const resume = last;
    return Promise.resolve({
      url: '',
      webrtc: {
        url: `${base}/api/calls`,
        format: 'json',
        fields: { agentId: options.agentId, ...(resume === null ? {} : { resume }) },
        ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
        openEvents: live ? [] : [{ type: 'input_audio_buffer.clear' }],
        answered: ({ callId, conversationId, resumeToken }) => {
          if (typeof resumeToken !== 'string') return;
          if (typeof callId === 'string') call = { callId, token: resumeToken };
          if (typeof conversationId === 'string') last = { conversationId, token: resumeToken };
        },
        hangup: () => {
          if (call !== null) hangUpCall(options, base, call);
          call = null;
        },
        // Typed text on a GPT-Live call (its channel may not carry it); the transport reads the answer.
        text: (text) => callRequest(options, base, call!, 'text', { text }),
      },
      ...(live ? { protocol: 'live' as const } : {}),
      ...(transport === 'auto' ? { fallback: relay } : {}),
      dialect: 'ga',
      serverRunsTools: true,
      managedSession: true,
    });
  };
}

/**
 * `POST /api/calls/{callId}/{action}` with the call's token (and `fields`): the routes of a call
 * the browser proves it owns. `keepalive`, so a hang-up still goes out from `pagehide`; a
 * plain-text body, so a cross-origin page needs no preflight.
 */
function callRequest(
  options: ParleyServerCredentialsOptions,
  base: string,
  call: { callId: string; token: string },
  action: 'hangup' | 'text',
  fields?: { text: string },
): Promise<Response> {
  return (options.fetch ?? globalThis.fetch)(
    `${base}/api/calls/${encodeURIComponent(call.callId)}/${action}`,
    {
      method: 'POST',
      keepalive: true,
      headers: { 'content-type': 'text/plain;charset=UTF-8', ...(options.headers ?? {}) },
      body: JSON.stringify({ token: call.token, ...fields }),
    },
  );
}

/**
 * The server ends the call and frees its slot. Best effort: the server also notices a peer gone
 * on its own.
 */
function hangUpCall(
  options: ParleyServerCredentialsOptions,
  base: string,
  call: { callId: string; token: string },
): void {
  try {
    callRequest(options, base, call, 'hangup').catch(() => undefined);
  } catch {
    // No fetch here: nothing to tell.
  }
}

/** `POST /api/sessions`: a relay (or direct) grant for the agent, checked. */
async function requestGrant(
  options: ParleyServerCredentialsOptions,
  base: string,
  resume: { conversationId: string; token: string } | null,
): Promise<ParleySessionGrant> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new ParleyError('config', 'No fetch available to request a Parley session');
  }
  let response: Response;
  try {
    response = await fetchImpl(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.headers ?? {}) },
      body: JSON.stringify({
        agentId: options.agentId,
        ...(resume === null ? {} : { resume }),
      }),
    });
  } catch (cause) {
    throw new ParleyError('transport', 'Could not reach the Parley server', { cause });
  }
  if (!response.ok) {
    let detail = '';
    try {
      detail = (await response.text()).slice(0, 200);
    } catch {
      // The status says enough.
    }
    throw new ParleyError(
      response.status === 401 || response.status === 403 ? 'auth' : 'server',
      `The Parley server refused a session (${response.status})${detail ? `: ${detail}` : ''}`,
      { code: String(response.status) },
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new ParleyError('protocol', 'The Parley server sent a session that is not JSON', {
      cause,
    });
  }
  const problem = grantProblem(body);
  if (problem !== null) {
    throw new ParleyError('protocol', 'The Parley server sent an unexpected session shape', {
      cause: new Error(problem),
    });
  }
  return body as ParleySessionGrant;
}
