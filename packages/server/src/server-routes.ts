/** The HTTP app of `createParleyServer`: health and readiness, the API routes, the static apps. */
import { Hono } from 'hono';
import type { AdminAuth } from './admin/admin-auth.js';
import { createAdminRoutes } from './admin/admin-routes.js';
import { errorResponse } from './http/errors.js';
import { useApiMiddleware } from './http/api-middleware.js';
import { originAllowed } from './http/client-address.js';
import type { RateLimiter } from './http/rate-limiter.js';
import type { RequestInfo } from './http/request-info.js';
import { connectOriginsOf } from './http/security-headers.js';
import type { Recordings } from './recording/recordings.js';
import { createPublicRoutes } from './routes/public-routes.js';
import { useStaticApps } from './routes/static-routes.js';
import type { ServerContext } from './server-startup.js';
import type { SessionIssuer } from './sessions/session-issuer.js';
import type { SessionSlots } from './sessions/session-slots.js';
import type { Store } from './storage/store.js';
import { builtinToolDescriptions } from './tools/builtin-tools.js';
import type { Mailer } from './tools/mailer.js';
import type { UrlGuard } from './tools/url-guard.js';
import type { Upstream } from './upstream.js';
import type { WebRtcCalls } from './webrtc/webrtc-calls.js';
import { createWebRtcRoutes, placePlaygroundCall } from './webrtc/webrtc-routes.js';

/** What the routes are built from. */
export interface RouteParts {
  context: ServerContext;
  store: Store;
  upstream: Upstream;
  mailer: Mailer;
  urlGuard: UrlGuard;
  recordings: Recordings;
  slots: SessionSlots;
  sessionLimiter: RateLimiter;
  request: RequestInfo;
  allowedOrigins: string[];
  issuer: SessionIssuer;
  auth: AdminAuth;
  calls: WebRtcCalls;
  /** Whether this instance should get traffic, and whether it is draining. */
  ready(): Promise<boolean>;
  draining(): boolean;
}

/** The whole HTTP app. */
export function createServerApp(parts: RouteParts): Hono {
  const { log } = parts.context;
  const app = new Hono();
  app.onError((error, c) =>
    errorResponse(c, error, (unexpected) => log.error('request failed', { error: unexpected })),
  );
  useApiMiddleware(app, parts.allowedOrigins);
  // For load balancers: /health says the process is alive; /ready that it should get traffic.
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/ready', async (c) =>
    (await parts.ready())
      ? c.json({ ready: true })
      : c.json({ ready: false, draining: parts.draining() }, 503, { 'cache-control': 'no-store' }),
  );
  mountApiRoutes(app, parts);
  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: 'no such route' } }, 404));
  const { options } = parts.context;
  const { upstream } = parts;
  useStaticApps(app, options.staticDirs, {
    // The relay (when relay URLs name another host) and, for agents that may connect directly,
    // the upstream the browser then talks to.
    connectOrigins: [
      ...connectOriginsOf(options.publicUrl),
      ...(upstream.kind === 'openai' && upstream.createClientSecret
        ? connectOriginsOf(upstream.realtimeUrl('model'))
        : []),
    ],
    embeddingOrigins: parts.allowedOrigins,
  });
  return app;
}

function mountApiRoutes(app: Hono, parts: RouteParts): void {
  const { store, upstream, slots, sessionLimiter, request, urlGuard, issuer } = parts;
  const { options, now, log } = parts.context;
  app.route(
    '/api',
    createPublicRoutes({
      ...{ store, upstream, issuer, slots, sessionLimiter, request, urlGuard, now },
      clientSecretTtlSeconds: parts.context.limits.clientSecretTtlSeconds,
    }),
  );
  app.route(
    '/api',
    createWebRtcRoutes({
      ...{ store, upstream, calls: parts.calls, slots, sessionLimiter, request, issuer },
      originAllowed: (c) =>
        originAllowed(c.req.header('origin'), request.host(c), parts.allowedOrigins),
    }),
  );
  app.route(
    '/api/admin',
    createAdminRoutes({
      store,
      auth: parts.auth,
      builtinTools: builtinToolDescriptions,
      playgroundSession: async (c, agentId, version, resume, api) =>
        issuer.relaySession(
          c,
          agentId,
          request.clientAddress(c),
          version,
          await issuer.resumable(resume, agentId),
          api,
        ),
      playgroundCall: (c, agent, call) =>
        placePlaygroundCall(
          { upstream, calls: parts.calls, slots, issuer },
          request.clientAddress(c),
          agent,
          call,
        ),
      ...{ upstream, mailer: parts.mailer, urlGuard, recordings: parts.recordings, log, now },
      ...(options.voicePreview ? { voicePreview: options.voicePreview } : {}),
    }),
  );
}
