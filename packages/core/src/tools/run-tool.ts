import type { Clock } from '../ports.js';
import type { ToolCallError } from '../types.js';

/** A check of a tool's arguments: the value to run with, or what is wrong with it. */
export type ArgumentCheck =
  | { success: true; data: unknown }
  | {
      success: false;
      issues: ReadonlyArray<{
        message: string;
        path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined;
      }>;
    };

/**
 * What one tool call produced: the output string for the model, the error when it failed (as
 * data, never thrown), and how long it took on the runner's clock, in whole milliseconds.
 */
export interface ToolRun<Failure = ToolCallError> {
  readonly output: string;
  readonly error: Failure | null;
  readonly durationMs: number;
}

/** Why a call failed, before it is described to the model (see `describeFailure`). */
export type ToolFailure =
  | { readonly kind: 'invalid_json'; readonly cause: unknown }
  | {
      readonly kind: 'invalid_arguments';
      readonly issues: readonly { readonly path: string; readonly message: string }[];
    }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'thrown'; readonly cause: unknown };

/**
 * A tool the runner can call, whatever it runs with: a browser tool gets `{ callId, signal }`, a
 * server tool its store, mailer and agent as well. `execute` always gets the call's `signal`.
 */
export interface RunnableTool<Context> {
  readonly name: string;
  /** Synchronous, or a promise while a validator loads. */
  readonly validate: (value: unknown) => ArgumentCheck | Promise<ArgumentCheck>;
  readonly execute: (args: unknown, context: Context & { signal: AbortSignal }) => unknown;
}

/** How to run one call. */
export interface RunToolOptions<Context, Failure> {
  /** Given to `execute`, with the call's `signal` added. */
  readonly context: Context;
  /** Times the call and its limit (inject a fake in tests). */
  readonly clock: Clock;
  readonly timeoutMs: number;
  /** Aborts the call from outside (a cancelled response, a closed session). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Turns a failure into the error the model reads (sent as `{"error": …}`). Default: core's
   * {@link ToolCallError} texts, the thrown message included.
   */
  readonly describeFailure?: (failure: ToolFailure, toolName: string) => Failure;
}

/** The output sent to the model for a failed call: `{"error": …}`. */
export function errorOutput(error: unknown): string {
  return JSON.stringify({ error });
}

/** Core's description of a failure, as {@link ToolCallError}. */
export function describeToolFailure(failure: ToolFailure, toolName: string): ToolCallError {
  switch (failure.kind) {
    case 'invalid_json':
      return {
        code: 'invalid_arguments',
        message: `Arguments are not valid JSON: ${messageOf(failure.cause)}`,
        issues: [],
      };
    case 'invalid_arguments':
      return {
        code: 'invalid_arguments',
        message: `Arguments do not match the schema of "${toolName}"`,
        issues: failure.issues,
      };
    case 'timeout':
      return {
        code: 'timeout',
        message: `"${toolName}" did not finish within ${failure.timeoutMs} ms`,
        issues: [],
      };
    case 'thrown':
      return { code: 'execution_error', message: messageOf(failure.cause), issues: [] };
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function issuePath(path: ReadonlyArray<PropertyKey | { key: PropertyKey }> = []): string {
  return path
    .map((segment) => (typeof segment === 'object' ? segment.key : segment))
    .map((part) => (typeof part === 'symbol' ? part.toString() : String(part)))
    .join('.');
}

/**
 * Runs one call: parses and validates the model's JSON arguments, runs `execute` with an
 * `AbortSignal`, and enforces the time limit on the injected clock (the signal aborts when the
 * limit passes or the caller aborts, so the tool can stop its own work). Never throws: every
 * failure becomes an error the model can read and recover from; a result that is a string is
 * sent as is, anything else as JSON.
 *
 * @example
 * ```ts
 * const run = await runTool(tool, '{"city":"Paris"}', {
 *   context: { callId: 'call_1' },
 *   clock: systemClock,
 *   timeoutMs: 5000,
 * });
 * if (run.error) console.warn(run.error.code, run.error.message);
 * ```
 */
export async function runTool<Context, Failure = ToolCallError>(
  tool: RunnableTool<Context>,
  rawArguments: string,
  options: RunToolOptions<Context, Failure>,
): Promise<ToolRun<Failure>> {
  const { clock } = options;
  const started = clock.now();
  const describe =
    options.describeFailure ??
    (describeToolFailure as unknown as (failure: ToolFailure, toolName: string) => Failure);
  const finish = (output: string, error: Failure | null): ToolRun<Failure> => ({
    output,
    error,
    durationMs: Math.max(0, Math.round(clock.now() - started)),
  });
  const fail = (failure: ToolFailure): ToolRun<Failure> => {
    const error = describe(failure, tool.name);
    return finish(errorOutput(error), error);
  };

  let parsed: unknown;
  try {
    parsed = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch (cause) {
    return fail({ kind: 'invalid_json', cause });
  }
  let checked = tool.validate(parsed);
  // Only a JSON Schema tool's first call waits (for its validator to load).
  if (checked instanceof Promise) checked = await checked;
  if (!checked.success) {
    return fail({
      kind: 'invalid_arguments',
      issues: checked.issues.map((issue) => ({
        path: issuePath(issue.path),
        message: issue.message,
      })),
    });
  }

  const controller = new AbortController();
  const abortFromOutside = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) abortFromOutside();
  else options.signal?.addEventListener('abort', abortFromOutside, { once: true });
  let timer: unknown;
  let timedOut = false;
  const timeout = new Promise<ToolRun<Failure>>((resolve) => {
    timer = clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new Error('timeout'));
      resolve(fail({ kind: 'timeout', timeoutMs: options.timeoutMs }));
    }, options.timeoutMs);
  });
  const execution = (async (): Promise<ToolRun<Failure>> => {
    try {
      const result = await tool.execute(checked.data, {
        ...options.context,
        signal: controller.signal,
      });
      return finish(typeof result === 'string' ? result : JSON.stringify(result ?? null), null);
    } catch (cause) {
      // After the time limit the answer is given; what the aborted tool throws is not a failure.
      if (timedOut) return finish('', null);
      return fail({ kind: 'thrown', cause });
    }
  })();
  try {
    return await Promise.race([execution, timeout]);
  } finally {
    clock.clearTimeout(timer);
    options.signal?.removeEventListener('abort', abortFromOutside);
  }
}
