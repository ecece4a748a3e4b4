// Knowledge documents and search hits.
import { z } from 'zod';

/** `POST /api/admin/documents` and `PUT /api/admin/documents/:id` (plain text or Markdown). */
export const documentInputSchema = z.object({
  /** Owning agent; null shares the document with every agent. */
  agentId: z.string().nullable().default(null),
  title: z.string().min(1).max(300),
  content: z.string().min(1).max(2_000_000),
});
/** See {@link documentInputSchema}. */
export type DocumentInput = z.input<typeof documentInputSchema>;

/** A stored document. */
export const documentSchema = z.object({
  id: z.string(),
  agentId: z.string().nullable(),
  title: z.string(),
  content: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** See {@link documentSchema}. */
export type KnowledgeDocument = z.infer<typeof documentSchema>;

/** One full-text search hit. */
export const searchHitSchema = z.object({
  documentId: z.string(),
  title: z.string(),
  snippet: z.string(),
  rank: z.number(),
});
/** See {@link searchHitSchema}. */
export type SearchHit = z.infer<typeof searchHitSchema>;
