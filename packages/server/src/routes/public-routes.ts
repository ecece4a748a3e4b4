/**
 * The public API under `/api`, called by the pages that host a voice agent: health, the list of
 * published agents, and `POST /sessions` (a relay ticket, or in direct mode a short-lived client
 * secret), rate-limited and capped per client address.
 */
import { Hono } from 'hono';
import { HttpError, jsonBody } from '../http/errors.js';
import type { RateLimiter } from '../http/rate-limiter.js';
import type { RequestInfo } from '../http/request-info.js';
import { sessionRequestSchema } from '../schemas.js';
import type { SessionResponse } from '../schemas.js';
import { realtimeSession } from '../session-config.js';
import { sessionVersion } from '../experiments/session-version.js';
import type { SessionIssuer } from '../sessions/session-issuer.js';
import type { SessionSlots } from '../sessions/session-slots.js';
import type { Store } from '../storage/store.js';
import { agentTools } from '../tools/agent-tools.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { Upstream } from '../upstream.js';

/** What the public routes need. */
export interface PublicRoutesOptions {
  store: Store;
  upstream: Upstream;
  issuer: SessionIssuer;
  slots: SessionSlots;
  /** `POST /sessions` calls per client address. */
  sessionLimiter: RateLimiter;
  request: RequestInfo;
  /** Guards the URLs of webhook tools. */
  urlGuard: UrlGuard;
  now: () => Date;
  /** Lifetime of a direct-mode client secret. */
  clientSecretTtlSeconds: number;
}

/**
 * Counts a request that starts a conversation (`POST /api/sessions`, `POST /api/calls`: one
 * budget per client address); throws 429 `rate_limited` with `Retry-After` past the limit.
 */
export async function limitSessionRequests(limiter: RateLimiter, clientId: string): Promise<void> {
  const limit = await limiter.hit(clientId);
  if (!limit.allowed) {
    throw new HttpError(429, 'rate_limited', 'too many session requests', undefined, {
      'retry-after': String(limit.retryAfterSeconds),
    });
  }
}

/** Builds the public sub-application (mount it at `/api`). */
export function createPublicRoutes(options: PublicRoutesOptions): Hono {
  const { store, upstream, issuer, slots } = options;
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true, upstream: upstream.kind }));
  app.get('/agents', async (c) => c.json({ agents: await store.agents.listPublic() }));

  app.post('/sessions', async (c) => {
    const clientId = options.request.clientAddress(c);
    await limitSessionRequests(options.sessionLimiter, clientId);
    const body = await jsonBody(c, sessionRequestSchema);
    const published = await store.agents.published(body.agentId);
    if (!published) throw new HttpError(404, 'not_found', 'no published agent with that id');
    const resumeId = await issuer.resumable(body.resume, published.agent.id);
    // The early cap check; a resume's own connection (or call) may still hold a slot, which the
    // relay takes over when the browser connects, so it is counted there instead.
    if (resumeId === undefined && !(await slots.hasRoom(clientId))) {
      throw new HttpError(429, 'too_many_sessions', slots.refusal);
    }
    // An experiment may give this visitor another version: its config is the one served.
    const chosen = await sessionVersion(store, published, body.visitorId ?? clientId, resumeId);
    const agent = chosen.agent;
    // Direct mode mints a Realtime client secret: a GPT-Live agent always goes through the relay,
    // and so does an agent with MCP servers (their secret headers and approvals stay the relay's).
    if (
      agent.config.allowDirect &&
      agent.config.api === 'realtime' &&
      agent.config.mcpServers.length === 0 &&
      upstream.kind === 'openai' &&
      upstream.createClientSecret
    ) {
      // Direct mode: the browser talks to OpenAI itself, so only its own tools can run.
      const { definitions } = await agentTools(
        store,
        { ...agent.config, tools: [] },
        options.urlGuard,
      );
      const secret = await upstream.createClientSecret(
        realtimeSession(agent.config, definitions, { includeModel: true, now: options.now() }),
        options.clientSecretTtlSeconds,
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
    const granted = await issuer.relaySession(
      c,
      agent.agent.id,
      clientId,
      chosen.experiment?.version,
      resumeId,
      agent.config.api,
    );
    if (granted.mode === 'relay' && chosen.experiment)
      await store.experiments.assign(
        granted.conversationId,
        chosen.experiment.id,
        chosen.experiment.version,
      );
    if (granted.mode === 'relay' && (body.customerId !== undefined || body.tags !== undefined)) {
      await store.ledger.attribute(granted.conversationId, {
        customerId: body.customerId ?? null,
        tags: body.tags ?? [],
      });
    }
    return c.json(granted);
  });
  return app;
}
