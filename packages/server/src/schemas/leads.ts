// Leads, scheduled calls and the local outbox.
import { z } from 'zod';

/** A captured lead. */
export const leadSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  conversationId: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string(),
  notified: z.boolean(),
  notifyError: z.string().nullable(),
  createdAt: z.string(),
});
/** See {@link leadSchema}. */
export type Lead = z.infer<typeof leadSchema>;

/** A call the visitor asked to schedule. */
export const scheduledCallSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  conversationId: z.string().nullable(),
  name: z.string(),
  contact: z.string(),
  startsAt: z.string(),
  notes: z.string(),
  createdAt: z.string(),
});
/** See {@link scheduledCallSchema}. */
export type ScheduledCall = z.infer<typeof scheduledCallSchema>;

/** A notification email kept in the local outbox (no SMTP server configured). */
export const outboxMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  replyTo: z.string().nullable(),
  createdAt: z.string(),
});
/** See {@link outboxMessageSchema}. */
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

/** `GET /api/admin/outbox`: how notification email is delivered, and the outbox (newest first). */
export const outboxListSchema = z.object({
  delivery: z.enum(['smtp', 'outbox']),
  messages: z.array(outboxMessageSchema),
});
/** See {@link outboxListSchema}. */
export type OutboxList = z.infer<typeof outboxListSchema>;
