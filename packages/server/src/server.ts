/**
 * `createParleyServer`: the whole Parley backend as a Hono app plus a WebSocket upgrade handler,
 * for mounting in your own Node server, or `listen()` to serve it alone.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { createAdminAuth, bootstrapAdmin } from './admin/admin-auth.js';
import { createAdminRoutes } from './admin/admin-routes.js';
import type { VoicePreviewLimits } from './admin/voice-preview.js';
import { errorResponse } from './http/errors.js';
import { useApiMiddleware } from './http/api-middleware.js';
import { connectOriginsOf } from './http/security-headers.js';
import { requestInfo } from './http/request-info.js';
import { startRecordings, type RecordingOptions } from './recording/recording-config.js';
import type { Recordings } from './recording/recordings.js';
import { createRelayLoader } from './relay/relay-loader.js';
import { createPublicRoutes } from './routes/public-routes.js';
import { useStaticApps } from './routes/static-routes.js';
import { createSessionIssuer } from './sessions/session-issuer.js';
import { SessionSlots } from './sessions/session-slots.js';
import { RateLimiter } from './http/rate-limiter.js';
import { originAllowed, parseTrustProxy, proxyTrust, requestHost } from './http/client-address.js';
import type { TrustProxy } from './http/client-address.js';
import { memorySharedState } from './coordination/shared-state.js';
import type { SharedState } from './coordination/shared-state.js';
import { postgresSharedState } from './coordination/postgres-shared-state.js';
import { redisSharedState } from './coordination/redis-shared-state.js';
import { consoleLogger } from './logger.js';
import type { Logger } from './logger.js';
import { ResumeTokens, resumeKeySetting } from './sessions/resume.js';
import { TicketStore } from './sessions/tickets.js';
import { openDatabase } from './storage/database.js';
import type { DatabaseOptions } from './storage/database.js';
import { createStore } from './storage/store.js';
import type { Store } from './storage/store.js';
import { seedTemplates } from './templates.js';
import { builtinToolDescriptions } from './tools/builtin-tools.js';
import { createMailer, createOutboxMailer } from './tools/mailer.js';
import { createUrlGuard, parseOutboundAllowlist } from './tools/url-guard.js';
import { createPostCallService } from './post-call/post-call-service.js';
import type { PostCallService } from './post-call/post-call-service.js';
import type { RetryPolicy } from './post-call/webhook-delivery.js';
import type { Mailer, MailerOptions } from './tools/mailer.js';
import { createUpstream, upstreamFromEnv } from './upstream.js';
import { WebRtcCalls } from './webrtc/webrtc-calls.js';
import { createWebRtcRoutes } from './webrtc/webrtc-routes.js';
import type { Upstream, UpstreamOptions } from './upstream.js';
import type { LiveDelegationHandler } from './relay/live/live-delegation-handler.js';
import { resolveLimits, type ParleyLimits } from './server-limits.js';

export type { ParleyLimits } from './server-limits.js';

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
   * Redis for the shared state instead of the database (tickets, resume-token key, session slots,
   * rate and sign-in limits): `{ url: 'redis://host:6379' }`. Default `REDIS_URL` (and
   * `PARLEY_REDIS_PREFIX` for the key prefix, default `parley:`), else none.
   */
  redis?: { url: string; keyPrefix?: string };
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
  /**
   * Retries of post-call webhooks (defaults: 5 attempts, 2 s doubling, 10 s per attempt).
   * Tests shorten them.
   */
  postCallRetry?: Partial<RetryPolicy>;
  /** Recording storage (default the data directory, or S3 from `PARLEY_RECORDINGS_S3_*`). */
  recording?: RecordingOptions;
  /**
   * Answers GPT-Live client delegations (agents whose Live delegation mode is `client`) instead
   * of Parley's own Responses backend, or returns `undefined` to leave one to it. See the README.
   */
  liveDelegationHandler?: LiveDelegationHandler;
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
  /** Post-call analysis and webhooks (`idle()` waits for work in flight). */
  postCall: PostCallService;
  /** Recordings of conversations and their deletion job. */
  recordings: Recordings;
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
 * import { createServer } from 'node:http';
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
  const limits = resolveLimits(options.limits);

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
    return { bootstrap, resumeKey };
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
  const redis =
    options.redis ??
    (env.REDIS_URL
      ? {
          url: env.REDIS_URL,
          ...(env.PARLEY_REDIS_PREFIX ? { keyPrefix: env.PARLEY_REDIS_PREFIX } : {}),
        }
      : undefined);
  const shared =
    options.sharedState ??
    (redis
      ? await redisSharedState(redis, () => now().getTime()).catch(async (error: unknown) => {
          await upstream.close();
          if (!options.store) await store.close();
          throw error;
        })
      : store.database.dialect === 'postgres'
        ? postgresSharedState(store.database.db, () => now().getTime())
        : memorySharedState(() => now().getTime()));
  const urlGuard = createUrlGuard(
    options.outboundAllowlist ?? parseOutboundAllowlist(env.PARLEY_OUTBOUND_ALLOWLIST),
  );
  const tickets = new TicketStore(shared, limits.ticketTtlMs, () => now().getTime());
  const resumeTokens = new ResumeTokens(
    Buffer.from(await shared.sharedKey(resumeKeySetting, started.resumeKey), 'base64'),
  );
  const sessionLimiter = new RateLimiter(
    shared,
    'sessions',
    limits.sessionRequestsPerMinute,
    60_000,
  );

  const requestReader = requestInfo(trust);
  const allowedOrigins =
    options.allowedOrigins ??
    (env.PARLEY_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0);
  const slots = new SessionSlots(shared, limits.maxSessionsPerClient, (error) =>
    log.warn('could not update a session slot', { error }),
  );
  const postCall = createPostCallService({
    store,
    upstream,
    urlGuard,
    log,
    now,
    ...(options.postCallRetry ? { retry: options.postCallRetry } : {}),
  });
  // Webhooks an earlier run left queued (a retry pending at shutdown, or a crash) go on.
  postCall.resume();
  const dataDir = options.database?.dataDir;
  const recordings = startRecordings(options.recording, env, { store, log, now, dataDir });
  const relay = createRelayLoader(
    {
      store,
      mailer,
      upstream,
      tickets,
      log,
      now,
      limits,
      slots,
      clientAddress: (incoming) => trust.clientAddress(incoming),
      urlGuard,
      shared,
      liveDelegationHandler: options.liveDelegationHandler,
      onConversationEnded: (conversationId) => postCall.ended(conversationId),
      recordings,
    },
    (incoming) =>
      originAllowed(incoming.headers.origin, requestHost(trust, incoming), allowedOrigins),
    log,
  );
  const calls = new WebRtcCalls({
    ...{ store, mailer, upstream, urlGuard, log, now, limits },
    // WebRTC and GPT-Live WebRTC conversations get the same post-call work as relayed ones.
    onConversationEnded: (conversationId) => postCall.ended(conversationId),
  });
  const issuer = createSessionIssuer({
    store,
    tickets,
    resumeTokens,
    now,
    resumeWindowMs: limits.resumeWindowMs,
    publicUrl: options.publicUrl,
    forwardedProto: requestReader.forwardedProto,
  });
  const auth = createAdminAuth({
    store,
    shared,
    now,
    clientAddress: requestReader.clientAddress,
    isHttps: requestReader.isHttps,
    requestHost: requestReader.host,
    ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
  });

  const app = new Hono();
  app.onError((error, c) =>
    errorResponse(c, error, (unexpected) => log.error('request failed', { error: unexpected })),
  );
  useApiMiddleware(app, allowedOrigins);
  // For load balancers: /health says the process is alive; /ready that it should get traffic.
  let draining = false;
  const ready = async () => !draining && (await store.database.ping()) && (await shared.ping());
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/ready', async (c) =>
    (await ready())
      ? c.json({ ready: true })
      : c.json({ ready: false, draining }, 503, { 'cache-control': 'no-store' }),
  );
  app.route(
    '/api',
    createPublicRoutes({
      store,
      upstream,
      issuer,
      slots,
      sessionLimiter,
      request: requestReader,
      urlGuard,
      now,
      clientSecretTtlSeconds: limits.clientSecretTtlSeconds,
    }),
  );
  app.route(
    '/api',
    createWebRtcRoutes({
      store,
      upstream,
      calls,
      slots,
      sessionLimiter,
      request: requestReader,
      originAllowed: (c) =>
        originAllowed(c.req.header('origin'), requestReader.host(c), allowedOrigins),
    }),
  );
  app.route(
    '/api/admin',
    createAdminRoutes({
      store,
      auth,
      builtinTools: builtinToolDescriptions,
      playgroundSession: async (c, agentId, version, resume, api) =>
        issuer.relaySession(
          c,
          agentId,
          requestReader.clientAddress(c),
          version,
          await issuer.resumable(resume, agentId),
          api,
        ),
      upstream,
      mailer,
      urlGuard,
      recordings,
      log,
      now,
      ...(options.voicePreview ? { voicePreview: options.voicePreview } : {}),
    }),
  );
  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  useStaticApps(app, options.staticDirs, {
    // The relay (when relay URLs name another host) and, for agents that may connect directly,
    // the upstream the browser then talks to.
    connectOrigins: [
      ...connectOriginsOf(options.publicUrl),
      ...(upstream.kind === 'openai' && upstream.createClientSecret
        ? connectOriginsOf(upstream.realtimeUrl('model'))
        : []),
    ],
    embeddingOrigins: allowedOrigins,
  });

  let httpServer: Server | undefined;
  const parley: ParleyServer = {
    app,
    store,
    postCall,
    recordings,
    upstream,
    setupToken: bootstrap.setupToken,
    handleUpgrade: relay.handleUpgrade,
    activeSessions: () => relay.size() + calls.size,
    ready,
    async drain({ deadlineMs = 30_000 } = {}) {
      draining = true;
      const live = relay.size();
      const liveCalls = calls.size;
      if (live + liveCalls === 0) {
        void calls.drain();
        return { handedOver: 0, timedOut: false };
      }
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = setTimeout(() => resolve('deadline'), deadlineMs);
      });
      // WebRTC calls cannot move: they are waited for (and hung up by close() past the deadline).
      const drained = Promise.all([relay.drain(), calls.drain()]).then(() => 'drained' as const);
      const outcome = await Promise.race([drained, deadline]);
      clearTimeout(timer);
      return { handedOver: live - relay.size(), timedOut: outcome === 'deadline' };
    },
    listen({ port = 8080, host = '0.0.0.0' } = {}) {
      const listener = getRequestListener(app.fetch);
      const server = createServer((request, response) => void listener(request, response));
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!relay.handleUpgrade(request, socket, head)) {
          socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
        }
      });
      httpServer = server;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          setImmediate(relay.preload);
          resolve({ url: `http://${shownHost}:${address.port}`, port: address.port, server });
        });
      });
    },
    async close() {
      await Promise.all([relay.close(), calls.close()]);
      await postCall.close();
      recordings.stop();
      slots.close();
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
      if (!options.sharedState) await shared.close();
      if (!options.store) await store.close();
    },
  };
  return parley;
}
