import type { Clock } from '../ports.js';
import type { ToolCallError } from '../types.js';
import type { PreparedTool } from './define-tool.js';

/** What a tool call produced: the output string for the model, and the error when it failed. */
export interface ToolOutcome {
  readonly output: string;
  readonly error: ToolCallError | null;
}

/** The output sent to the model for a failed call: `{"error":{code,message,issues}}`. */
export function errorOutcome(error: ToolCallError): ToolOutcome {
  return { output: JSON.stringify({ error }), error };
}

function issuePath(path: ReadonlyArray<PropertyKey | { key: PropertyKey }> = []): string {
  return path
    .map((segment) => (typeof segment === 'object' ? segment.key : segment))
    .map((part) => (typeof part === 'symbol' ? part.toString() : String(part)))
    .join('.');
}

/**
 * Runs one call of a prepared tool: parses and validates the model's JSON arguments, runs
 * `execute` with an `AbortSignal`, and enforces the time limit on the injected clock. Never
 * throws: every failure becomes a structured error outcome the model can read and recover from.
 */
export async function runTool(
  tool: PreparedTool,
  rawArguments: string,
  options: { callId: string; clock: Clock; timeoutMs: number; signal?: AbortSignal },
): Promise<ToolOutcome> {
  let parsed: unknown;
  try {
    parsed = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch (cause) {
    return errorOutcome({
      code: 'invalid_arguments',
      message: `Arguments are not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
      issues: [],
    });
  }
  let checked = tool.validate(parsed);
  // Only a JSON Schema tool's first call waits (for its validator to load).
  if (checked instanceof Promise) checked = await checked;
  if (!checked.success) {
    return errorOutcome({
      code: 'invalid_arguments',
      message: `Arguments do not match the schema of "${tool.definition.name}"`,
      issues: checked.issues.map((issue) => ({
        path: issuePath(issue.path),
        message: issue.message,
      })),
    });
  }

  const controller = new AbortController();
  const abortFromOutside = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abortFromOutside, { once: true });
  let timer: unknown;
  const timeout = new Promise<ToolOutcome>((resolve) => {
    timer = options.clock.setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve(
        errorOutcome({
          code: 'timeout',
          message: `"${tool.definition.name}" did not finish within ${options.timeoutMs} ms`,
          issues: [],
        }),
      );
    }, options.timeoutMs);
  });
  const execution = (async (): Promise<ToolOutcome> => {
    try {
      const execute = tool.definition.execute as (
        args: unknown,
        context: { callId: string; signal: AbortSignal },
      ) => unknown;
      const result = await execute(checked.data, {
        callId: options.callId,
        signal: controller.signal,
      });
      if (typeof result === 'string') return { output: result, error: null };
      return { output: JSON.stringify(result ?? null), error: null };
    } catch (cause) {
      return errorOutcome({
        code: 'execution_error',
        message: cause instanceof Error ? cause.message : String(cause),
        issues: [],
      });
    }
  })();
  try {
    return await Promise.race([execution, timeout]);
  } finally {
    options.clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', abortFromOutside);
  }
}
