/**
 * The admin API under `/api/admin` (see the route table in the README): sign-in and setup in
 * the open, everything else behind `requireAdmin`, one route module per concern.
 */
import { Hono } from 'hono';
import { jsonBody } from '../http/errors.js';
import { loginSchema, setupSchema } from '../schemas.js';
import type { AdminVariables } from './admin-auth.js';
import type { AdminRoutesOptions } from './admin-route-options.js';
import { accountRoutes } from './routes/account-routes.js';
import { agentRoutes } from './routes/agent-routes.js';
import { conversationRoutes } from './routes/conversation-routes.js';
import { documentRoutes } from './routes/document-routes.js';
import { experimentRoutes } from './routes/experiment-routes.js';
import { recordingRoutes } from './routes/recording-routes.js';
import { toolRoutes } from './routes/tool-routes.js';
import { voicePreviewRoutes } from './routes/voice-preview-routes.js';

export type { AdminRoutesOptions } from './admin-route-options.js';

/** Builds the admin sub-application (mount it at `/api/admin`). */
export function createAdminRoutes(options: AdminRoutesOptions) {
  const { auth } = options;
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
  secured.route('/', accountRoutes(options));
  secured.route('/', agentRoutes(options));
  secured.route('/', toolRoutes(options));
  secured.route('/', documentRoutes(options));
  secured.route('/', conversationRoutes(options));
  secured.route('/', experimentRoutes(options));
  secured.route('/', recordingRoutes(options));
  secured.route('/', voicePreviewRoutes(options));
  app.route('/', secured);
  return app;
}
