/**
 * `createParleyServer`: the whole Parley backend as a Hono app plus a WebSocket upgrade handler,
 * for mounting in your own Node server, or `listen()` to serve it alone. This file wires the
 * parts; startup, services, routes and the running handle live in the `server-*` modules.
 */
import { createAdminAuth } from './admin/admin-auth.js';
import { proxyTrust, parseTrustProxy, originAllowed, requestHost } from './http/client-address.js';
import { RateLimiter } from './http/rate-limiter.js';
import { requestInfo } from './http/request-info.js';
import { consoleLogger } from './logger.js';
import { createPostCallService } from './post-call/post-call-service.js';
import { startRecordings } from './recording/recording-config.js';
import { createRelayLoader } from './relay/relay-loader.js';
import { createServerHandle } from './server-handle.js';
import { resolveLimits } from './server-limits.js';
import type { ParleyServer, ParleyServerOptions } from './server-options.js';
import { createServerApp } from './server-routes.js';
import { allowedOriginsOf, resolveMailer, resolveSharedState } from './server-services.js';
import { openServerStore, sharedResumeTokens, startStore } from './server-startup.js';
import type { ServerContext } from './server-startup.js';
import { ConversationTakeover } from './sessions/conversation-takeover.js';
import { createSessionIssuer } from './sessions/session-issuer.js';
import { SessionSlots } from './sessions/session-slots.js';
import { TicketStore } from './sessions/tickets.js';
import { createUrlGuard, parseOutboundAllowlist } from './tools/url-guard.js';
import { createUpstream, upstreamFromEnv } from './upstream.js';
import { WebRtcCalls } from './webrtc/webrtc-calls.js';

export type { ParleyLimits } from './server-limits.js';
export type { ParleyServer, ParleyServerOptions } from './server-options.js';

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
  const context: ServerContext = {
    options,
    env,
    log: options.logger ?? consoleLogger(),
    now: options.now ?? (() => new Date()),
    limits: resolveLimits(options.limits),
  };
  const { log, now, limits } = context;
  const trust = proxyTrust(options.trustProxy ?? parseTrustProxy(env.PARLEY_TRUST_PROXY));

  const store = await openServerStore(context);
  const started = await startStore(store, context);
  const upstream = await createUpstream(options.upstream ?? upstreamFromEnv(env));
  const mailer = resolveMailer(context, store);
  const shared = await resolveSharedState(context, store, upstream);
  const urlGuard = createUrlGuard(
    options.outboundAllowlist ?? parseOutboundAllowlist(env.PARLEY_OUTBOUND_ALLOWLIST),
  );
  const tickets = new TicketStore(shared, limits.ticketTtlMs, () => now().getTime());
  const resumeTokens = await sharedResumeTokens(shared, started);
  const sessionLimiter = new RateLimiter(
    shared,
    'sessions',
    limits.sessionRequestsPerMinute,
    60_000,
  );

  const request = requestInfo(trust);
  const allowedOrigins = allowedOriginsOf(context);
  const slots = new SessionSlots(shared, limits.maxSessionsPerClient, (error) =>
    log.warn('could not update a session slot', { error }),
  );
  const postCall = createPostCallService({
    ...{ store, upstream, urlGuard, log, now, resumeWindowMs: limits.resumeWindowMs },
    ...(options.postCallRetry ? { retry: options.postCallRetry } : {}),
  });
  // Webhooks an earlier run left queued (a retry pending at shutdown, or a crash) go on.
  postCall.resume();
  const dataDir = options.database?.dataDir;
  const recordings = startRecordings(options.recording, env, { store, log, now, dataDir });
  const relay = createRelayLoader(
    {
      ...{ store, mailer, upstream, tickets, log, now, limits, slots, urlGuard, shared },
      clientAddress: (incoming) => trust.clientAddress(incoming),
      liveDelegationHandler: options.liveDelegationHandler,
      onConversationEnded: (conversationId) => postCall.ended(conversationId),
      recordings,
      // A conversation goes on over either transport and on any instance: a resume ends every
      // other live holder of it.
      takeOver: (conversationId): Promise<void> => takeover.takeOver(conversationId),
    },
    (incoming) =>
      originAllowed(incoming.headers.origin, requestHost(trust, incoming), allowedOrigins),
    log,
  );
  const calls = new WebRtcCalls({
    ...{ store, mailer, upstream, urlGuard, log, now, limits, resumeTokens, shared },
    liveDelegationHandler: options.liveDelegationHandler,
    // WebRTC and GPT-Live WebRTC conversations get the same post-call work as relayed ones.
    onConversationEnded: (conversationId) => postCall.ended(conversationId),
    takeOver: (conversationId): Promise<void> => takeover.takeOver(conversationId),
  });
  const takeover = new ConversationTakeover({
    ...{ shared, store, log, waitMs: limits.takeoverWaitMs },
    endHere: async (conversationId): Promise<boolean> => {
      const ended = await Promise.all([
        relay.endLive(conversationId),
        calls.endLive(conversationId),
      ]);
      await slots.released();
      return ended.includes(true);
    },
  });
  await takeover.listening(5_000);
  const issuer = createSessionIssuer({
    ...{ store, tickets, resumeTokens, now, publicUrl: options.publicUrl },
    resumeWindowMs: limits.resumeWindowMs,
    forwardedProto: request.forwardedProto,
  });
  const auth = createAdminAuth({
    ...{ store, shared, now, clientAddress: request.clientAddress },
    isHttps: request.isHttps,
    requestHost: request.host,
    ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
  });

  let draining = false;
  const ready = async () => !draining && (await store.database.ping()) && (await shared.ping());
  const app = createServerApp({
    ...{ context, store, upstream, mailer, urlGuard, recordings, slots, sessionLimiter },
    ...{ request, allowedOrigins, issuer, auth, calls, ready, draining: () => draining },
  });
  return createServerHandle({
    ...{ options, app, store, upstream, mailer, shared, urlGuard, slots, postCall, recordings },
    ...{ relay, calls, takeover, setupToken: started.bootstrap.setupToken, ready },
    startDraining: () => {
      draining = true;
    },
  });
}
