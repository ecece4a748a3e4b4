/** Knowledge documents: list, search, create, edit, remove. */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import { documentInputSchema } from '../../schemas.js';
import { HttpError, jsonBody } from '../../http/errors.js';

/** `/documents…` (behind sign-in). */
export function documentRoutes({ store }: AdminRoutesOptions) {
  const app = new Hono<{ Variables: AdminVariables }>();
  app.get('/documents', async (c) =>
    c.json({ documents: await store.knowledge.listDocuments(c.req.query('agentId')) }),
  );
  app.get('/documents/search', async (c) => {
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
  app.post('/documents', async (c) => {
    return c.json(await store.knowledge.createDocument(await documentBody(c)), 201);
  });
  app.get('/documents/:id', async (c) =>
    c.json(await store.knowledge.getDocument(c.req.param('id'))),
  );
  app.put('/documents/:id', async (c) => {
    const body = await documentBody(c);
    return c.json(await store.knowledge.updateDocument(c.req.param('id'), body));
  });
  app.delete('/documents/:id', async (c) => {
    await store.knowledge.removeDocument(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
