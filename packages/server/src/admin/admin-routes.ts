/** The admin API under `/api/admin` (see the route table in the README). */
import { DEFAULT_REALTIME_MODEL } from '@parley/core';
import { Hono } from 'hono';
import {
  agentCreateSchema,
  agentPublishSchema,
  agentRollbackSchema,
  agentUpdateSchema,
  agentVersionCreateSchema,
  analyticsQuerySchema,
  conversationListQuerySchema,
  documentInputSchema,
  loginSchema,
  passwordChangeSchema,
  playgroundSessionSchema,
  setupSchema,
  toolInputSchema,
  toolTestRequestSchema,
  voicePreviewRequestSchema,
  agentConfigSchema,
} from '../schemas.js';
import type { Context } from 'hono';
import type {
  AdminSession,
  BuiltinTool,
  OutboxList,
  SessionResponse,
  ToolTestResult,
} from '../schemas.js';
import { randomUUID } from 'node:crypto';
import type { Upstream } from '../upstream.js';
import type { Mailer } from '../tools/mailer.js';
import { runTool } from '../tools/tool-runner.js';
import { webhookTool } from '../tools/webhook-tool.js';
import { OutboundUrlRefusedError } from '../tools/url-guard.js';
import type { UrlGuard } from '../tools/url-guard.js';
import { builtinTools as serverBuiltinTools } from '../tools/builtin-tools.js';
import type { Logger } from '../logger.js';
import { defaultVoicePreviewLimits, synthesizePreview } from './voice-preview.js';
import type { VoicePreviewLimits } from './voice-preview.js';
import type { Store } from '../storage/store.js';
import { publicTool } from '../storage/knowledge-store.js';
import { HttpError, jsonBody, validate } from '../http/errors.js';
import type { AdminAuth, AdminVariables } from './admin-auth.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** What the admin routes need. */
export interface AdminRoutesOptions {
  store: Store;
  auth: AdminAuth;
  builtinTools: readonly BuiltinTool[];
  /** Issues a relay session for one agent version (the playground). */
  playgroundSession: (
    c: Context,
    agentId: string,
    version: number,
    resume?: { conversationId: string; token: string },
  ) => Promise<SessionResponse>;
  /** Where voice previews are spoken. */
  upstream: Upstream;
  mailer: Mailer;
  /** Refuses webhook URLs that reach internal addresses (at save and at call time). */
  urlGuard: UrlGuard;
  log: Logger;
  now: () => Date;
  /** Bounds of voice previews (defaults: 20 s, 30 s of audio). */
  voicePreview?: Partial<VoicePreviewLimits>;
}

/**
 * Built-in tools, which `POST /tools/:name/test` runs by name. Those with side effects
 * (`capture_lead`, `schedule_call`) run dry: they validate and describe, and store or send nothing.
 */
const runnableBuiltins = serverBuiltinTools;

/** Voice previews running at once, server-wide (each is an upstream session). */
const maxConcurrentPreviews = 2;

function parseOutput(output: string): unknown {
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return output;
  }
}

/** Builds the admin sub-application (mount it at `/api/admin`). */
export function createAdminRoutes({
  store,
  auth,
  builtinTools,
  playgroundSession,
  upstream,
  mailer,
  urlGuard,
  log,
  now,
  voicePreview,
}: AdminRoutesOptions) {
  const previewLimits: VoicePreviewLimits = { ...defaultVoicePreviewLimits, ...voicePreview };
  let previewsRunning = 0;
  const app = new Hono<{ Variables: AdminVariables }>();
  app.use('*', auth.sameOrigin);

  app.get('/setup', async (c) => c.json({ needed: await auth.setupNeeded() }));
  app.post('/setup', async (c) => {
    const body = await jsonBody(c, setupSchema);
    return c.json(await auth.setup(c, body.token, body.email, body.password));
  });
  app.post('/login', async (c) => {
    const body = await jsonBody(c, loginSchema);
    return c.json(await auth.login(c, body.email, body.password));
  });

  const secured = new Hono<{ Variables: AdminVariables }>();
  secured.use('*', auth.requireAdmin);

  secured.get('/me', (c) => {
    const admin = c.get('admin');
    const session: AdminSession = {
      user: { id: admin.userId, email: admin.email },
      csrfToken: admin.csrfToken,
      expiresAt: admin.expiresAt,
    };
    return c.json(session);
  });
  secured.post('/logout', async (c) => {
    await auth.logout(c, c.get('admin').tokenHash);
    return c.json({ ok: true });
  });
  secured.post('/password', async (c) => {
    const body = await jsonBody(c, passwordChangeSchema);
    const admin = c.get('admin');
    await auth.passwordAttempt(c, admin.userId);
    const user = await store.admin.findAdmin(admin.userId);
    if (!user || !(await verifyPassword(body.currentPassword, user.password_hash))) {
      throw new HttpError(401, 'unauthorized', 'the current password is wrong');
    }
    await store.admin.setPassword(user.id, await hashPassword(body.newPassword));
    await auth.startSession(c, user);
    return c.json({ ok: true });
  });

  // Agents
  secured.get('/agents', async (c) => c.json({ agents: await store.agents.list() }));
  secured.post('/agents', async (c) => {
    const body = await jsonBody(c, agentCreateSchema);
    return c.json(await store.agents.create(body, c.get('admin').email), 201);
  });
  secured.get('/agents/:id', async (c) => c.json(await store.agents.detail(c.req.param('id'))));
  secured.patch('/agents/:id', async (c) => {
    const body = await jsonBody(c, agentUpdateSchema);
    return c.json(await store.agents.update(c.req.param('id'), body));
  });
  secured.delete('/agents/:id', async (c) => {
    await store.agents.remove(c.req.param('id'));
    return c.body(null, 204);
  });
  secured.post('/agents/:id/versions', async (c) => {
    const body = await jsonBody(c, agentVersionCreateSchema);
    return c.json(
      await store.agents.createVersion(c.req.param('id'), body, c.get('admin').email),
      201,
    );
  });
  secured.post('/agents/:id/publish', async (c) => {
    const body = await jsonBody(c, agentPublishSchema);
    return c.json(await store.agents.publish(c.req.param('id'), body.version));
  });
  secured.post('/agents/:id/rollback', async (c) => {
    const body = await jsonBody(c, agentRollbackSchema);
    return c.json(await store.agents.rollback(c.req.param('id'), body.version));
  });

  secured.post('/agents/:id/playground', async (c) => {
    const body = await jsonBody(c, playgroundSessionSchema);
    const agent = await store.agents.get(c.req.param('id'));
    if (!agent) throw new HttpError(404, 'not_found', 'no such agent');
    const version = body.version ?? agent.latestVersion;
    if (!(await store.agents.atVersion(agent.id, version)))
      throw new HttpError(404, 'not_found', 'no such version');
    return c.json(await playgroundSession(c, agent.id, version, body.resume));
  });

  // Tools
  secured.get('/builtin-tools', (c) => c.json({ tools: builtinTools }));
  secured.get('/tools', async (c) =>
    c.json({ tools: (await store.knowledge.listTools()).map(publicTool) }),
  );
  /** Refuses a webhook URL that reaches an internal address, naming the field. */
  const checkToolUrl = async (url: string) => {
    try {
      await urlGuard.check(url);
    } catch (error) {
      if (!(error instanceof OutboundUrlRefusedError)) throw error;
      throw new HttpError(400, 'invalid_request', 'the request did not validate', [
        { path: ['url'], message: error.message },
      ]);
    }
  };
  secured.post('/tools', async (c) => {
    const body = await jsonBody(c, toolInputSchema);
    await checkToolUrl(body.url);
    if (builtinTools.some((tool) => tool.name === body.name)) {
      throw new HttpError(409, 'conflict', `"${body.name}" is the name of a built-in tool`);
    }
    return c.json(publicTool(await store.knowledge.createTool(body)), 201);
  });
  secured.get('/tools/:id', async (c) =>
    c.json(publicTool(await store.knowledge.getTool(c.req.param('id')))),
  );
  secured.put('/tools/:id', async (c) => {
    const body = await jsonBody(c, toolInputSchema);
    await checkToolUrl(body.url);
    if (builtinTools.some((tool) => tool.name === body.name)) {
      throw new HttpError(409, 'conflict', `"${body.name}" is the name of a built-in tool`);
    }
    return c.json(publicTool(await store.knowledge.updateTool(c.req.param('id'), body)));
  });
  secured.post('/tools/:id/test', async (c) => {
    const body = await jsonBody(c, toolTestRequestSchema);
    const id = c.req.param('id');
    const builtin = runnableBuiltins.get(id);
    const tool = builtin ?? webhookTool(await store.knowledge.getTool(id), urlGuard);
    let agent = {
      id: 'admin-tool-test',
      name: 'Tool test',
      config: agentConfigSchema.parse({
        instructions: 'Admin tool test-run.',
        tools: [tool.name],
      }),
    };
    if (body.agentId !== undefined) {
      const live = await store.agents.published(body.agentId);
      if (!live) {
        throw new HttpError(404, 'not_found', `No published agent "${body.agentId}"`);
      }
      agent = { id: live.agent.id, name: live.agent.name, config: live.config };
    }
    // Outside any conversation, and dry: nothing is recorded or sent, and the webhook sees
    // conversationId null.
    const result = await runTool(tool, JSON.stringify(body.arguments), {
      store,
      mailer,
      agent,
      dryRun: true,
      conversationId: null,
      callId: `test_${randomUUID()}`,
      now,
      requestEnd: () => undefined,
      log: (message, fields) =>
        log.info(message, { admin: c.get('admin').email, test: true, ...fields }),
    });
    const output = parseOutput(result.output);
    if (result.outcome === 'ok') {
      const answer: ToolTestResult = {
        ok: true,
        output,
        error: null,
        durationMs: result.durationMs,
        status: null,
      };
      return c.json(answer);
    }
    const failure = (
      output as { error?: { code?: unknown; message?: unknown; status?: unknown } } | null
    )?.error;
    const answer: ToolTestResult = {
      ok: false,
      output,
      error: `${typeof failure?.code === 'string' ? failure.code : 'tool_failed'}: ${
        typeof failure?.message === 'string' ? failure.message : 'the tool failed'
      }`,
      durationMs: result.durationMs,
      status: typeof failure?.status === 'number' ? failure.status : null,
    };
    return c.json(answer);
  });
  secured.delete('/tools/:id', async (c) => {
    await store.knowledge.removeTool(c.req.param('id'));
    return c.body(null, 204);
  });

  // Documents
  secured.get('/documents', async (c) =>
    c.json({ documents: await store.knowledge.listDocuments(c.req.query('agentId')) }),
  );
  secured.get('/documents/search', async (c) => {
    const query = c.req.query('q') ?? '';
    return c.json({
      hits: await store.knowledge.search(query, { agentId: c.req.query('agentId'), limit: 10 }),
    });
  });
  /** A document body with `agentId` resolved to the agent's id (a slug is accepted); 400 if none. */
  const documentBody = async (c: Context) => {
    const body = await jsonBody(c, documentInputSchema);
    if (body.agentId === null) return body;
    const agent = await store.agents.get(body.agentId);
    if (!agent) {
      // 400 with the field, like every other validation failure the console shows by its field.
      throw new HttpError(400, 'invalid_request', 'unknown agent', [
        { path: ['agentId'], message: 'unknown agent' },
      ]);
    }
    return { ...body, agentId: agent.id };
  };
  secured.post('/documents', async (c) => {
    return c.json(await store.knowledge.createDocument(await documentBody(c)), 201);
  });
  secured.get('/documents/:id', async (c) =>
    c.json(await store.knowledge.getDocument(c.req.param('id'))),
  );
  secured.put('/documents/:id', async (c) => {
    const body = await documentBody(c);
    return c.json(await store.knowledge.updateDocument(c.req.param('id'), body));
  });
  secured.delete('/documents/:id', async (c) => {
    await store.knowledge.removeDocument(c.req.param('id'));
    return c.body(null, 204);
  });

  // Conversations, leads, calls, analytics
  secured.get('/conversations', async (c) => {
    const query = validate(conversationListQuerySchema, c.req.query());
    return c.json({ conversations: await store.conversations.list(query) });
  });
  secured.get('/conversations/:id', async (c) =>
    c.json(await store.conversations.detail(c.req.param('id'))),
  );
  secured.get('/leads', async (c) =>
    c.json({ leads: await store.conversations.listLeads({ agentId: c.req.query('agentId') }) }),
  );
  secured.get('/scheduled-calls', async (c) =>
    c.json({
      calls: await store.conversations.listScheduledCalls({ agentId: c.req.query('agentId') }),
    }),
  );
  // The local outbox: notification emails kept because no SMTP server is configured.
  secured.get('/outbox', async (c) => {
    const answer: OutboxList = {
      delivery: mailer.delivery === 'outbox' ? 'outbox' : 'smtp',
      messages: await store.outbox.list(),
    };
    return c.json(answer);
  });
  secured.get('/analytics', async (c) => {
    const query = validate(analyticsQuerySchema, c.req.query());
    return c.json(await store.conversations.analytics(query));
  });

  // Voice preview: a short upstream session reads a sentence; the answer is audio/wav.
  secured.post('/voice-preview', async (c) => {
    const body = await jsonBody(c, voicePreviewRequestSchema);
    if (previewsRunning >= maxConcurrentPreviews) {
      throw new HttpError(
        429,
        'rate_limited',
        'a voice preview is already running; try again shortly',
        undefined,
        {
          'retry-after': '2',
        },
      );
    }
    previewsRunning += 1;
    try {
      const wav = await synthesizePreview(
        upstream,
        {
          voice: body.voice,
          model: body.model ?? DEFAULT_REALTIME_MODEL,
          speed: body.speed ?? 1,
          text: body.text ?? `Hi, I'm ${body.voice}. This is how I will sound to your visitors.`,
        },
        previewLimits,
      );
      return c.body(new Uint8Array(wav), 200, {
        'content-type': 'audio/wav',
        'content-length': String(wav.length),
      });
    } finally {
      previewsRunning -= 1;
    }
  });

  app.route('/', secured);
  return app;
}
