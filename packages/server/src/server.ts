/**
 * `createParleyServer`: the whole Parley backend as a Hono app plus a WebSocket upgrade handler,
 * for mounting in your own Node server, or `listen()` to serve it alone.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { existsSync } from 'node:fs';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Context } from 'hono';
import { createAdminAuth, bootstrapAdmin } from './admin/admin-auth.js';
import { createAdminRoutes } from './admin/admin-routes.js';
import type { VoicePreviewLimits } from './admin/voice-preview.js';
import { HttpError, errorResponse, jsonBody } from './http/errors.js';
import { RateLimiter } from './http/rate-limiter.js';
import {
  lastForwarded,
  originAllowed,
  parseTrustProxy,
  proxyTrust,
  requestHost,
} from './http/client-address.js';
import type { TrustProxy } from './http/client-address.js';
import { memorySharedState } from './coordination/shared-state.js';
import type { SharedState } from './coordination/shared-state.js';
import { postgresSharedState } from './coordination/postgres-shared-state.js';
import { staticApp } from './http/static-files.js';
import { consoleLogger } from './logger.js';
import type { Logger } from './logger.js';
import type { RelayServer } from './relay/relay-server.js';
import { agentTools } from './tools/agent-tools.js';
import { sessionRequestSchema } from './schemas.js';
import type { SessionResponse } from './schemas.js';
import { realtimeSession } from './session-config.js';
import { ResumeTokens, resumableEndReasons, resumeKeySetting } from './sessions/resume.js';
import { TicketStore } from './sessions/tickets.js';
import { openDatabase } from './storage/database.js';
import type { DatabaseOptions } from './storage/database.js';
import { createStore } from './storage/store.js';
import type { Store } from './storage/store.js';
import { seedTemplates } from './templates.js';
import { builtinToolDescriptions } from './tools/builtin-tools.js';
import { createMailer, createOutboxMailer } from './tools/mailer.js';
import { createUrlGuard, parseOutboundAllowlist } from './tools/url-guard.js';
import type { Mailer, MailerOptions } from './tools/mailer.js';
import { createUpstream, upstreamFromEnv } from './upstream.js';
import type { Upstream, UpstreamOptions } from './upstream.js';

/** Limits on sessions; the defaults suit a public website. */
export interface ParleyLimits {
  /** Longest relayed conversation (an agent may set a shorter one). Default 30 minutes. */
  maxSessionMs?: number;
  /** Close a conversation after this long without speech, text or a response. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Concurrent conversations per client address. Default 3. */
  maxSessionsPerClient?: number;
  /** Lifetime of a relay ticket. Default 60 s. */
  ticketTtlMs?: number;
  /** `POST /api/sessions` calls per client address per minute. Default 30. */
  sessionRequestsPerMinute?: number;
  /** Lifetime of a direct-mode client secret. Default 600 s. */
  clientSecretTtlSeconds?: number;
  /** How long after its connection dropped a relayed conversation may be resumed. Default 5 minutes. */
  resumeWindowMs?: number;
}

/** Options of {@link createParleyServer}. Everything has a default read from the environment. */
export interface ParleyServerOptions {
  /** An open store to use (otherwise one is opened from `database`). */
  store?: Store;
  /** Where data lives. Default: `DATABASE_URL`, else SQLite in `PARLEY_DATA_DIR` or `./.parley-data`. */
  database?: DatabaseOptions;
  /** Upstream Realtime service. Default: from `OPENAI_*` / `AZURE_OPENAI_*`, else the emulator. */
  upstream?: UpstreamOptions;
  /** Environment to read defaults from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** First admin (default `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`). */
  admin?: { email?: string | undefined; password?: string | undefined };
  /** SMTP settings for lead emails (default `SMTP_URL`, `PARLEY_MAIL_FROM`), or a mailer. */
  mail?: MailerOptions;
  mailer?: Mailer;
  limits?: ParleyLimits;
  /** Public origin (`https://voice.example.com`) used in relay URLs; default: the request's Host. */
  publicUrl?: string;
  /**
   * Other origins whose pages may call the public API (`/api/sessions`, `/api/agents`) with CORS,
   * e.g. `['https://www.example.com']` when the widget is embedded on your main site.
   * Default: `PARLEY_ALLOWED_ORIGINS` (comma-separated), else same-origin only.
   */
  allowedOrigins?: string[];
  /**
   * Reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` to believe: `true` or a number of
   * hops in front of this server, or the proxies' addresses/CIDRs. The client address is read
   * from the right of `X-Forwarded-For`, past those. Default `PARLEY_TRUST_PROXY`, else none.
   */
  trustProxy?: TrustProxy;
  /** Mark the admin cookie `Secure`. Default: when the request came over HTTPS. */
  secureCookies?: boolean;
  /**
   * Where tickets, per-client session slots and rate limits live. Default: the PostgreSQL
   * database when storage is PostgreSQL (several instances share it), else memory (one instance).
   */
  sharedState?: SharedState;
  /**
   * Hosts, addresses or CIDRs that webhook (and MCP) URLs may reach although internal (loopback,
   * private ranges, …), e.g. `['hooks.corp.example', '10.1.0.0/16']`. Default
   * `PARLEY_OUTBOUND_ALLOWLIST` (comma-separated), else none: internal targets are refused.
   */
  outboundAllowlist?: string[];
  /** Seed the template agents into an empty database. Default true. */
  seedTemplates?: boolean;
  /** Static directories served at `/` and `/admin` (the CLI passes the built apps). */
  staticDirs?: { demo?: string | null | undefined; admin?: string | null | undefined };
  /** Bounds of admin voice previews (defaults: 20 s timeout, at most 30 s of audio). */
  voicePreview?: Partial<VoicePreviewLimits>;
  logger?: Logger;
  now?: () => Date;
}

/** A running Parley backend. */
export interface ParleyServer {
  /** The HTTP routes (API, and static apps when configured). */
  app: Hono;
  /** Handles WebSocket upgrades for `/api/realtime`; returns false for other paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  store: Store;
  upstream: Upstream;
  /** The one-time admin setup token when no admin exists yet (print it), else null. */
  setupToken: string | null;
  /** Live relayed conversations. */
  activeSessions(): number;
  /** Serves everything on a port. */
  listen(options?: {
    port?: number;
    host?: string;
  }): Promise<{ url: string; port: number; server: Server }>;
  /**
   * A deploy's first step (the CLI runs it on SIGTERM): `/ready` turns 503, relay upgrades are
   * refused with 503 (a proxy retries them elsewhere), and each live conversation is handed over:
   * its writes stored, then the browser told to reconnect at once (1012) to resume on another
   * instance. Resolves when all are handed over or at `deadlineMs` (default 30 s).
   */
  drain(options?: { deadlineMs?: number }): Promise<{ handedOver: number; timedOut: boolean }>;
  /** Whether this instance should get traffic: database reachable and migrated, not draining. */
  ready(): Promise<boolean>;
  /** Ends live sessions, stops listening, and closes storage and the upstream. */
  close(): Promise<void>;
}

/**
 * Creates the Parley backend: opens storage (migrating it), seeds the templates, resolves the
 * upstream (starting the emulator when no key is configured) and builds the routes.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
 * import { getRequestListener } from '@hono/node-server';
 * import { createParleyServer } from '@parley/server';
 *
 * const parley = await createParleyServer();
 * const server = createServer(getRequestListener(parley.app.fetch));
 * server.on('upgrade', (req, socket, head) => {
 *   if (!parley.handleUpgrade(req, socket, head)) socket.destroy();
 * });
 * server.listen(8080);
 * ```
 */
export async function createParleyServer(options: ParleyServerOptions = {}): Promise<ParleyServer> {
  const env = options.env ?? process.env;
  const log = options.logger ?? consoleLogger();
  const now = options.now ?? (() => new Date());
  const trust = proxyTrust(options.trustProxy ?? parseTrustProxy(env.PARLEY_TRUST_PROXY));
  const limits = {
    maxSessionMs: options.limits?.maxSessionMs ?? 30 * 60_000,
    idleTimeoutMs: options.limits?.idleTimeoutMs ?? 5 * 60_000,
    maxSessionsPerClient: options.limits?.maxSessionsPerClient ?? 3,
    ticketTtlMs: options.limits?.ticketTtlMs ?? 60_000,
    sessionRequestsPerMinute: options.limits?.sessionRequestsPerMinute ?? 30,
    clientSecretTtlSeconds: options.limits?.clientSecretTtlSeconds ?? 600,
    resumeWindowMs: options.limits?.resumeWindowMs ?? 5 * 60_000,
  };

  const store =
    options.store ??
    createStore(
      await openDatabase({
        ...(options.database ?? {
          databaseUrl: env.DATABASE_URL,
          dataDir: env.PARLEY_DATA_DIR || undefined,
        }),
        onConnectionError: (error) =>
          log.warn('a database connection dropped; it is replaced on next use', { error }),
      }),
      { now },
    );
  // Instances starting together on one empty database take turns (an advisory lock), so the
  // second sees the first's templates and admin instead of inserting them again.
  const started = await store.database.exclusive(async () => {
    if (options.seedTemplates ?? true) {
      const seeded = await seedTemplates(store);
      if (seeded > 0) log.info(`seeded ${seeded} template agents`);
    }
    const bootstrap = await bootstrapAdmin(store, {
      email: options.admin?.email ?? env.PARLEY_ADMIN_EMAIL,
      password: options.admin?.password ?? env.PARLEY_ADMIN_PASSWORD,
    });
    // One resume-token key for every instance and restart (a per-process key would make a
    // drained conversation unresumable elsewhere).
    let resumeKey = await store.admin.getSetting(resumeKeySetting);
    if (resumeKey === undefined) {
      resumeKey = randomBytes(32).toString('base64');
      await store.admin.setSetting(resumeKeySetting, resumeKey);
    }
    // Conversations a crashed process left active: all of them on the embedded single-instance
    // database; on PostgreSQL only those older than any live conversation can be (others may be
    // live on another instance).
    const abandoned = await store.conversations.closeAbandoned(
      store.database.dialect === 'sqlite'
        ? undefined
        : new Date(now().getTime() - limits.maxSessionMs - 60_000),
    );
    if (abandoned > 0) log.info(`closed ${abandoned} conversations left active by a crash`);
    return { bootstrap, resumeKey: Buffer.from(resumeKey, 'base64') };
  });
  const bootstrap = started.bootstrap;
  if (bootstrap.created) log.info(`created the first admin ${bootstrap.created}`);

  const upstream = await createUpstream(options.upstream ?? upstreamFromEnv(env));
  const mailSettings = options.mail ?? { smtpUrl: env.SMTP_URL, from: env.PARLEY_MAIL_FROM };
  let mailer = options.mailer;
  if (!mailer && !mailSettings.smtpUrl) {
    // No SMTP server: notification emails are kept in the local outbox the admin shows.
    log.info('email is not configured (set SMTP_URL): notification emails go to the admin Outbox');
    mailer = createOutboxMailer((message) => store.outbox.add(message));
  }
  mailer ??= createMailer(mailSettings);
  const shared =
    options.sharedState ??
    (store.database.dialect === 'postgres'
      ? postgresSharedState(store.database.db, () => now().getTime())
      : memorySharedState(() => now().getTime()));
  const urlGuard = createUrlGuard(
    options.outboundAllowlist ?? parseOutboundAllowlist(env.PARLEY_OUTBOUND_ALLOWLIST),
  );
  const tickets = new TicketStore(shared, limits.ticketTtlMs, () => now().getTime());
  const resumeTokens = new ResumeTokens(started.resumeKey);
  const sessionLimiter = new RateLimiter(
    shared,
    'sessions',
    limits.sessionRequestsPerMinute,
    60_000,
  );

  const incomingOf = (c: Context) =>
    (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const clientAddressOf = (c: Context): string => {
    const incoming = incomingOf(c);
    return incoming ? trust.clientAddress(incoming) : 'unknown';
  };
  /** `X-Forwarded-Proto` of a request that came through a trusted proxy. */
  const forwardedProtoOf = (c: Context): string | undefined => {
    const incoming = incomingOf(c);
    return incoming && trust.viaTrustedProxy(incoming)
      ? lastForwarded(incoming.headers['x-forwarded-proto'])
      : undefined;
  };
  const allowedOrigins =
    options.allowedOrigins ??
    (env.PARLEY_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0);
  // The relay (with the protocol parsers and the WebSocket server) loads after the server is up,
  // so starting does not wait for it; the first upgrade awaits it if it is not there yet.
  let relay: RelayServer | undefined;
  let relayLoading: Promise<RelayServer> | undefined;
  const loadRelay = () =>
    (relayLoading ??= import('./relay/relay-server.js').then(({ RelayServer: Relay }) => {
      relay = new Relay({
        store,
        mailer,
        upstream,
        tickets,
        log,
        now,
        limits,
        clientAddress: (request) => trust.clientAddress(request),
        urlGuard,
        shared,
      });
      return relay;
    }));
  const handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    if (new URL(request.url ?? '/', 'http://relay.invalid').pathname !== '/api/realtime')
      return false;
    // A browser always sends Origin on a WebSocket: a page on another site must not open a
    // conversation with a visitor's ticket (or cookies).
    if (!originAllowed(request.headers.origin, requestHost(trust, request), allowedOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return true;
    }
    if (relay) return relay.handleUpgrade(request, socket, head);
    loadRelay().then(
      (loaded) => loaded.handleUpgrade(request, socket, head),
      (error: unknown) => {
        log.error('relay failed to load', { error });
        socket.destroy();
      },
    );
    return true;
  };
  const auth = createAdminAuth({
    store,
    shared,
    now,
    clientAddress: clientAddressOf,
    isHttps: (c) => new URL(c.req.url).protocol === 'https:' || forwardedProtoOf(c) === 'https',
    requestHost: (c) => {
      const incoming = incomingOf(c);
      return incoming ? requestHost(trust, incoming) : c.req.header('host');
    },
    ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
  });

  const app = new Hono();
  app.onError((error, c) =>
    errorResponse(c, error, (unexpected) => log.error('request failed', { error: unexpected })),
  );
  const tooLarge = (c: Context) =>
    c.json({ error: { code: 'payload_too_large', message: 'the request body is too large' } }, 413);
  // Documents can be large; nothing else needs more than a few kilobytes.
  app.use('/api/admin/documents/*', bodyLimit({ maxSize: 8 * 1024 * 1024, onError: tooLarge }));
  app.use('/api/admin/documents', bodyLimit({ maxSize: 8 * 1024 * 1024, onError: tooLarge }));
  const smallBody = bodyLimit({ maxSize: 256 * 1024, onError: tooLarge });
  app.use('/api/*', async (c, next) => {
    if (c.req.path.startsWith('/api/admin/documents')) return next();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- Hono's wildcard route types
    return smallBody(c, next);
  });
  app.use('/api/*', async (c, next) => {
    // A NUL in a path or query parameter can match nothing and cannot be stored (PostgreSQL).
    if (/%00/i.test(c.req.url)) {
      throw new HttpError(400, 'invalid_request', 'the URL contains a NUL character');
    }
    await next();
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
  });

  if (allowedOrigins.length > 0) {
    const publicCors = cors({ origin: allowedOrigins, allowMethods: ['GET', 'POST'], maxAge: 600 });
    app.use('/api/sessions', publicCors);
    app.use('/api/agents', publicCors);
  }

  app.get('/api/health', (c) => c.json({ ok: true, upstream: upstream.kind }));
  // For load balancers: /health says the process is alive; /ready that it should get traffic.
  let draining = false;
  const ready = async () => !draining && (await store.database.ping());
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/ready', async (c) =>
    (await ready())
      ? c.json({ ready: true })
      : c.json({ ready: false, draining }, 503, { 'cache-control': 'no-store' }),
  );
  app.get('/api/agents', async (c) => c.json({ agents: await store.agents.listPublic() }));
  /** A relay ticket and the URL to use it at, as seen from the requesting browser. */
  const relaySession = async (
    c: Context,
    agentId: string,
    clientId: string,
    version?: number,
    resumeId?: string,
  ): Promise<SessionResponse> => {
    const issued = await tickets.issue(
      agentId,
      clientId,
      version,
      resumeId === undefined ? undefined : { id: resumeId, resume: true },
    );
    const requestUrl = new URL(c.req.url);
    const forwardedProto = forwardedProtoOf(c);
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
    };
  };

  /**
   * The conversation a `resume` may go on with: its token matches, it is this agent's, and it
   * ended because a connection dropped (or is still live: the relay may not have noticed the drop
   * yet) no longer than the resume window ago. Undefined otherwise: a new conversation starts.
   */
  const resumable = async (
    resume: { conversationId: string; token: string } | undefined,
    agentId: string,
  ): Promise<string | undefined> => {
    if (!resume || !resumeTokens.verify(resume.token, resume.conversationId, agentId)) return;
    const conversation = await store.conversations.get(resume.conversationId);
    if (!conversation || conversation.agentId !== agentId || conversation.mode !== 'relay') return;
    if (conversation.status === 'active') return conversation.id;
    if (conversation.endReason === null || !resumableEndReasons.has(conversation.endReason)) return;
    const endedAt = conversation.endedAt === null ? NaN : Date.parse(conversation.endedAt);
    if (!(now().getTime() - endedAt <= limits.resumeWindowMs)) return;
    return conversation.id;
  };

  app.post('/api/sessions', async (c) => {
    const clientId = clientAddressOf(c);
    const limit = await sessionLimiter.hit(clientId);
    if (!limit.allowed) {
      throw new HttpError(429, 'rate_limited', 'too many session requests', undefined, {
        'retry-after': String(limit.retryAfterSeconds),
      });
    }
    const body = await jsonBody(c, sessionRequestSchema);
    const agent = await store.agents.published(body.agentId);
    if (!agent) throw new HttpError(404, 'not_found', 'no published agent with that id');
    if ((await shared.slotsOf(clientId)) >= limits.maxSessionsPerClient) {
      throw new HttpError(
        429,
        'too_many_sessions',
        `at most ${limits.maxSessionsPerClient} conversations at once`,
      );
    }
    if (agent.config.allowDirect && upstream.kind === 'openai' && upstream.createClientSecret) {
      // Direct mode: the browser talks to OpenAI itself, so only its own tools can run.
      const { definitions } = await agentTools(store, { ...agent.config, tools: [] }, urlGuard);
      const secret = await upstream.createClientSecret(
        realtimeSession(agent.config, definitions, { includeModel: true, now: now() }),
        limits.clientSecretTtlSeconds,
      );
      const answer: SessionResponse = {
        mode: 'direct',
        url: secret.url,
        clientSecret: secret.value,
        expiresAt: new Date(secret.expiresAt).toISOString(),
        model: agent.config.model,
      };
      return c.json(answer);
    }
    const resumeId = await resumable(body.resume, agent.agent.id);
    return c.json(await relaySession(c, agent.agent.id, clientId, undefined, resumeId));
  });
  app.route(
    '/api/admin',
    createAdminRoutes({
      store,
      auth,
      builtinTools: builtinToolDescriptions,
      playgroundSession: async (c, agentId, version, resume) =>
        relaySession(c, agentId, clientAddressOf(c), version, await resumable(resume, agentId)),
      upstream,
      mailer,
      urlGuard,
      log,
      now,
      ...(options.voicePreview ? { voicePreview: options.voicePreview } : {}),
    }),
  );
  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));

  const adminDir = options.staticDirs?.admin;
  if (adminDir && existsSync(adminDir)) {
    const serve = staticApp(adminDir, '/admin');
    app.get('/admin', (c) => c.redirect('/admin/'));
    app.get('/admin/*', (c) => serve(c) ?? c.text('not found', 404));
  }
  const demoDir = options.staticDirs?.demo;
  if (demoDir && existsSync(demoDir)) {
    const serve = staticApp(demoDir, '/');
    app.get('/*', (c) => serve(c) ?? c.text('not found', 404));
  }

  let httpServer: Server | undefined;
  const parley: ParleyServer = {
    app,
    store,
    upstream,
    setupToken: bootstrap.setupToken,
    handleUpgrade,
    activeSessions: () => relay?.size ?? 0,
    ready,
    async drain({ deadlineMs = 30_000 } = {}) {
      draining = true;
      const live = relay?.size ?? 0;
      if (!relay) return { handedOver: 0, timedOut: false };
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      });
      const outcome = await Promise.race([relay.drain().then(() => 'drained' as const), deadline]);
      clearTimeout(timer);
      return { handedOver: live - relay.size, timedOut: outcome === 'deadline' };
    },
    listen({ port = 8080, host = '0.0.0.0' } = {}) {
      const listener = getRequestListener(app.fetch);
      const server = createServer((request, response) => void listener(request, response));
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!handleUpgrade(request, socket, head)) {
          socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
        }
      });
      httpServer = server;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          setImmediate(() => void loadRelay().catch(() => undefined));
          resolve({ url: `http://${shownHost}:${address.port}`, port: address.port, server });
        });
      });
    },
    async close() {
      if (relayLoading) await (await relayLoading.catch(() => undefined))?.close();
      if (httpServer) {
        const server = httpServer;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      mailer.close();
      await urlGuard.close();
      await upstream.close();
      if (!options.store) await store.close();
    },
  };
  return parley;
}
