/**
 * The tool calls of a Live session's Responses delegations: which calls the browser answers,
 * which run here as server tools, and the one `response.create` that continues a backend response
 * once every call it made has its output.
 */
import type { Logger } from '../../logger.js';
import type { PublishedAgent } from '../../storage/agents-store.js';
import type { Store } from '../../storage/store.js';
import type { Mailer } from '../../tools/mailer.js';
import type { ServerTool } from '../../tools/types.js';
import type { ConversationRecorder } from '../conversation-recorder.js';
import { runServerToolCall } from '../server-tool-call.js';
import { recordBrowserCall } from './live-browser-calls.js';

type Json = Record<string, unknown>;

interface Delegation {
  /** Server tool calls still running. */
  running: Set<Promise<void>>;
  /**
   * Outputs of finished server calls, sent upstream once the backend response completes (an
   * output sent before it is refused: the call is not in the conversation yet).
   */
  outputs: { callId: string; output: string }[];
  /** Calls of the current backend response. */
  calls: number;
  /** Client tool calls waiting for the browser's output. */
  waitingForBrowser: Set<string>;
}

/** What the delegations need from their relay session. */
export interface LiveDelegationsHost {
  serverTools: ReadonlyMap<string, ServerTool>;
  clientToolNames: ReadonlySet<string>;
  recorder: ConversationRecorder;
  /** The turn latency: tool time counts from a call's start to its output. */
  turns: { toolStarted(callId: string): void; toolFinished(callId: string): void };
  tools: { store: Store; mailer: Mailer; agent: PublishedAgent; now: () => Date; log: Logger };
  /** Sends an event upstream (queued until the session started). */
  toUpstream(event: Json): void;
  /** Sends an event to the browser. */
  toBrowser(event: Json): void;
  /** True once the session ended: nothing more is sent. */
  closed(): boolean;
}

/** The delegations of one Live session (see the module comment). */
export class LiveDelegations {
  private readonly delegations = new Map<string, Delegation>();
  /** Calls the browser must answer (only their outputs are accepted from it), by call id. */
  private readonly browserCalls = new Map<
    string,
    { callId: string; name: string; arguments: string; startedAt: number }
  >();

  constructor(private readonly host: LiveDelegationsHost) {}

  /**
   * The browser answered `callId`: true when it was a call it had to answer (its output is then
   * stored, and forwarded by the caller), false for any other id.
   */
  browserAnswered(callId: string, output: string): boolean {
    const call = this.browserCalls.get(callId);
    if (!call) return false;
    this.browserCalls.delete(callId);
    this.host.turns.toolFinished(callId);
    recordBrowserCall(
      this.host.recorder,
      call,
      { output, answered: true },
      Date.now() - call.startedAt,
    );
    this.host.recorder.item({
      id: `output_${callId}`,
      type: 'function_call_output',
      call_id: callId,
      output,
    });
    for (const delegation of this.delegations.values()) delegation.waitingForBrowser.delete(callId);
    return true;
  }

  private delegation(id: string): Delegation {
    let delegation = this.delegations.get(id);
    if (!delegation) {
      delegation = { running: new Set(), outputs: [], calls: 0, waitingForBrowser: new Set() };
      this.delegations.set(id, delegation);
    }
    return delegation;
  }

  /**
   * The Responses backend's stream: only a nested `response.output_item.done` with a completed
   * `function_call` runs a tool (the `added` copy has empty arguments); after the response
   * completes and every server call has its output, the outputs go upstream (one
   * `response.item.create` each) and one `response.create` continues it.
   */
  onResponseEvent(delegationId: string, nested: Json | undefined): void {
    if (!nested || !delegationId) return;
    const delegation = this.delegation(delegationId);
    if (nested.type === 'response.created') delegation.calls = 0;
    if (nested.type === 'response.output_item.done') {
      const item = nested.item as Json | undefined;
      if (item?.type !== 'function_call' || item.status !== 'completed') return;
      this.onFunctionCall(delegation, item);
      return;
    }
    if (
      nested.type === 'response.completed' &&
      delegation.calls > 0 &&
      delegation.waitingForBrowser.size === 0
    ) {
      void Promise.all([...delegation.running]).then(() => {
        if (this.host.closed()) return;
        for (const { callId, output } of delegation.outputs.splice(0)) {
          this.host.toUpstream({
            type: 'response.item.create',
            item: { type: 'function_call_output', call_id: callId, output },
          });
        }
        this.host.toUpstream({ type: 'response.create' });
      });
    }
  }

  private onFunctionCall(delegation: Delegation, item: Json): void {
    const { host } = this;
    const name = String(item.name);
    const callId = String(item.call_id);
    const args = typeof item.arguments === 'string' ? item.arguments : '{}';
    delegation.calls++;
    host.turns.toolStarted(callId);
    host.recorder.item({
      id: `call_${callId}`,
      type: 'function_call',
      status: 'completed',
      name,
      call_id: callId,
      arguments: args,
    });
    if (host.clientToolNames.has(name) && !host.serverTools.has(name)) {
      // The browser runs it (core, from this same event) and sends its output to the relay.
      this.browserCalls.set(callId, { callId, name, arguments: args, startedAt: Date.now() });
      delegation.waitingForBrowser.add(callId);
      return;
    }
    const run = runServerToolCall({
      tool: host.serverTools.get(name),
      name,
      callId,
      argumentsJson: args,
      recorder: host.recorder,
      options: host.tools,
      requestEnd: () => undefined,
    }).then((output) => {
      host.turns.toolFinished(callId);
      host.recorder.item({
        id: `output_${callId}`,
        type: 'function_call_output',
        call_id: callId,
        output,
      });
      delegation.outputs.push({ callId, output });
      // Live echoes no function_call_output: the browser's tool card learns the result here.
      if (!host.closed()) host.toBrowser({ type: 'parley.tool_output', call_id: callId, output });
    });
    delegation.running.add(run);
    void run.finally(() => delegation.running.delete(run));
  }
}
