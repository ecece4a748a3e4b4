/** Webhook tools (create, edit, remove), the built-in tool list, and tool test-runs. */
import { Hono } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import { randomUUID } from 'node:crypto';
import { agentConfigSchema, toolInputSchema, toolTestRequestSchema } from '../../schemas.js';
import type { ToolTestResult } from '../../schemas.js';
import { HttpError, jsonBody } from '../../http/errors.js';
import { refuseInternalUrl } from '../outbound-url-check.js';
import { publicTool } from '../../storage/tools-store.js';
import { builtinTools as runnableBuiltins } from '../../tools/builtin-tools.js';
import { runTool } from '../../tools/tool-runner.js';
import { webhookTool } from '../../tools/webhook-tool.js';

/** The tool's output as JSON when it is JSON (tools answer JSON; a webhook may answer text). */
function parseOutput(output: string): unknown {
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return output;
  }
}

/**
 * `/builtin-tools`, `/tools…` (behind sign-in). `POST /tools/:id/test` runs a webhook tool or a
 * built-in by name; those with side effects (`capture_lead`, `schedule_call`) run dry: they
 * validate and describe, and store or send nothing.
 */
export function toolRoutes({
  store,
  builtinTools,
  mailer,
  urlGuard,
  log,
  now,
}: AdminRoutesOptions) {
  const app = new Hono<{ Variables: AdminVariables }>();
  app.get('/builtin-tools', (c) => c.json({ tools: builtinTools }));
  app.get('/tools', async (c) =>
    c.json({ tools: (await store.tools.listTools()).map(publicTool) }),
  );
  /** Refuses a webhook URL that reaches an internal address, naming the field. */
  const checkToolUrl = (url: string) => refuseInternalUrl(urlGuard, url, ['url']);
  app.post('/tools', async (c) => {
    const body = await jsonBody(c, toolInputSchema);
    await checkToolUrl(body.url);
    if (builtinTools.some((tool) => tool.name === body.name)) {
      throw new HttpError(409, 'conflict', `"${body.name}" is the name of a built-in tool`);
    }
    return c.json(publicTool(await store.tools.createTool(body)), 201);
  });
  app.get('/tools/:id', async (c) =>
    c.json(publicTool(await store.tools.getTool(c.req.param('id')))),
  );
  app.put('/tools/:id', async (c) => {
    const body = await jsonBody(c, toolInputSchema);
    await checkToolUrl(body.url);
    if (builtinTools.some((tool) => tool.name === body.name)) {
      throw new HttpError(409, 'conflict', `"${body.name}" is the name of a built-in tool`);
    }
    return c.json(publicTool(await store.tools.updateTool(c.req.param('id'), body)));
  });
  app.post('/tools/:id/test', async (c) => {
    const body = await jsonBody(c, toolTestRequestSchema);
    const id = c.req.param('id');
    const builtin = runnableBuiltins.get(id);
    const tool = builtin ?? webhookTool(await store.tools.getTool(id), urlGuard);
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
    // The structured error, not the output text, says whether and how the run failed.
    const { error } = result;
    const answer: ToolTestResult = {
      ok: error === null,
      output: parseOutput(result.output),
      error: error === null ? null : `${error.code}: ${error.message}`,
      durationMs: result.durationMs,
      status: error?.status ?? null,
    };
    return c.json(answer);
  });
  app.delete('/tools/:id', async (c) => {
    await store.tools.removeTool(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
