// The session's client tools: the registry the machine sees as wire tools, and the runs of the
// calls the machine hands over (each with an AbortSignal, a timeout and its result as an event).
import type { MachineEvent } from '../machine/events.js';
import type { Tool } from '../protocol/index.js';
import type { Clock } from '../ports.js';
import { prepareTool, type PreparedTool } from '../tools/define-tool.js';
import { errorOutput, runTool } from '../tools/run-tool.js';
import type { ToolDefinition } from '../types.js';

const DEFAULT_TOOL_TIMEOUT_MS = 15_000;

export class SessionTools {
  private readonly tools = new Map<string, PreparedTool>();
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number | undefined,
    private readonly dispatch: (event: MachineEvent) => void,
  ) {}

  /** Adds (or replaces by name) a tool; returns the prepared tool for {@link remove}. */
  add<Args, Result>(tool: ToolDefinition<Args, Result>): PreparedTool {
    const prepared = prepareTool(tool);
    this.tools.set(prepared.wire.name, prepared);
    return prepared;
  }

  /** Removes `prepared` unless another tool has taken its name since; says whether it did. */
  remove(prepared: PreparedTool): boolean {
    if (this.tools.get(prepared.wire.name) !== prepared) return false;
    this.tools.delete(prepared.wire.name);
    return true;
  }

  /** The registered tools as the session configuration lists them. */
  wire(): Tool[] {
    return [...this.tools.values()].map((tool) => tool.wire);
  }

  /** Runs one call; its result (or the unknown-tool error) comes back as a `tool_result` event. */
  run(callId: string, name: string, rawArguments: string): void {
    const tool = this.tools.get(name);
    const at = () => this.clock.now();
    if (!tool) {
      const error = {
        code: 'unknown_tool' as const,
        message: `No tool named "${name}" is registered`,
        issues: [],
      };
      const output = errorOutput(error);
      queueMicrotask(() => this.dispatch({ type: 'tool_result', callId, output, error, at: at() }));
      return;
    }
    const controller = new AbortController();
    this.running.set(callId, controller);
    void runTool(tool, rawArguments, {
      context: { callId },
      clock: this.clock,
      timeoutMs: tool.definition.timeoutMs ?? this.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      signal: controller.signal,
    }).then((outcome) => {
      if (this.running.get(callId) !== controller || controller.signal.aborted) return;
      this.running.delete(callId);
      this.dispatch({
        type: 'tool_result',
        callId,
        output: outcome.output,
        error: outcome.error,
        at: at(),
      });
    });
  }

  /** Aborts running calls; their late results are dropped. */
  abort(callIds: readonly string[]): void {
    for (const callId of callIds) {
      this.running.get(callId)?.abort(new Error('aborted'));
      this.running.delete(callId);
    }
  }
}
