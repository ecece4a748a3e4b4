/**
 * Runs one server tool call on core's tool runner (argument validation, an `AbortSignal` the tool
 * is given, the timeout on a `Clock`, errors as data), with the server's error texts and codes
 * (a tool's own {@link ToolError}, else `tool_failed` without the internal message) and a log
 * line per call with its duration and outcome.
 */
import { runTool as runCoreTool, systemClock } from '@parley/core';
import type { ArgumentCheck, Clock, ToolFailure } from '@parley/core';
import { ToolError } from './types.js';
import type { ServerTool, ServerToolError, ToolContext, ToolResult } from './types.js';

/** What a server tool runs with; the runner adds the call's `signal`. */
export type ToolRunContext = Omit<ToolContext, 'signal'>;

function checkArguments(tool: ServerTool, value: unknown): ArgumentCheck {
  const parsed = tool.args.safeParse(value);
  return parsed.success
    ? { success: true, data: parsed.data }
    : { success: false, issues: parsed.error.issues };
}

/** The error the model reads for a failed server tool call. */
function describeFailure(
  failure: ToolFailure,
  context: ToolRunContext,
  tool: ServerTool,
): ServerToolError {
  switch (failure.kind) {
    case 'invalid_json':
      return { code: 'invalid_arguments', message: 'the arguments are not valid JSON' };
    case 'invalid_arguments':
      return {
        code: 'invalid_arguments',
        message: 'the arguments did not validate',
        issues: failure.issues,
      };
    case 'timeout':
      return { code: 'timeout', message: `the tool did not finish within ${failure.timeoutMs} ms` };
    case 'thrown': {
      const { cause } = failure;
      if (cause instanceof ToolError) {
        return {
          code: cause.code,
          message: cause.message,
          ...(cause.status === undefined ? {} : { status: cause.status }),
        };
      }
      context.log('tool failed', {
        tool: tool.name,
        error: cause instanceof Error ? cause.message : String(cause),
      });
      return { code: 'tool_failed', message: 'the tool failed' };
    }
  }
}

/** Executes `tool` with raw JSON `argumentsJson`; never throws. */
export async function runTool(
  tool: ServerTool,
  argumentsJson: string,
  context: ToolRunContext,
  options: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<ToolResult> {
  const run = await runCoreTool<ToolRunContext, ServerToolError>(
    {
      name: tool.name,
      validate: (value) => checkArguments(tool, value),
      execute: async (args, withSignal) =>
        JSON.stringify((await tool.execute(args, withSignal)) ?? { ok: true }),
    },
    argumentsJson,
    {
      context,
      clock: options.clock ?? systemClock,
      timeoutMs: tool.timeoutMs,
      signal: options.signal,
      describeFailure: (failure) => describeFailure(failure, context, tool),
    },
  );
  const outcome = run.error === null ? 'ok' : 'error';
  context.log('tool call', {
    tool: tool.name,
    callId: context.callId,
    outcome,
    durationMs: run.durationMs,
  });
  return { ...run, outcome };
}
