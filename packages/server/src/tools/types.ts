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

/** A tool's answer, as sent back to the model and logged. */
export interface ToolResult {
  /** JSON text given to the model as the `function_call_output`. */
  output: string;
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
