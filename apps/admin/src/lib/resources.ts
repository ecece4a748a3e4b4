// Response shapes of the list endpoints, built from the server's schemas.
import { z } from 'zod';
import {
  agentSchema,
  builtinToolSchema,
  conversationSchema,
  documentSchema,
  leadSchema,
  scheduledCallSchema,
  searchHitSchema,
  toolSchema,
} from '@parley/server/schemas';

export const agentListSchema = z.object({ agents: z.array(agentSchema) });
export const toolListSchema = z.object({ tools: z.array(toolSchema) });
export const builtinToolListSchema = z.object({ tools: z.array(builtinToolSchema) });
export const documentListSchema = z.object({ documents: z.array(documentSchema) });
export const searchResultSchema = z.object({ hits: z.array(searchHitSchema) });
export const conversationListSchema = z.object({ conversations: z.array(conversationSchema) });
export const leadListSchema = z.object({ leads: z.array(leadSchema) });
export const scheduledCallListSchema = z.object({ calls: z.array(scheduledCallSchema) });
