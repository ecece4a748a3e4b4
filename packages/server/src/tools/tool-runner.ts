/**
 * Runs one server tool call: parses and validates the arguments, enforces the timeout, turns
 * every failure into a structured output the model can read, and logs the call with its
 * duration and outcome.
 */
import { performance } from 'node:perf_hooks';
import { ToolError } from './types.js';
import type { ServerTool, ToolContext, ToolResult } from './types.js';

function errorOutput(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { code, message, ...extra } });
}

/** Executes `tool` with raw JSON `argumentsJson`; never throws. */
export async function runTool(
  tool: ServerTool,
  argumentsJson: string,
  context: ToolContext,
): Promise<ToolResult> {
  const started = performance.now();
  const finish = (output: string, outcome: 'ok' | 'error'): ToolResult => {
    const durationMs = Math.round(performance.now() - started);
    context.log('tool call', { tool: tool.name, callId: context.callId, outcome, durationMs });
    return { output, outcome, durationMs };
  };
  let raw: unknown;
  try {
    raw = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
  } catch {
    return finish(errorOutput('invalid_arguments', 'the arguments are not valid JSON'), 'error');
  }
  const parsed = tool.args.safeParse(raw);
  if (!parsed.success) {
    return finish(
      errorOutput('invalid_arguments', 'the arguments did not validate', {
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        })),
      }),
      'error',
    );
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      tool.execute(parsed.data, context),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new ToolError('timeout', `the tool did not finish within ${tool.timeoutMs} ms`)),
          tool.timeoutMs,
        );
      }),
    ]);
    return finish(JSON.stringify(result ?? { ok: true }), 'ok');
  } catch (error) {
    if (error instanceof ToolError) {
      return finish(
        errorOutput(
          error.code,
          error.message,
          error.status === undefined ? {} : { status: error.status },
        ),
        'error',
      );
    }
    context.log('tool failed', {
      tool: tool.name,
      error: error instanceof Error ? error.message : String(error),
    });
    return finish(errorOutput('tool_failed', 'the tool failed'), 'error');
  } finally {
    clearTimeout(timer);
  }
}
