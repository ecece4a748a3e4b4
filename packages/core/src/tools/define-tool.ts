import * as z from 'zod';
import { ParleyError } from '../errors.js';
import type { Tool } from '../protocol/index.js';
import type { JsonSchema, ToolContext, ToolDefinition } from '../session/types.js';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines a client tool. With a zod schema the arguments are typed from it; with a JSON Schema
 * they are a plain object. Either way they are validated before `execute` runs, and a tool that
 * throws, times out or gets invalid arguments answers the model with a structured error.
 *
 * @example
 * ```ts
 * const weather = defineTool({
 *   name: 'get_weather',
 *   description: 'Current weather for a city',
 *   parameters: z.object({ city: z.string() }),
 *   timeoutMs: 5000,
 *   execute: async ({ city }, { signal }) => fetchWeather(city, { signal }),
 * });
 * session.registerTool(weather);
 * ```
 */
export function defineTool<Schema extends z.ZodType, Result>(tool: {
  name: string;
  description?: string;
  parameters: Schema;
  execute: (args: z.output<Schema>, context: ToolContext) => Result | Promise<Result>;
  timeoutMs?: number;
}): ToolDefinition<z.output<Schema>, Result>;
export function defineTool<Result>(tool: {
  name: string;
  description?: string;
  parameters: JsonSchema;
  execute: (args: Record<string, unknown>, context: ToolContext) => Result | Promise<Result>;
  timeoutMs?: number;
}): ToolDefinition<Record<string, unknown>, Result>;
export function defineTool(tool: ToolDefinition<never, unknown>): ToolDefinition<never, unknown> {
  prepareTool(tool);
  return tool;
}

/** True for a zod schema (as opposed to a JSON Schema object). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return (
    value instanceof z.ZodType || (typeof value === 'object' && value !== null && '_zod' in value)
  );
}

/** A tool ready to run: its wire definition and an argument validator. */
export interface PreparedTool {
  readonly definition: ToolDefinition<never, unknown>;
  /** The function tool as sent in `session.update` (`parameters` as JSON Schema). */
  readonly wire: Tool;
  readonly validator: z.ZodType;
}

/**
 * Checks a tool definition and derives its wire form and validator. Throws a `config`
 * {@link ParleyError} for a bad name or a schema that cannot be used.
 */
export function prepareTool(tool: ToolDefinition<never, unknown>): PreparedTool {
  if (!TOOL_NAME.test(tool.name)) {
    throw new ParleyError(
      'config',
      `Tool name "${tool.name}" must be 1-64 letters, digits, "_" or "-"`,
    );
  }
  if (typeof tool.execute !== 'function') {
    throw new ParleyError('config', `Tool "${tool.name}" has no execute function`);
  }
  if (tool.timeoutMs !== undefined && !(tool.timeoutMs > 0)) {
    throw new ParleyError('config', `Tool "${tool.name}" needs a positive timeoutMs`);
  }
  let parameters: Record<string, unknown>;
  let validator: z.ZodType;
  try {
    if (isZodSchema(tool.parameters)) {
      validator = tool.parameters;
      const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.parameters, {
        io: 'input',
        unrepresentable: 'any',
      }) as Record<string, unknown>;
      parameters = schema;
    } else {
      parameters = { ...tool.parameters };
      validator = z.fromJSONSchema(tool.parameters);
    }
  } catch (cause) {
    throw new ParleyError('config', `Tool "${tool.name}" has a schema that cannot be used`, {
      cause,
    });
  }
  const wire: Tool = {
    type: 'function',
    name: tool.name,
    ...(tool.description === undefined ? {} : { description: tool.description }),
    parameters,
  };
  return { definition: tool, wire, validator };
}
