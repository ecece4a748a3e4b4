import { itemToWire, type StoredItem } from './conversation.js';
import { EmulatorProtocolError } from './errors.js';
import { createId } from './ids.js';
import { resultInWords } from './reply-rules/reply-wording.js';
import { planReply } from './responder.js';
import { closeItem } from './response-items.js';
import { emitApprovalRequest, streamMcpCall, streamOutput } from './response-output.js';
import { outputSteps, type OutputStep } from './response-output-steps.js';
import type { ResponseOverrides } from './response-overrides.js';
import {
  waitFor,
  type ActiveResponse,
  type OpenPart,
  type ResponseHost,
} from './response-types.js';
import { audioTokens, buildUsage, contextTokens } from './usage.js';

export { splitPhrases } from './response-audio.js';
export { MAX_RETAINED_AUDIO_MS } from './response-items.js';
export type { ActiveResponse, OpenPart, ResponseHost } from './response-types.js';

const FIRST_OUTPUT_MS = 150;
const RATE_LIMIT_TOKENS = 40_000;
/** How long a response waits for MCP tool listings still under way (wall clock: real network). */
export const MCP_LISTING_WAIT_MS = 10_000;

/**
 * The responses of one connection: planning (the reply rules), streaming in the recorded event
 * order with real-time pacing, cancellation, usage and rate limits. At most one response writes
 * to the default conversation; out-of-band ones (`conversation: "none"`) run beside it.
 */
export class ResponseStreams {
  private readonly responses = new Set<ActiveResponse>();
  private defaultResponse: ActiveResponse | null = null;
  private previousInputTokens = 0;
  private tokensRemaining = RATE_LIMIT_TOKENS;

  constructor(private readonly host: ResponseHost) {}

  /** The active default-conversation response, if any. */
  get active(): ActiveResponse | null {
    return this.defaultResponse;
  }

  /** The active response with this id. */
  find(id: string): ActiveResponse | undefined {
    return [...this.responses].find((response) => response.id === id);
  }

  /** The part being streamed for `item`, when it is still open. */
  openPartOf(item: StoredItem): OpenPart | undefined {
    return [...this.responses].find((response) => response.open?.item === item)?.open ?? undefined;
  }

  /** Stops every response without sending anything (the socket closed). */
  dispose(): void {
    for (const response of this.responses) {
      response.finished = true;
      response.timer?.cancel();
    }
    this.responses.clear();
    this.defaultResponse = null;
  }

  /** The error for a second default-conversation response while `response` is active. */
  activeResponseError(response: ActiveResponse): EmulatorProtocolError {
    return new EmulatorProtocolError(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${response.id}. Wait until the response is finished before creating a new one.`,
    );
  }

  /**
   * Plans the reply, sends `response.created` and streams the rest in the background (beta sends
   * `rate_limits.updated` now, GA after `response.done`).
   */
  start(overrides: ResponseOverrides): void {
    this.host.onResponseStarted();
    const session = this.host.session();
    const items = overrides.input ?? this.host.conversation.list();
    const tools = overrides.tools ?? session.tools;
    const scripted = this.host.takeScripted();
    // Planned when the response starts its output, with the MCP tools listed by then.
    const plan = (): OutputStep[] => {
      const mcpTools = this.host.mcp.toolDefinitions();
      const reply = planReply({
        items,
        tools: [...tools, ...mcpTools],
        toolChoice: overrides.toolChoice ?? session.tool_choice,
        scripted,
        instructions: session.instructions,
        responseInstructions: overrides.instructions,
      });
      return outputSteps(this.host, reply, items, tools, mcpTools);
    };
    const outputModalities = overrides.outputModalities ?? session.output_modalities;
    const voice =
      overrides.voice ??
      (typeof session.audio.output.voice === 'string' ? session.audio.output.voice : 'alloy');
    const instructions = overrides.instructions ?? session.instructions;
    const response: ActiveResponse = {
      id: createId('resp'),
      overrides,
      object: {},
      output: [],
      open: null,
      finished: false,
      timer: null,
      wake: null,
      inputTokens: contextTokens(
        instructions,
        tools.length > 0 ? JSON.stringify(tools) : '',
        items,
      ),
      outputText: 0,
      outputAudioMs: 0,
    };
    response.object = {
      object: 'realtime.response',
      id: response.id,
      status: 'in_progress',
      status_details: null,
      output: [],
      conversation_id: overrides.conversation === 'auto' ? this.host.conversation.id : null,
      output_modalities: outputModalities,
      max_output_tokens: overrides.maxOutputTokens ?? session.max_output_tokens,
      audio: { output: { format: session.audio.output.format, voice } },
      usage: null,
      metadata: overrides.metadata ?? null,
    };
    this.responses.add(response);
    if (overrides.conversation === 'auto') this.defaultResponse = response;
    this.host.emit({ type: 'response.created', response: { ...response.object } });
    if (this.host.dialect === 'beta') this.emitRateLimits(0);
    void this.runResponse(
      response,
      plan,
      outputModalities.includes('audio') ? 'audio' : 'text',
      voice,
    ).catch((error: unknown) => {
      if (response.finished) return;
      this.host.sendError(
        new EmulatorProtocolError(
          'server_error',
          `The emulator failed: ${String((error as Error)?.message ?? error)}`,
          null,
          'server_error',
        ),
        null,
      );
      this.finish(response, 'failed', null);
    });
  }

  private emitRateLimits(tokensUsed: number): void {
    this.tokensRemaining = Math.max(0, this.tokensRemaining - tokensUsed);
    const tokens = {
      name: 'tokens',
      limit: RATE_LIMIT_TOKENS,
      remaining: this.tokensRemaining,
      reset_seconds: Number(((RATE_LIMIT_TOKENS - this.tokensRemaining) / 6000).toFixed(3)),
    };
    this.host.emit({
      type: 'rate_limits.updated',
      rate_limits:
        this.host.dialect === 'beta'
          ? [{ name: 'requests', limit: 20000, remaining: 19999, reset_seconds: 0.003 }, tokens]
          : [tokens],
    });
  }

  private async runResponse(
    response: ActiveResponse,
    plan: () => OutputStep[],
    modality: 'audio' | 'text',
    voice: string,
  ): Promise<void> {
    // The model's time to first token: a barge-in in this gap cancels a response with no output,
    // as the recordings show (response.created → speech_started → response.done, output []).
    // MCP: a response that starts while a server's tools are still being listed waits for that
    // listing (bounded by MCP_LISTING_WAIT_MS), so a `response.create` sent right after the
    // `session.update` that added the server can call its tools. The API's docs do not say which
    // it does; we chose waiting because the model cannot be given tools it has not seen, the API
    // lists them once per session and serves responses from that cache (its error "MCP tool not
    // found in cache, the session must have completed fetching the tools from the MCP server"),
    // and developers report a delay before such a call rather than a response without the tools
    // (community.openai.com thread 1364168). `response.created` still goes out at once: the
    // response is active (a second `response.create` is refused) while it waits.
    const [started] = await Promise.all([
      waitFor(response, this.host.paced(FIRST_OUTPUT_MS)),
      this.host.mcp.ready(MCP_LISTING_WAIT_MS),
    ]);
    if (!started || response.finished) return;
    const steps = plan();
    // Several outputs in one response (a preamble before a call): each is its own item.
    for (const step of steps) {
      if (step.kind === 'mcp_approval_request') {
        emitApprovalRequest(this.host, response, step);
        continue;
      }
      let outcome: 'done' | 'cut' | 'ended';
      if (step.kind === 'mcp_call') {
        const result = await streamMcpCall(this.host, response, step);
        if (result === null) return;
        const text =
          'output' in result
            ? resultInWords({ name: step.name }, result.output, 'UTC')
            : `The ${step.name} tool failed: ${String(result.error.message)}.`;
        outcome = await streamOutput(
          this.host,
          response,
          { kind: 'message', text },
          modality,
          voice,
        );
      } else outcome = await streamOutput(this.host, response, step, modality, voice);
      if (outcome === 'ended') return;
      if (outcome === 'cut') {
        this.finish(response, 'incomplete', 'max_output_tokens');
        return;
      }
    }
    // In the same tick as the last item's close: clients read the item and response.done together.
    if (response.finished) return;
    this.finish(response, 'completed', null);
  }

  private finish(
    response: ActiveResponse,
    status: 'completed' | 'cancelled' | 'incomplete' | 'failed',
    reason: string | null,
  ): void {
    if (response.finished) return;
    response.finished = true;
    response.timer?.cancel();
    response.timer = null;
    this.responses.delete(response);
    if (this.defaultResponse === response) this.defaultResponse = null;
    // A response cancelled before any output bills nothing: recorded cancels with `output: []`
    // carry all-zero usage (4 of 4), so a cost meter tested here must not count their input.
    const billed = !(status === 'cancelled' && response.output.length === 0);
    const usage = billed
      ? buildUsage(
          response.inputTokens,
          { text: response.outputText, audio: audioTokens(response.outputAudioMs, 'assistant') },
          this.previousInputTokens,
        )
      : buildUsage({ text: 0, audio: 0 }, { text: 0, audio: 0 }, 0);
    if (billed) this.previousInputTokens = usage.input_tokens;
    this.host.emit({
      type: 'response.done',
      response: {
        ...response.object,
        status,
        status_details:
          status === 'completed'
            ? null
            : status === 'failed'
              ? { type: 'failed', error: null }
              : { type: status, reason },
        output: response.output.map((item) => itemToWire(item)),
        usage,
      },
    });
    if (this.host.dialect === 'ga') this.emitRateLimits(usage.total_tokens);
    else this.tokensRemaining = Math.max(0, this.tokensRemaining - usage.total_tokens);
    if (status === 'completed') this.host.onResponseCompleted(response.outputAudioMs);
  }

  /** Stops a response at once: closes its open item as `incomplete`, then `response.done` (`cancelled`). */
  cancel(response: ActiveResponse, reason: 'client_cancelled' | 'turn_detected'): void {
    if (response.finished) return;
    closeItem(this.host, response, 'incomplete');
    this.finish(response, 'cancelled', reason);
  }
}
