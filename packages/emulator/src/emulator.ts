import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { RealtimeConnection } from './connection.js';
import { betaSessionPatchToGa, sessionToBeta } from './dialect.js';
import type { Dialect } from './dialect.js';
import { faultsFromQuery, type FaultOptions } from './faults.js';
import { createEphemeralKey, createId } from './ids.js';
import { applySessionPatch, createDefaultSession, sessionToGa } from './session-config.js';
import { createSpeechSynthesizer, type SpeechEngine, type SpeechSynthesizer } from './speech.js';
import { generateSelfSignedCertificate, type TlsCredentials } from './tls.js';

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
  /** Close beta-dialect connections with 4000 `beta_api_shape_disabled`, as OpenAI does since 2026. */
  retireBeta?: boolean;
  /** Send `conversation.created` after `session.created` (documented, absent from real traces). */
  emitConversationCreated?: boolean;
  /** Largest client event accepted, in bytes (default 16 MiB); up to twice that gets an `error` event, beyond it the socket closes with 1009. */
  maxEventBytes?: number;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** The Realtime WebSocket endpoint, e.g. `ws://127.0.0.1:8790/v1/realtime` (`wss:` with TLS). */
  url: string;
  /** The HTTP base, e.g. `http://127.0.0.1:8790` (for `baseURL: httpUrl + '/v1'` in the `openai` client). */
  httpUrl: string;
  port: number;
  host: string;
  /** The self-signed certificate (PEM) when TLS is on: trust it as `ca`. */
  certificate: string | null;
  /** The speech engine in use. */
  speechEngine: 'espeak-ng' | 'generated';
  /** Open Realtime connections. */
  readonly connections: number;
  /** Closes every connection (1001) and the server. */
  close(): Promise<void>;
}

interface MintedSecret {
  expiresAt: number;
  /** Session fields (GA patch) the key was minted with; they seed each connection made with it. */
  session: Record<string, unknown>;
  /** The model the key was minted for: a connection without `?model=` uses it. */
  model: string;
}

const REALTIME_PATHS = new Set(['/v1/realtime', '/openai/v1/realtime', '/realtime']);
const DEFAULT_GA_MODEL = 'gpt-realtime';
const MAX_SEND_BUFFER_BYTES = 32 * 1024 * 1024;
const DEFAULT_BETA_MODEL = 'gpt-4o-realtime-preview-2024-12-17';

function errorBody(
  message: string,
  code: string | null,
  type = 'invalid_request_error',
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

/** Browsers on other origins (a dev server) may call the HTTP endpoints directly. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, openai-beta, api-key',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

function rejectUpgrade(socket: Duplex, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  const reason =
    status === 401
      ? 'Unauthorized'
      : status === 404
        ? 'Not Found'
        : status === 403
          ? 'Forbidden'
          : 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(data)}\r\nConnection: close\r\n\r\n${data}`,
  );
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function protocolsOf(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

function keyOf(req: IncomingMessage, url: URL): string | null {
  const authorization = req.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer '))
    return authorization.slice(7).trim() || null;
  const apiKey = req.headers['api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const fromProtocol = protocolsOf(req).find((p) => p.startsWith('openai-insecure-api-key.'));
  if (fromProtocol) return fromProtocol.slice('openai-insecure-api-key.'.length) || null;
  return url.searchParams.get('api-key');
}

function dialectOf(req: IncomingMessage): Dialect {
  const header = req.headers['openai-beta'];
  const beta = (Array.isArray(header) ? header.join(',') : (header ?? '')).includes('realtime=v1');
  return beta || protocolsOf(req).includes('openai-beta.realtime-v1') ? 'beta' : 'ga';
}

/**
 * Starts a local server that speaks the OpenAI Realtime protocol (GA, and beta by header or
 * subprotocol): WebSocket sessions at `/v1/realtime?model=…`, ephemeral keys at
 * `POST /v1/realtime/client_secrets` (GA) and `POST /v1/realtime/sessions` (beta).
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

  type Auth =
    { ok: true; secret: MintedSecret | null } | { ok: false; status: number; body: unknown };
  const authorize = (key: string | null): Auth => {
    // Without `requireKey` a missing key is let through, so a local server that has no key to
    // send (Parley's relay with no OPENAI_API_KEY) works out of the box; with it, 401 as upstream.
    if (!key && !requiredKeys) return { ok: true, secret: null };
    if (!key) {
      return {
        ok: false,
        status: 401,
        body: errorBody(
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          null,
        ),
      };
    }
    if (key.startsWith('ek_')) {
      const secret = secrets.get(key);
      if (!secret)
        return {
          ok: false,
          status: 401,
          body: errorBody('Invalid ephemeral key provided.', 'invalid_api_key'),
        };
      if (secret.expiresAt * 1000 <= Date.now()) {
        secrets.delete(key);
        return {
          ok: false,
          status: 401,
          body: errorBody('The ephemeral key has expired.', 'invalid_api_key'),
        };
      }
      return { ok: true, secret };
    }
    if (requiredKeys && !requiredKeys.has(key)) {
      const shown = key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***';
      return {
        ok: false,
        status: 401,
        body: errorBody(`Incorrect API key provided: ${shown}.`, 'invalid_api_key'),
      };
    }
    return { ok: true, secret: null };
  };

  const handleHttp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS_HEADERS, 'access-control-max-age': '600' });
      res.end();
      return;
    }
    if (req.method === 'GET' && (path === '/' || path === '/health')) {
      sendJson(res, 200, {
        name: '@parley/emulator',
        realtime: '/v1/realtime',
        dialects: ['ga', 'beta'],
        speechEngine: synthesizer.engine,
      });
      return;
    }
    const isGa = path === '/v1/realtime/client_secrets';
    const isBeta = path === '/v1/realtime/sessions';
    if (!isGa && !isBeta) {
      sendJson(res, 404, errorBody(`Invalid URL (${req.method ?? 'GET'} ${url.pathname})`, null));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, errorBody(`Method ${req.method ?? ''} not allowed; use POST.`, null));
      return;
    }
    const auth = authorize(keyOf(req, url));
    if (!auth.ok) {
      sendJson(res, auth.status, auth.body);
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      const text = await readBody(req, 1024 * 1024);
      if (text.trim()) body = JSON.parse(text) as Record<string, unknown>;
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new Error('not an object');
    } catch {
      sendJson(
        res,
        400,
        errorBody('We could not parse the JSON body of your request.', 'invalid_json'),
      );
      return;
    }
    const now = Date.now();
    const value = createEphemeralKey();
    if (isGa) {
      const expiresAfter = body.expires_after as { seconds?: unknown } | undefined;
      const seconds = expiresAfter?.seconds ?? 600;
      if (typeof seconds !== 'number' || seconds < 10 || seconds > 7200) {
        sendJson(
          res,
          400,
          errorBody(
            `Invalid 'expires_after.seconds': expected a number between 10 and 7200.`,
            'invalid_value',
            'invalid_request_error',
            'expires_after.seconds',
          ),
        );
        return;
      }
      const requested = (body.session ?? { type: 'realtime' }) as Record<string, unknown>;
      const base = createDefaultSession({
        id: createId('sess', now),
        model: typeof requested.model === 'string' ? requested.model : DEFAULT_GA_MODEL,
        expiresAt: Math.floor((now + maxSessionMs) / 1000),
      });
      const result = applySessionPatch(
        base,
        { ...requested, type: requested.type ?? 'realtime', model: undefined },
        { hasAssistantAudio: false },
      );
      if (!result.ok) {
        sendJson(
          res,
          400,
          errorBody(
            result.error.message,
            result.error.code,
            'invalid_request_error',
            result.error.param,
          ),
        );
        return;
      }
      const expiresAt = Math.floor(now / 1000) + seconds;
      secrets.set(value, {
        expiresAt,
        session: { ...requested, model: undefined },
        model: result.session.model,
      });
      sendJson(res, 200, { value, expires_at: expiresAt, session: sessionToGa(result.session) });
      return;
    }
    // Beta: the body is a flat session plus `model`; keys lived about a minute.
    const model = typeof body.model === 'string' ? body.model : DEFAULT_BETA_MODEL;
    const { model: _model, client_secret: clientSecret, ...flat } = body;
    const base = createDefaultSession({
      id: createId('sess', now),
      model,
      expiresAt: Math.floor((now + maxSessionMs) / 1000),
    });
    let patch: Record<string, unknown>;
    try {
      patch = betaSessionPatchToGa(flat, base);
    } catch (error) {
      const e = error as { message: string; code?: string; param?: string };
      sendJson(
        res,
        400,
        errorBody(e.message, e.code ?? null, 'invalid_request_error', e.param ?? null),
      );
      return;
    }
    const result = applySessionPatch(base, patch, { hasAssistantAudio: false });
    if (!result.ok) {
      sendJson(
        res,
        400,
        errorBody(
          result.error.message,
          result.error.code,
          'invalid_request_error',
          result.error.param,
        ),
      );
      return;
    }
    const seconds =
      (clientSecret as { expires_after?: { seconds?: number } } | undefined)?.expires_after
        ?.seconds ?? 60;
    const expiresAt = Math.floor(now / 1000) + seconds;
    secrets.set(value, { expiresAt, session: patch, model });
    sendJson(res, 200, {
      ...sessionToBeta(result.session),
      client_secret: { value, expires_at: expiresAt },
    });
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handleHttp(req, res).catch(() => {
      if (!res.headersSent)
        sendJson(
          res,
          500,
          errorBody('The emulator failed to handle the request.', 'server_error', 'server_error'),
        );
    });
  };
  const server: Server = credentials
    ? createHttpsServer({ cert: credentials.cert, key: credentials.key }, onRequest)
    : createHttpServer(onRequest);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxEventBytes * 2,
    perMessageDeflate: false,
    // A browser fails the handshake unless the server answers one of the protocols it offered:
    // `realtime` when offered, else another non-secret one, else (only the key was offered) that.
    handleProtocols: (protocols) => {
      if (protocols.has('realtime')) return 'realtime';
      for (const protocol of protocols)
        if (!protocol.startsWith('openai-insecure-api-key.')) return protocol;
      const [first] = protocols;
      return first ?? false;
    },
  });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!REALTIME_PATHS.has(url.pathname.replace(/\/+$/, ''))) {
      rejectUpgrade(
        socket,
        404,
        errorBody(
          `Invalid URL (GET ${url.pathname}); the Realtime endpoint is /v1/realtime.`,
          null,
        ),
      );
      return;
    }
    const faults = faultsFromQuery(url.searchParams, options.faults);
    if (faults.rejectStatus) {
      rejectUpgrade(
        socket,
        faults.rejectStatus,
        errorBody('Handshake rejected by fault injection.', 'fault_injected', 'server_error'),
      );
      return;
    }
    const auth = authorize(keyOf(req, url));
    if (!auth.ok) {
      rejectUpgrade(socket, auth.status, auth.body);
      return;
    }
    const dialect = dialectOf(req);
    const model =
      url.searchParams.get('model') ??
      url.searchParams.get('deployment') ??
      auth.secret?.model ??
      (dialect === 'beta' ? DEFAULT_BETA_MODEL : DEFAULT_GA_MODEL);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      if (dialect === 'beta' && options.retireBeta) {
        ws.close(4000, 'beta_api_shape_disabled');
        return;
      }
      const connection = new RealtimeConnection({
        dialect,
        model,
        intent: url.searchParams.get('intent') === 'transcription' ? 'transcription' : 'realtime',
        initialSession: auth.secret?.session,
        synthesizer,
        speechRate,
        maxSessionMs,
        faults: { ...faults },
        emitConversationCreated: options.emitConversationCreated ?? false,
        maxEventBytes,
        send: (data) => {
          if (ws.readyState !== ws.OPEN) return;
          // A client that stops reading must not make the emulator buffer without bound.
          if (ws.bufferedAmount > MAX_SEND_BUFFER_BYTES)
            ws.close(1008, 'client is not reading: send buffer over 32 MiB');
          else ws.send(data);
        },
        close: (code, reason) => ws.close(code, reason),
      });
      // The speech engine loads on first use: a session that may soon speak is one, so the load
      // (about 0.3 s for espeak-ng) overlaps the user's first words instead of the first reply.
      // After this turn, so starting the worker does not hold up the handshake.
      setImmediate(() => synthesizer.prepare?.());
      ws.on('message', (data, isBinary) => connection.handleFrame(data as Buffer, isBinary));
      ws.on('close', () => {
        sockets.delete(ws);
        connection.dispose();
      });
      ws.on('error', () => undefined);
      connection.start();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | null = null;

  return {
    url: `${credentials ? 'wss' : 'ws'}://${urlHost}:${port}/v1/realtime`,
    httpUrl: `${credentials ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    host,
    certificate: credentials?.cert ?? null,
    speechEngine: synthesizer.engine,
    get connections() {
      return sockets.size;
    },
    close() {
      closing ??= (async () => {
        for (const ws of sockets) ws.close(1001, 'emulator shutting down');
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            for (const ws of sockets) ws.terminate();
            resolve();
          }, 1000);
          force.unref();
          const check = () => {
            if (sockets.size === 0) {
              clearTimeout(force);
              resolve();
            } else setTimeout(check, 10).unref();
          };
          check();
        });
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await synthesizer.close();
      })();
      return closing;
    },
  };
}
