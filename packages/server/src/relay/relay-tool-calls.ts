/**
 * The tool calls of a relayed Realtime conversation: a call of a browser tool waits for the
 * browser's output (only those outputs are accepted from it), a server tool runs here, and the
 * {@link ToolFollowUp} says when the one `response.create` that goes on after them is due. A tool
 * may ask to end the conversation once its reply is said.
 */
import type { RealtimeItem } from '@parley/core';
import type { Logger } from '../logger.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import type { ServerTool } from '../tools/types.js';
import type { ConversationRecorder } from './conversation-recorder.js';
import { McpCalls } from './mcp-calls.js';
import { runServerToolCall } from './server-tool-call.js';
import { ToolFollowUp } from './tool-follow-up.js';
import type { TurnTracker } from './turn-tracker.js';

type FunctionCall = Extract<RealtimeItem, { type: 'function_call' }>;
type McpApprovalRequest = Extract<RealtimeItem, { type: 'mcp_approval_request' }>;

/** How long the line stays open after a tool asked to end the conversation, at most. */
const endGraceMs = 15_000;

/** What the tool calls need from their relay session. */
export interface RelayToolCallsHost {
  options: {
    serverTools: ReadonlyMap<string, ServerTool>;
    clientToolNames: ReadonlySet<string>;
    store: Store;
    mailer: Mailer;
    agent: PublishedAgent;
    now: () => Date;
    log: Logger;
  };
  recorder: ConversationRecorder;
  /** Per-turn latency: a tool call's time is not the model's. */
  turns: Pick<TurnTracker, 'toolStarted' | 'toolFinished'>;
  /** Runs `task` after `ms` unless the session ends first. */
  after(ms: number, task: () => void): void;
  /** Sends a server tool's output upstream. */
  sendUpstreamNow(frame: string): void;
  /** Sends the one `response.create` that goes on after a response's tool calls. */
  requestFollowUp(): void;
  /** Ends the conversation (a tool asked to). */
  end(endReason: string): void;
  /** True once the session ended. */
  closed(): boolean;
}

/** The tool calls of one relay session (see the module comment). */
export class RelayToolCalls {
  private readonly followUp = new ToolFollowUp();
  /** Calls the browser must answer (only their outputs are accepted from it). */
  readonly clientCalls = new Set<string>();
  private endRequested: { reason: string; responseId: string } | null = null;
  /** MCP calls (stored) and approval requests (answered by the agent's policy). */
  readonly mcp: McpCalls;

  constructor(private readonly host: RelayToolCallsHost) {
    this.mcp = new McpCalls(host.options.agent.config.mcpServers, host.recorder);
  }

  /**
   * The upstream asks to approve an MCP call: answered at once by the agent's policy, and the
   * response goes on (one `response.create`) once `responseId` is done, like a tool's output.
   */
  mcpApproval(item: McpApprovalRequest, responseId: string): void {
    const id = typeof item.id === 'string' ? item.id : '';
    if (id === '' || this.host.closed()) return;
    this.followUp.serverCall(responseId, id);
    this.host.sendUpstreamNow(this.mcp.answer(item));
    if (this.followUp.serverOutput(id)) this.host.requestFollowUp();
  }

  /**
   * The browser asked for a response after answering its own tools: null when no tool response is
   * pending (the request goes upstream as it is), else whether the held follow-up is due now.
   */
  browserAsked(): boolean | null {
    return this.followUp.browserAsked();
  }

  /** The browser sent the output of `callId` (checked by the policy): recorded, then forwarded by the caller. */
  browserOutput(callId: string, output: string | null): void {
    this.clientCalls.delete(callId);
    this.host.turns.toolFinished(callId);
    this.host.recorder.toolCall({
      callId,
      name: 'client',
      arguments: '',
      output,
      outcome: 'client',
      durationMs: null,
    });
  }

  /** After the browser's output of `callId` went upstream: sends the follow-up when it is due. */
  browserOutputSent(callId: string): void {
    if (this.followUp.clientOutput(callId)) this.host.requestFollowUp();
  }

  /** `responseId` is done: sends the follow-up when due, and ends the conversation a tool asked to end. */
  responseDone(responseId: string): void {
    if (this.followUp.responseDone(responseId)) this.host.requestFollowUp();
    if (
      this.endRequested &&
      this.endRequested.responseId !== responseId &&
      !this.followUp.waiting
    ) {
      this.host.end(this.endRequested.reason);
    }
  }

  /** `callId` apart from the item: the item type leaves it optional, as the official types do. */
  functionCall(item: FunctionCall, callId: string, responseId: string): void {
    const name = typeof item.name === 'string' ? item.name : '';
    const { host } = this;
    const { serverTools, clientToolNames } = host.options;
    host.turns.toolStarted(callId);
    if (clientToolNames.has(name) && !serverTools.has(name)) {
      this.clientCalls.add(callId);
      this.followUp.clientCall(responseId, callId);
      return;
    }
    this.followUp.serverCall(responseId, callId);
    const argumentsJson = typeof item.arguments === 'string' ? item.arguments : '';
    void runServerToolCall({
      tool: serverTools.get(name),
      name,
      callId,
      argumentsJson,
      recorder: host.recorder,
      options: host.options,
      requestEnd: (reason) => {
        this.endRequested = { reason, responseId };
        // Whatever the model does next, do not keep the line open for long.
        host.after(endGraceMs, () => host.end(reason));
      },
    }).then((output) => {
      host.turns.toolFinished(callId);
      if (host.closed()) return;
      host.sendUpstreamNow(
        JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'function_call_output', call_id: callId, output },
        }),
      );
      if (this.followUp.serverOutput(callId)) host.requestFollowUp();
    });
  }
}
