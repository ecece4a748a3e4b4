/** Agents: list, create, edit, versions, publish, rollback, and playground sessions and calls. */
import { Hono } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import {
  agentCreateSchema,
  agentPublishSchema,
  agentRollbackSchema,
  agentUpdateSchema,
  agentVersionCreateSchema,
  playgroundCallSchema,
  playgroundSessionSchema,
  postCallSecretSchema,
} from '../../schemas.js';
import { postCallSecretKey } from '../../post-call/post-call-service.js';
import { HttpError, jsonBody } from '../../http/errors.js';
import { refuseInternalUrl } from '../outbound-url-check.js';
import {
  keepSavedMcpSecrets,
  maskedDetail,
  maskedVersion,
  refuseInternalMcpUrls,
} from '../mcp-secrets.js';
import type { AgentConfig } from '../../schemas.js';

/** `/agents…` (behind sign-in). */
export function agentRoutes(options: AdminRoutesOptions) {
  const { store, playgroundSession, playgroundCall, urlGuard } = options;
  const app = new Hono<{ Variables: AdminVariables }>();
  /**
   * The post-call webhook and the MCP servers may not reach an internal address (the webhook is
   * checked again when it is sent).
   */
  const checkOutboundUrls = async (config: AgentConfig) => {
    const url = config.postCall.webhookUrl;
    if (url !== null) await refuseInternalUrl(urlGuard, url, ['config', 'postCall', 'webhookUrl']);
    await refuseInternalMcpUrls(urlGuard, config);
  };
  app.get('/agents', async (c) => c.json({ agents: await store.agents.list() }));
  app.post('/agents', async (c) => {
    const body = await jsonBody(c, agentCreateSchema);
    await checkOutboundUrls(body.config);
    const config = keepSavedMcpSecrets(body.config, []);
    return c.json(await store.agents.create({ ...body, config }, c.get('admin').email), 201);
  });
  app.get('/agents/:id', async (c) =>
    c.json(maskedDetail(await store.agents.detail(c.req.param('id')))),
  );
  app.patch('/agents/:id', async (c) => {
    const body = await jsonBody(c, agentUpdateSchema);
    return c.json(await store.agents.update(c.req.param('id'), body));
  });
  app.delete('/agents/:id', async (c) => {
    await store.agents.remove(c.req.param('id'));
    return c.body(null, 204);
  });
  app.post('/agents/:id/versions', async (c) => {
    const body = await jsonBody(c, agentVersionCreateSchema);
    await checkOutboundUrls(body.config);
    // Header values sent back without a value keep the saved ones (newest version first).
    const saved = await store.agents.detail(c.req.param('id'));
    const config = keepSavedMcpSecrets(
      body.config,
      [...saved.versions].sort((a, b) => b.version - a.version).map((entry) => entry.config),
    );
    const version = await store.agents.createVersion(
      c.req.param('id'),
      { ...body, config },
      c.get('admin').email,
    );
    return c.json(maskedVersion(version), 201);
  });
  app.post('/agents/:id/publish', async (c) => {
    const body = await jsonBody(c, agentPublishSchema);
    return c.json(await store.agents.publish(c.req.param('id'), body.version));
  });
  app.post('/agents/:id/rollback', async (c) => {
    const body = await jsonBody(c, agentRollbackSchema);
    return c.json(await store.agents.rollback(c.req.param('id'), body.version));
  });

  // The post-call webhook's signing secret: write-only, like webhook tools' secrets.
  app.get('/agents/:id/post-call-secret', async (c) => {
    const agent = await store.agents.get(c.req.param('id'));
    if (!agent) throw new HttpError(404, 'not_found', 'no such agent');
    const secret = await store.admin.getSetting(postCallSecretKey(agent.id));
    return c.json({ hasSecret: secret !== undefined });
  });
  app.put('/agents/:id/post-call-secret', async (c) => {
    const body = await jsonBody(c, postCallSecretSchema);
    const agent = await store.agents.get(c.req.param('id'));
    if (!agent) throw new HttpError(404, 'not_found', 'no such agent');
    if (body.secret === null) await store.admin.deleteSetting(postCallSecretKey(agent.id));
    else await store.admin.setSetting(postCallSecretKey(agent.id), body.secret);
    return c.json({ hasSecret: body.secret !== null });
  });

  /** The version a playground request tries: the one it names, else the latest. */
  const triedVersion = async (id: string, version: number | undefined) => {
    const agent = await store.agents.get(id);
    if (!agent) throw new HttpError(404, 'not_found', 'no such agent');
    const tried = await store.agents.atVersion(agent.id, version ?? agent.latestVersion);
    if (!tried) throw new HttpError(404, 'not_found', 'no such version');
    return tried;
  };
  app.post('/agents/:id/playground', async (c) => {
    const body = await jsonBody(c, playgroundSessionSchema);
    const tried = await triedVersion(c.req.param('id'), body.version);
    return c.json(
      await playgroundSession(c, tried.agent.id, tried.version, body.resume, tried.config.api),
    );
  });
  // The same version over WebRTC: the browser's offer in, the call's answer out (201).
  app.post('/agents/:id/playground/calls', async (c) => {
    const body = await jsonBody(c, playgroundCallSchema);
    const tried = await triedVersion(c.req.param('id'), body.version);
    return c.json(await playgroundCall(c, tried, { sdp: body.sdp, resume: body.resume }), 201);
  });
  return app;
}
