import type * as z from 'zod';
import { ParleyError } from '../errors.js';
import type { Tool } from '../protocol/index.js';
import type { JsonSchema, ToolContext, ToolDefinition } from '../types.js';
import type { ArgumentCheck, RunnableTool } from './run-tool.js';

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
  // By shape, not `instanceof`: core imports no zod at run time, and an app may hold a second copy.
  return typeof value === 'object' && value !== null && '_zod' in value && '~standard' in value;
}

/** A tool ready to run (by `runTool`): its wire definition and an argument check. */
export interface PreparedTool extends RunnableTool<{ callId: string }> {
  readonly definition: ToolDefinition<never, unknown>;
  /** The function tool as sent in `session.update` (`parameters` as JSON Schema). */
  readonly wire: Tool;
  /** Synchronous for zod schemas; the first call of a JSON Schema tool loads its validator. */
  readonly validate: (value: unknown) => ArgumentCheck | Promise<ArgumentCheck>;
}

type StandardSchema = {
  '~standard': {
    validate: (value: unknown) => StandardResult | Promise<StandardResult>;
    jsonSchema?: { input: (options: { target: string }) => Record<string, unknown> };
  };
};
type StandardResult = {
  value?: unknown;
  issues?: Extract<ArgumentCheck, { success: false }>['issues'];
};

function toCheck(result: StandardResult): ArgumentCheck {
  return result.issues
    ? { success: false, issues: result.issues }
    : { success: true, data: result.value };
}

/** Checks with the schema's own Standard Schema interface (zod 4 classic and mini have it). */
function standardValidator(schema: StandardSchema): PreparedTool['validate'] {
  return (value) => {
    const result = schema['~standard'].validate(value);
    return result instanceof Promise ? result.then(toCheck) : toCheck(result);
  };
}

/** The JSON Schema of a zod schema's input, by the schema's own methods (no zod import here). */
function zodToJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const withMethod = schema as unknown as {
    toJSONSchema?: (options: object) => Record<string, unknown>;
  };
  const converted =
    withMethod.toJSONSchema?.({ io: 'input', unrepresentable: 'any' }) ??
    (schema as unknown as StandardSchema)['~standard'].jsonSchema?.input({
      target: 'draft-2020-12',
    });
  if (converted === undefined) {
    throw new Error('the schema cannot describe itself as JSON Schema (zod 4.2 or later needed)');
  }
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

/**
 * Checks against a JSON Schema with zod's `fromJSONSchema`, loaded on the first call: the browser
 * bundle then carries no schema library unless a JSON Schema tool is actually called.
 */
function jsonSchemaValidator(parameters: JsonSchema): PreparedTool['validate'] {
  let loaded: PreparedTool['validate'] | undefined;
  return (value) => {
    if (loaded) return loaded(value);
    return import('zod').then((zod) => {
      loaded = standardValidator(zod.fromJSONSchema(parameters));
      return loaded(value);
    });
  };
}

/**
 * Checks a tool definition and derives its wire form and argument check. Throws a `config`
 * {@link ParleyError} for a bad name or a zod schema that cannot be described as JSON Schema.
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
  let validate: PreparedTool['validate'];
  try {
    if (isZodSchema(tool.parameters)) {
      validate = standardValidator(tool.parameters);
      parameters = zodToJsonSchema(tool.parameters);
    } else {
      parameters = { ...tool.parameters };
      validate = jsonSchemaValidator(tool.parameters);
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
  const execute = tool.execute as (args: unknown, context: ToolContext) => unknown;
  return { name: tool.name, definition: tool, wire, validate, execute };
}
