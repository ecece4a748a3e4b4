import { useEffect, useRef } from 'react';
import type { ToolContext, ToolDefinition } from '@parley/core';
import { useSessionInstance } from './voice-session-provider.js';

/** Options of {@link useClientTool}. */
export interface ClientToolOptions {
  /** What the tool does, for the model. Strongly recommended: the model decides from it. */
  description?: string;
  /** How long the handler may run before the model gets a `timeout` error output. */
  timeoutMs?: number;
}

/**
 * The arguments type a schema describes: a zod (or any Standard Schema) schema's output, else
 * `unknown` (annotate the handler's parameter when you pass a JSON Schema).
 */
export type ToolArguments<Schema> = Schema extends {
  readonly '~standard': { readonly types?: { readonly output: infer Output } | undefined };
}
  ? Output
  : unknown;

/**
 * Lets the agent call a function of this page while the component is mounted. The tool is
 * registered on mount and unregistered on unmount; the handler always sees the latest props and
 * state without re-registering. Arguments are validated by the session against `schema` before
 * the handler runs; what the handler returns (or throws) goes back to the model.
 *
 * Keep `schema` stable (define it outside the component): a new schema object re-registers the
 * tool, which updates the session's tool list.
 *
 * @example
 * ```tsx
 * const colorSchema = z.object({ color: z.string().describe('A CSS color') });
 *
 * function Theme() {
 *   const [color, setColor] = useState('teal');
 *   useClientTool('set_accent_color', colorSchema, ({ color }) => {
 *     setColor(color);
 *     return { ok: true };
 *   }, { description: 'Changes the accent color of the page.' });
 *   return <main style={{ accentColor: color }}>…</main>;
 * }
 * ```
 */
export function useClientTool<
  Schema extends ToolDefinition['parameters'],
  Args = ToolArguments<Schema>,
>(
  name: string,
  schema: Schema,
  handler: (args: Args, context: ToolContext) => unknown,
  options: ClientToolOptions = {},
): void {
  const session = useSessionInstance();
  const latestHandler = useRef(handler);
  useEffect(() => {
    latestHandler.current = handler;
  });
  const { description, timeoutMs } = options;
  useEffect(() => {
    const tool: ToolDefinition<Args, unknown> = {
      name,
      parameters: schema,
      execute: (args, context) => latestHandler.current(args, context),
      ...(description === undefined ? {} : { description }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    };
    return session.registerTool(tool);
  }, [session, name, schema, description, timeoutMs]);
}
