/** Experiments: start a traffic split, read its results, end it, or promote a version. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import { experimentCreateSchema, experimentPromoteSchema } from '../../schemas.js';
import { HttpError, jsonBody } from '../../http/errors.js';
import { experimentResults } from '../../experiments/results.js';

const listQuery = z.object({ agentId: z.string().max(100).optional() });

/** `/experiments…` and `/agents/:id/experiments` (behind sign-in). */
export function experimentRoutes({ store }: AdminRoutesOptions) {
  const app = new Hono<{ Variables: AdminVariables }>();
  const require = async (id: string) => {
    const experiment = await store.experiments.get(id);
    if (!experiment) throw new HttpError(404, 'not_found', 'no such experiment');
    return experiment;
  };

  app.get('/experiments', async (c) => {
    const query = listQuery.safeParse(c.req.query());
    if (!query.success)
      throw new HttpError(400, 'invalid_request', 'agentId: at most 100 characters');
    return c.json({ experiments: await store.experiments.list(query.data.agentId) });
  });
  app.post('/agents/:id/experiments', async (c) => {
    const body = await jsonBody(c, experimentCreateSchema);
    return c.json(await store.experiments.create(c.req.param('id'), body), 201);
  });
  app.get('/experiments/:id', async (c) =>
    c.json(await experimentResults(store, await require(c.req.param('id')))),
  );
  app.post('/experiments/:id/end', async (c) => {
    const experiment = await require(c.req.param('id'));
    if (!(await store.experiments.end(experiment.id, null)))
      throw new HttpError(409, 'conflict', 'the experiment has already ended');
    return c.json(await require(experiment.id));
  });
  // One action: the chosen version becomes the published one and the split stops.
  app.post('/experiments/:id/promote', async (c) => {
    const body = await jsonBody(c, experimentPromoteSchema);
    const experiment = await require(c.req.param('id'));
    if (experiment.status !== 'running')
      throw new HttpError(409, 'conflict', 'the experiment has already ended');
    if (!experiment.arms.some((arm) => arm.version === body.version))
      throw new HttpError(
        400,
        'invalid_request',
        `version ${body.version} is not in this experiment`,
      );
    await store.agents.publish(experiment.agentId, body.version);
    await store.experiments.end(experiment.id, body.version);
    return c.json(await require(experiment.id));
  });
  return app;
}
