/** What conversations produced: transcripts, leads, scheduled calls, analytics. */
import { Hono } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import {
  analyticsQuerySchema,
  conversationListQuerySchema,
  ledgerQuerySchema,
  webhookDeliveryQuerySchema,
} from '../../schemas.js';
import type { OutboxList } from '../../schemas.js';
import { validate } from '../../http/errors.js';

/** `/conversations…`, `/leads`, `/scheduled-calls`, `/analytics`, `/outbox` (behind sign-in). */
export function conversationRoutes({ store, mailer }: AdminRoutesOptions) {
  const app = new Hono<{ Variables: AdminVariables }>();
  app.get('/conversations', async (c) => {
    const query = validate(conversationListQuerySchema, c.req.query());
    const conversations = await store.conversations.list(query);
    const analyses = await store.postCall.analyses(conversations.map((row) => row.id));
    return c.json({
      conversations: conversations.map((row) => ({
        ...row,
        analysis: analyses.get(row.id) ?? null,
      })),
    });
  });
  app.get('/conversations/:id', async (c) => {
    const id = c.req.param('id');
    const detail = await store.conversations.detail(id);
    const [turns, analyses, webhookDeliveries] = await Promise.all([
      store.turns.list(id),
      store.postCall.analyses([id]),
      store.postCall.deliveries({ conversationId: id, limit: 100 }),
    ]);
    return c.json({
      ...detail,
      conversation: { ...detail.conversation, analysis: analyses.get(id) ?? null },
      turns,
      webhookDeliveries,
    });
  });
  app.get('/leads', async (c) =>
    c.json({ leads: await store.leads.listLeads({ agentId: c.req.query('agentId') }) }),
  );
  app.get('/scheduled-calls', async (c) =>
    c.json({
      calls: await store.leads.listScheduledCalls({ agentId: c.req.query('agentId') }),
    }),
  );
  app.get('/analytics', async (c) => {
    const query = validate(analyticsQuerySchema, c.req.query());
    return c.json(await store.analytics.summary(query));
  });
  app.get('/analytics/latency', async (c) => {
    const query = validate(analyticsQuerySchema, c.req.query());
    return c.json(await store.turns.latency(query));
  });
  app.get('/ledger', async (c) =>
    c.json(await store.ledger.ledger(validate(ledgerQuerySchema, c.req.query()))),
  );
  app.get('/webhook-deliveries', async (c) =>
    c.json({
      deliveries: await store.postCall.deliveries(
        validate(webhookDeliveryQuerySchema, c.req.query()),
      ),
    }),
  );
  // The local outbox: notification emails kept because no SMTP server is configured.
  app.get('/outbox', async (c) => {
    const answer: OutboxList = {
      delivery: mailer.delivery === 'outbox' ? 'outbox' : 'smtp',
      messages: await store.outbox.list(),
    };
    return c.json(answer);
  });
  return app;
}
