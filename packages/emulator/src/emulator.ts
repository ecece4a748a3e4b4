import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpsServer } from 'node:https';
import type { FaultOptions } from './faults.js';
import { createHttpHandler } from './http-routes.js';
import { sendJson } from './http-responses.js';
import { createLiveEndpoint } from './live/live-endpoint.js';
import { createLiveHttpHandler } from './live/live-http.js';
import { parseLivePath } from './live/live-paths.js';
import { LiveRegistry } from './live/live-registry.js';
import {
  attachLiveDataChannel,
  type LiveDataChannelLink,
  type LiveDataChannelSink,
} from './live/live-data-channel.js';
import { createRealtimeEndpoint } from './realtime-upgrade.js';
import { createAuthorizer, type MintedSecret } from './request-auth.js';
import { createSpeechSynthesizer, type SpeechEngine, type SpeechSynthesizer } from './speech.js';
import { generateSelfSignedCertificate, type TlsCredentials } from './tls.js';
import type { RealtimeCall } from './webrtc/realtime-call.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** How many times faster than real time response audio is paced (default 1; `Infinity`: unpaced). */
  speechRate?: number;
  /**
   * Accept only these API keys (and `ek_` secrets this emulator minted); a missing or other key
   * gets 401 like the real server. Without it any key works, and so does none.
   */
  requireKey?: string | string[];
  /** Faults for every connection (query parameters can add more per connection). */
  faults?: FaultOptions;
  /** Serve `wss:`/`https:`: `true` generates a self-signed certificate at start; or pass your own. */
  tls?: boolean | TlsCredentials;
  /** Speech engine (default `auto`: espeak-ng when installed, else a generated voice-like signal). */
  speechEngine?: SpeechEngine;
  /** Session cap; the session then ends with `session_expired` (default 60 minutes). */
  maxSessionMs?: number;
  /**
   * Accept the beta shape (`OpenAI-Beta: realtime=v1` or the `openai-beta.realtime-v1`
   * subprotocol), for old recordings and Azure preview deployments. Off by default: like OpenAI
   * since 2026, a beta connection is then closed with 4000 `beta_api_shape_disabled`.
   */
  allowBeta?: boolean;
  /** Session cap of a beta connection (default 30 minutes, as recorded; never above `maxSessionMs`). */
  maxBetaSessionMs?: number;
  /** Send `conversation.created` after `session.created` (documented, absent from real traces). */
  emitConversationCreated?: boolean;
  /**
   * On gpt-realtime-2 family models, say a preamble ("One moment, let me check that.") as its own
   * message before a tool call in the same response, as those models do (default true; false
   * keeps one output per response on every model).
   */
  preambles?: boolean;
  /** Largest client event accepted, in bytes (default 16 MiB); up to twice that gets an `error` event, beyond it the socket closes with 1009. */
  maxEventBytes?: number;
  /** GPT-Live: timeline milliseconds between `session.usage.updated` events (default 15 000, as observed). */
  liveUsageIntervalMs?: number;
  /** GPT-Live: reflect output audio (timed) to sidebands as the newer unions describe (default true). */
  liveSidebandOutputAudio?: boolean;
  /** GPT-Live: wall-clock milliseconds between the emulated Responses backend's events (default 5). */
  liveBackendDelayMs?: number;
  /**
   * Interfaces WebRTC calls gather ICE candidates on (default `['127.0.0.1']`: loopback, so a
   * browser on this machine connects and nothing else can).
   */
  iceAddresses?: string[];
}

/** A running emulator. */
export interface EmulatorHandle {
  /** The Realtime WebSocket endpoint, e.g. `ws://127.0.0.1:8790/v1/realtime` (`wss:` with TLS). */
  url: string;
  /** The GPT-Live WebSocket endpoint, e.g. `ws://127.0.0.1:8790/v1/live/sessions`. */
  liveUrl: string;
  /** The HTTP base, e.g. `http://127.0.0.1:8790` (for `baseURL: httpUrl + '/v1'` in the `openai` client). */
  httpUrl: string;
  port: number;
  host: string;
  /** The self-signed certificate (PEM) when TLS is on: trust it as `ca`. */
  certificate: string | null;
  /** The speech engine in use. */
  speechEngine: 'espeak-ng' | 'generated';
  /** Open Realtime and Live connections (WebSocket sessions and sidebands). */
  readonly connections: number;
  /** Open WebRTC calls. */
  readonly calls: number;
  /**
   * Attaches a WebRTC `oai-events` data channel to a running GPT-Live media session (one created
   * with `POST /v1/live/sessions`): the seam the session's WebRTC transport plugs its channel
   * into. The channel gets `session.started`, the `info` event when `client.data_channel`
   * restricts it, and the events its permissions allow; feed what the frontend sends to
   * `receive`. Throws for an id that is not running.
   */
  attachLiveDataChannel(sessionId: string, sink: LiveDataChannelSink): LiveDataChannelLink;
  /**
   * Ids of the running GPT-Live sessions, oldest first: a test finds a session a server created
   * for a browser (whose id the browser never sees) and attaches its own sideband to steer it.
   */
  liveSessionIds(): string[];
  /** Closes every connection (1001) and the server. */
  close(): Promise<void>;
}

/** Sends Live paths to the Live handler (a 500 if it throws) and everything else to the Realtime one. */
function routeRequests(
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
  onLiveRequest: ReturnType<typeof createLiveHttpHandler>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path =
      req.method === 'OPTIONS'
        ? null
        : parseLivePath(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!path) {
      onRequest(req, res);
      return;
    }
    onLiveRequest(req, res, path).catch(() => {
      if (!res.headersSent)
        sendJson(res, 500, {
          error: {
            message: 'The emulator failed to handle the request.',
            type: 'server_error',
            param: null,
            code: 'server_error',
          },
        });
    });
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** What a started emulator runs, for its handle and its shutdown. */
interface RunningEmulator {
  host: string;
  credentials: TlsCredentials | null;
  maxEventBytes: number;
  server: Server;
  realtime: ReturnType<typeof createRealtimeEndpoint>;
  live: ReturnType<typeof createLiveEndpoint>;
  liveRegistry: LiveRegistry;
  calls: Map<string, RealtimeCall>;
  synthesizer: SpeechSynthesizer;
}

/** Closes every socket (1001; terminated after 1 s), call and server, then the speech engine. */
async function shutdown(running: RunningEmulator): Promise<void> {
  const { realtime, live, calls, liveRegistry, server, synthesizer } = running;
  const { sockets } = realtime;
  // Live sockets drop like a server going away (no session.closed); their sessions end then.
  for (const ws of [...sockets, ...live.sockets]) ws.close(1001, 'emulator shutting down');
  for (const call of [...calls.values()]) call.end();
  for (const ws of sockets) ws.close(1001, 'emulator shutting down');
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      for (const ws of [...sockets, ...live.sockets]) ws.terminate();
      resolve();
    }, 1000);
    force.unref();
    const check = () => {
      if (sockets.size + live.sockets.size === 0) {
        clearTimeout(force);
        resolve();
      } else setTimeout(check, 10).unref();
    };
    check();
  });
  realtime.wss.close();
  live.wss.close();
  liveRegistry.closeAll();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await synthesizer.close();
}

/** The handle of a listening emulator. */
function emulatorHandle(running: RunningEmulator, requestedPort: number): EmulatorHandle {
  const { host, credentials, server, realtime, live, liveRegistry, calls } = running;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;
  return {
    url: `${credentials ? 'wss' : 'ws'}://${urlHost}:${port}/v1/realtime`,
    liveUrl: `${credentials ? 'wss' : 'ws'}://${urlHost}:${port}/v1/live/sessions`,
    httpUrl: `${credentials ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    host,
    certificate: credentials?.cert ?? null,
    speechEngine: running.synthesizer.engine,
    get connections() {
      return realtime.sockets.size + live.sockets.size;
    },
    get calls() {
      return calls.size;
    },
    liveSessionIds() {
      return [...liveRegistry.running.keys()];
    },
    attachLiveDataChannel(sessionId, sink) {
      const session = liveRegistry.running.get(sessionId);
      if (!session) throw new Error(`No running GPT-Live session '${sessionId}'.`);
      return attachLiveDataChannel(session, sink, running.maxEventBytes);
    },
    close() {
      closing ??= shutdown(running);
      return closing;
    },
  };
}

/**
 * Starts a local server that speaks the OpenAI Realtime protocol (GA; beta by header or
 * subprotocol with `allowBeta`): WebSocket sessions at `/v1/realtime?model=…`, ephemeral keys at
 * `POST /v1/realtime/client_secrets` (GA) and `POST /v1/realtime/sessions` (beta), WebRTC calls at
 * `POST /v1/realtime/calls` (Opus audio, the `oai-events` data channel, `output_audio_buffer.*`)
 * with sidebands at `/v1/realtime?call_id=…`.
 *
 * @example
 * ```ts
 * import { startEmulator } from '@parley/emulator';
 * const emulator = await startEmulator({ port: 0, speechRate: 4 });
 * const socket = new WebSocket(`${emulator.url}?model=gpt-realtime`, ['realtime', 'openai-insecure-api-key.test']);
 * // … later
 * await emulator.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  const speechRate = options.speechRate ?? 1;
  if (!(speechRate > 0))
    throw new RangeError('speechRate must be a positive number (or Infinity).');
  const maxSessionMs = options.maxSessionMs ?? 60 * 60 * 1000;
  const maxBetaSessionMs = Math.min(options.maxBetaSessionMs ?? 30 * 60 * 1000, maxSessionMs);
  const maxEventBytes = options.maxEventBytes ?? 16 * 1024 * 1024;
  const requiredKeys =
    options.requireKey === undefined ? null : new Set([options.requireKey].flat());
  const secrets = new Map<string, MintedSecret>();
  const synthesizer: SpeechSynthesizer = await createSpeechSynthesizer(
    options.speechEngine ?? 'auto',
  );
  let credentials: TlsCredentials | null = null;
  if (options.tls === true) credentials = await generateSelfSignedCertificate(host);
  else if (options.tls) credentials = options.tls;

  const authorize = createAuthorizer(requiredKeys, secrets);
  const calls = new Map<string, RealtimeCall>();
  const onRequest = createHttpHandler({
    authorize,
    secrets,
    maxSessionMs,
    speechEngine: synthesizer.engine,
    calls: {
      authorize,
      synthesizer,
      speechRate,
      maxSessionMs,
      maxEventBytes,
      faults: options.faults,
      emitConversationCreated: options.emitConversationCreated ?? false,
      iceAddresses: options.iceAddresses,
      calls,
    },
  });
  const liveRegistry = new LiveRegistry({
    synthesizer,
    maxSessionMs,
    usageIntervalMs: options.liveUsageIntervalMs ?? 15_000,
    sidebandOutputAudio: options.liveSidebandOutputAudio ?? true,
    backendDelayMs: options.liveBackendDelayMs ?? 5,
    maxEventBytes,
    iceAddresses: options.iceAddresses,
  });
  const live = createLiveEndpoint(liveRegistry, authorize);
  const route = routeRequests(onRequest, createLiveHttpHandler(liveRegistry, authorize));
  const server: Server = credentials
    ? createHttpsServer({ cert: credentials.cert, key: credentials.key }, route)
    : createHttpServer(route);
  const realtime = createRealtimeEndpoint({
    authorize,
    synthesizer,
    speechRate,
    maxSessionMs,
    maxBetaSessionMs,
    maxEventBytes,
    faults: options.faults,
    allowBeta: options.allowBeta ?? false,
    emitConversationCreated: options.emitConversationCreated ?? false,
    calls,
    preambles: options.preambles ?? true,
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = parseLivePath(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path) live.onUpgrade(req, socket, head, path);
    else realtime.onUpgrade(req, socket, head);
  });

  await listen(server, options.port ?? 0, host);
  return emulatorHandle(
    { host, credentials, maxEventBytes, server, realtime, live, liveRegistry, calls, synthesizer },
    options.port ?? 0,
  );
}
