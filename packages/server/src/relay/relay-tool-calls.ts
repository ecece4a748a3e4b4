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
  /** Approval answers decided during a response, sent once it is done, by response id. */
  private readonly approvals = new Map<string, { id: string; frame: string }[]>();

  constructor(private readonly host: RelayToolCallsHost) {
    this.mcp = new McpCalls(host.options.agent.config.mcpServers, host.recorder);
  }

  /**
   * The upstream asks to approve an MCP call: decided at once by the agent's policy, and sent
   * when `responseId` is done, right before the one `response.create` that goes on (an upstream
   * that continues by itself a moment after an approval, as the emulator does for clients that
   * send no `response.create`, then still gets the two back to back).
   */
  mcpApproval(item: McpApprovalRequest, responseId: string): void {
    const id = typeof item.id === 'string' ? item.id : '';
    if (id === '' || this.host.closed()) return;
    this.followUp.serverCall(responseId, id);
    const answers = this.approvals.get(responseId) ?? [];
    answers.push({ id, frame: this.mcp.answer(item) });
    this.approvals.set(responseId, answers);
  }

  /** Sends the approval answers held for `responseId`; true when the follow-up is due now. */
  private sendApprovals(responseId: string): boolean {
    const answers = this.approvals.get(responseId) ?? [];
    this.approvals.delete(responseId);
    let due = false;
    for (const answer of answers) {
      this.host.sendUpstreamNow(answer.frame);
      due = this.followUp.serverOutput(answer.id) || due;
    }
    return due;
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
    if (this.host.closed()) return;
    // The response's approvals go first: they complete its outputs like server tool outputs.
    const dueAfterApprovals = this.sendApprovals(responseId);
    if (this.followUp.responseDone(responseId) || dueAfterApprovals) this.host.requestFollowUp();
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
