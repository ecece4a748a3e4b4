/** What a server-side tool is and what it gets to work with. */
import type { z } from 'zod';
import type { AgentConfig } from '../schemas.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from './mailer.js';

/** Everything a tool may touch during one call. */
export interface ToolContext {
  store: Store;
  mailer: Mailer;
  agent: { id: string; name: string; config: AgentConfig };
  /** Null when the tool runs outside a conversation (admin playground, tests). */
  conversationId: string | null;
  callId: string;
  now: () => Date;
  /** Asks the relay to close the conversation once the current reply has been sent. */
  requestEnd: (reason: string) => void;
  /**
   * True for an admin test-run: a tool with side effects (storing a lead or a call, sending
   * email) checks everything it would check and describes what it would do, but does nothing.
   */
  dryRun?: boolean;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * Aborted when the runner gives up on the call (its time limit): stop the work (a webhook's
   * request, an email not yet sent) rather than let it run on unseen.
   */
  signal: AbortSignal;
}

/** A tool the server executes. Arguments are validated with `args` before `execute` runs. */
export interface ServerTool<Args = unknown> {
  name: string;
  description: string;
  /** JSON Schema the model sees. */
  parameters: Record<string, unknown>;
  args: z.ZodType<Args>;
  timeoutMs: number;
  execute(args: Args, context: ToolContext): Promise<unknown>;
}

/**
 * Why a server tool call failed, as the model reads it in `{"error": …}`: `invalid_arguments`
 * (with `issues`), `timeout`, `tool_failed`, or a tool's own {@link ToolError} code (with the
 * webhook's HTTP `status` when that is what failed).
 */
export interface ServerToolError {
  code: string;
  message: string;
  issues?: readonly { readonly path: string; readonly message: string }[];
  status?: number;
}

/** A tool's answer, as sent back to the model and logged. */
export interface ToolResult {
  /** JSON text given to the model as the `function_call_output`. */
  output: string;
  /** The failure as data (null on success): read it, never the output text. */
  error: ServerToolError | null;
  outcome: 'ok' | 'error';
  durationMs: number;
}

/** An expected tool failure; its message goes to the model. */
export class ToolError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status a webhook answered, when that is what failed. */
    readonly status?: number,
  ) {
    super(message);
  }
}
