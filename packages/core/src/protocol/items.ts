import * as z from 'zod';
import { lenient } from './lenient.js';

// Conversation items and their content parts (§2). Assistant content is `output_text` /
// `output_audio` in GA and `text` / `audio` in beta; the schemas accept both and the parsers
// normalize to the GA names, so consumers handle one set.

const itemStatusSchema = z.enum(['in_progress', 'completed', 'incomplete']);

/** One content part of a message item. */
export const contentPartSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('input_text'), text: z.string() }),
  z.looseObject({
    type: z.literal('input_audio'),
    audio: z.string().optional(),
    transcript: z.string().nullable().optional(),
  }),
  z.looseObject({
    type: z.literal('input_image'),
    image_url: z.string().optional(),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
  z.looseObject({ type: z.literal('output_text'), text: z.string().optional() }),
  z.looseObject({
    type: z.literal('output_audio'),
    audio: z.string().optional(),
    transcript: z.string().nullable().optional(),
  }),
  // Beta names (and what GA's `conversation.item.retrieved` was documented to show); parsers
  // rename them to `output_text` / `output_audio`.
  z.looseObject({ type: z.literal('text'), text: z.string().optional() }),
  z.looseObject({
    type: z.literal('audio'),
    audio: z.string().optional(),
    transcript: z.string().nullable().optional(),
  }),
]);
/** One content part of a message item. */
export type ContentPart = z.infer<typeof contentPartSchema>;

const itemBase = {
  id: z.string().optional(),
  object: z.string().optional(),
  status: itemStatusSchema.optional(),
};

function createItemSchema(nested: 'strict' | 'lenient') {
  // Server snapshots of items may be elided or carry part types this version does not know;
  // those parts become `{ type: 'unparsed', raw }` instead of failing the event. What a client
  // sends is ours, so there it stays strict.
  const part =
    nested === 'lenient' ? lenient(contentPartSchema, 'content part') : contentPartSchema;
  return z.discriminatedUnion('type', [
    z.looseObject({
      ...itemBase,
      type: z.literal('message'),
      role: z.enum(['system', 'user', 'assistant']),
      content: z.array(part),
    }),
    z.looseObject({
      ...itemBase,
      type: z.literal('function_call'),
      name: z.string(),
      // Optional in the official types (7.60.0): a snapshot may come before the call has an id.
      call_id: z.string().optional(),
      arguments: z.string(),
    }),
    z.looseObject({
      ...itemBase,
      type: z.literal('function_call_output'),
      call_id: z.string(),
      output: z.string(),
    }),
    z.looseObject({
      ...itemBase,
      type: z.literal('mcp_list_tools'),
      server_label: z.string(),
      tools: z.array(
        z.looseObject({
          name: z.string(),
          input_schema: z.unknown().optional(),
          description: z.string().nullable().optional(),
          annotations: z.unknown().optional(),
        }),
      ),
    }),
    z.looseObject({
      ...itemBase,
      type: z.literal('mcp_call'),
      name: z.string(),
      arguments: z.string(),
      server_label: z.string(),
      approval_request_id: z.string().nullable().optional(),
      output: z.string().nullable().optional(),
      error: z
        .looseObject({
          type: z.string(),
          message: z.string().optional(),
          code: z.number().optional(),
        })
        .nullable()
        .optional(),
    }),
    z.looseObject({
      ...itemBase,
      type: z.literal('mcp_approval_request'),
      name: z.string(),
      arguments: z.string(),
      server_label: z.string(),
    }),
    z.looseObject({
      ...itemBase,
      type: z.literal('mcp_approval_response'),
      approval_request_id: z.string(),
      approve: z.boolean(),
      reason: z.string().nullable().optional(),
    }),
  ]);
}

/**
 * A conversation item as the server reports it (message, function call, function call output,
 * MCP items). Unreadable content parts are kept as `{ type: 'unparsed', raw }`.
 */
export const itemSchema = createItemSchema('lenient');
/** A conversation item as the server reports it. */
export type RealtimeItem = z.infer<typeof itemSchema>;

/** A conversation item as a client sends it in `conversation.item.create` (strict parts). */
export const clientItemSchema = createItemSchema('strict');
/** A conversation item as a client sends it. */
export type ClientItem = z.infer<typeof clientItemSchema>;

/** A reference to an existing item, valid only in `response.create.response.input`. */
export const itemReferenceSchema = z.looseObject({
  type: z.literal('item_reference'),
  id: z.string(),
});

/** A content part as reported by `response.content_part.added` / `.done` (`audio` or `text`). */
export const responsePartSchema = z.looseObject({
  // Optional in the official types; the machine then reads the part as text.
  type: z.enum(['audio', 'text', 'output_audio', 'output_text']).optional(),
  text: z.string().optional(),
  transcript: z.string().nullable().optional(),
  audio: z.string().optional(),
});
/** A content part of a response. */
export type ResponsePart = z.infer<typeof responsePartSchema>;
