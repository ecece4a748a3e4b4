// Type-level tests, checked by `tsc` (pnpm typecheck): tool arguments are typed from the schema,
// and the snapshot narrows by item type the way a transcript component reads it.
import { expectTypeOf } from 'vitest';
import * as z from 'zod';
import type { ConversationItem, ToolContext } from '../types.js';
import type { VoiceSession } from '../session/types.js';
import { defineTool } from './define-tool.js';

const weather = defineTool({
  name: 'get_weather',
  parameters: z.object({ city: z.string(), days: z.number().optional() }),
  execute: (args, context) => {
    expectTypeOf(args).toEqualTypeOf<{ city: string; days?: number | undefined }>();
    expectTypeOf(context).toEqualTypeOf<ToolContext>();
    return { temperatureC: 21 };
  },
});

const fromJsonSchema = defineTool({
  name: 'lookup',
  parameters: { type: 'object', properties: { key: { type: 'string' } } },
  execute: (args) => {
    expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
    return 'ok';
  },
});

declare const session: VoiceSession;
session.registerTool(weather);
session.registerTool(fromJsonSchema);
// @ts-expect-error a tool needs a schema
defineTool({ name: 'bad', execute: () => 1 });

declare const item: ConversationItem;
if (item.type === 'message') {
  expectTypeOf(item.text).toBeString();
  expectTypeOf(item.role).toEqualTypeOf<'user' | 'assistant' | 'system'>();
} else if (item.type === 'function_call') {
  expectTypeOf(item.arguments).toBeString();
  expectTypeOf(item.output).toEqualTypeOf<string | null>();
}
