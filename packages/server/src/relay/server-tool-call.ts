/**
 * Runs one server tool call of a relayed conversation: builds the tool's context, runs it once
 * the writes before it are stored (so it sees the conversation), and records the call. Never
 * throws: the output (a result, or a structured error) is what the model is given.
 */
import type { Logger } from '../logger.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import { runTool } from '../tools/tool-runner.js';
import type { ToolRunContext } from '../tools/tool-runner.js';
import type { ServerTool, ToolResult } from '../tools/types.js';
import type { ConversationRecorder } from './conversation-recorder.js';

/** One call to run. */
export interface ServerToolCall {
  /** Undefined when the agent has no tool of that name (the model is told so). */
  tool: ServerTool | undefined;
  name: string;
  callId: string;
  argumentsJson: string;
  recorder: ConversationRecorder;
  options: { store: Store; mailer: Mailer; agent: PublishedAgent; now: () => Date; log: Logger };
  /** The tool asks to end the conversation once the reply is said. */
  requestEnd: (reason: string) => void;
}

function unknownTool(name: string): ToolResult {
  const error = { code: 'unknown_tool', message: `no tool named "${name}"` };
  return { output: JSON.stringify({ error }), error, outcome: 'error', durationMs: 0 };
}

/** Runs the call and records it; resolves with the output for the model. */
export async function runServerToolCall(call: ServerToolCall): Promise<string> {
  const { tool, name, callId, argumentsJson, recorder, options } = call;
  const result = tool
    ? await recorder.afterWrites(() => {
        const context: ToolRunContext = {
          store: options.store,
          mailer: options.mailer,
          agent: {
            id: options.agent.agent.id,
            name: options.agent.agent.name,
            config: options.agent.config,
          },
          conversationId: recorder.conversationId,
          callId,
          now: options.now,
          requestEnd: call.requestEnd,
          log: (message, fields) =>
            options.log.info(message, { conversationId: recorder.conversationId, ...fields }),
        };
        return runTool(tool, argumentsJson, context);
      })
    : unknownTool(name);
  recorder.toolCall({
    callId,
    name,
    arguments: argumentsJson,
    output: result.output,
    outcome: result.outcome,
    durationMs: result.durationMs,
  });
  return result.output;
}
