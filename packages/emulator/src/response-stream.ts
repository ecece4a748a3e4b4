import { encodeOutput } from './audio-format.js';
import { itemToWire, type Conversation, type StoredItem } from './conversation.js';
import type { Dialect } from './dialect.js';
import { EmulatorProtocolError } from './errors.js';
import { createCallId, createId, createObfuscation } from './ids.js';
import type { McpServers } from './mcp-servers.js';
import { responseSteps } from './reply-rules/preamble.js';
import { resultInWords } from './reply-rules/reply-wording.js';
import { planReply, type ReplyPlan, type ScriptedReply } from './responder.js';
import type { ResponseOverrides } from './response-overrides.js';
import type { SessionState } from './session-config.js';
import { OUTPUT_SAMPLE_RATE, type SpeechClip, type SpeechSynthesizer } from './speech.js';
import { tokenPieces } from './token-pieces.js';
import { audioTokens, buildUsage, contextTokens, textTokens } from './usage.js';

type Json = Record<string, unknown>;

const AUDIO_DELTA_MS = 100;
const TEXT_DELTA_MS = 30;
const FIRST_OUTPUT_MS = 150;
const RATE_LIMIT_TOKENS = 40_000;
/** A first phrase longer than this many words is split at its first comma. */
const FIRST_PHRASE_WORDS = 4;
/** Audio kept for retrieve and truncate, newest items first; older items keep their transcript and duration. */
export const MAX_RETAINED_AUDIO_MS = 2 * 60 * 1000;

/**
 * Splits reply text into contiguous phrases (they concatenate to it) for phrase-by-phrase speech:
 * after each sentence or clause end (`. ! ? ; :` and the whitespace after it), and a long first
 * phrase also after its first comma, so the first audio needs only a few words synthesized.
 */
export function splitPhrases(text: string): string[] {
  const phrases: string[] = [];
  let start = 0;
  for (const match of text.matchAll(/[.!?;:]+\s+/g)) {
    const end = match.index + match[0].length;
    phrases.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length || phrases.length === 0) phrases.push(text.slice(start));
  const first = phrases[0]!;
  const comma = /,\s+/.exec(first);
  if (comma && (first.match(/\S+/g)?.length ?? 0) > FIRST_PHRASE_WORDS) {
    const end = comma.index + comma[0].length;
    if (end < first.length) phrases.splice(0, 1, first.slice(0, end), first.slice(end));
  }
  return phrases;
}

/** What the response streams need from their connection. */
export interface ResponseHost {
  readonly dialect: Dialect;
  readonly conversation: Conversation;
  readonly synthesizer: SpeechSynthesizer;
  session(): SessionState;
  emit(event: Json): void;
  sendError(error: EmulatorProtocolError, clientEventId: string | null): void;
  emitItemAdded(item: StoredItem, previous: string | null): void;
  /** Real-time milliseconds scaled by the speech rate. */
  paced(ms: number): number;
  /** The next reply a test scripted, if any. */
  takeScripted(): ScriptedReply | undefined;
  /** The session's remote MCP servers. */
  readonly mcp: McpServers;
  /** Preambles before tool calls on gpt-realtime-2 family models. */
  readonly preambles: boolean;
  onResponseStarted(): void;
  /** A response completed; `audioMs` of speech is now playing on the client. */
  onResponseCompleted(audioMs: number): void;
  /** The model produced audio (the voice is locked from now on). */
  onAssistantAudio(): void;
}

/** One output of a response: a reply step, or an MCP approval request or call. */
type OutputStep =
  | ReplyPlan
  | { kind: 'mcp_approval_request'; serverLabel: string; name: string; arguments: string }
  | {
      kind: 'mcp_call';
      serverLabel: string;
      name: string;
      arguments: string;
      approvalRequestId: string | null;
    };

/** The part of a response being streamed. */
export interface OpenPart {
  item: StoredItem;
  outputIndex: number;
  kind: 'audio' | 'text' | 'function_call';
  partOpen: boolean;
  /** Transcript / text / arguments sent so far. */
  sent: string;
  sentSamples: number;
  audio: Buffer[];
}

/** A response in flight. */
export interface ActiveResponse {
  id: string;
  overrides: ResponseOverrides;
  object: Json;
  output: StoredItem[];
  open: OpenPart | null;
  finished: boolean;
  /** Stops the pending wait (a timer, or an immediate for a wait under 1 ms). */
  timer: { cancel(): void } | null;
  wake: (() => void) | null;
  inputTokens: { text: number; audio: number };
  outputText: number;
  outputAudioMs: number;
}

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
    const mcpTools = this.host.mcp.toolDefinitions();
    const plan = planReply({
      items,
      tools: [...tools, ...mcpTools],
      toolChoice: overrides.toolChoice ?? session.tool_choice,
      scripted: this.host.takeScripted(),
      instructions: session.instructions,
      responseInstructions: overrides.instructions,
    });
    const steps = this.outputSteps(plan, items, tools, mcpTools);
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
      steps,
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

  /** Waits `ms` of real time scaled by the speech rate; resolves false when the response ended meanwhile. */
  private wait(response: ActiveResponse, ms: number): Promise<boolean> {
    if (response.finished) return Promise.resolve(false);
    return new Promise((resolve) => {
      response.wake = () => {
        response.wake = null;
        response.timer = null;
        resolve(!response.finished);
      };
      const timeout = setTimeout(response.wake, ms);
      response.timer = { cancel: () => clearTimeout(timeout) };
    });
  }

  /**
   * The outputs of a response. An MCP approval answered since the last request runs the call (or
   * says it will not); a planned call of an MCP tool becomes an `mcp_approval_request` when its
   * server's `require_approval` asks for one, else an `mcp_call` followed by the result in words.
   * A call on a gpt-realtime-2 family model is preceded by a preamble (`reply-rules/preamble.ts`).
   */
  private outputSteps(
    plan: ReplyPlan,
    items: readonly StoredItem[],
    tools: SessionState['tools'],
    mcpTools: ReturnType<McpServers['toolDefinitions']>,
  ): OutputStep[] {
    const model = this.host.session().model;
    const last = items.at(-1);
    if (last?.type === 'mcp_approval_response') {
      const request = items.find(
        (item) => item.type === 'mcp_approval_request' && item.id === last.approval_request_id,
      );
      if (request) {
        if (!last.approve)
          return [{ kind: 'message', text: `Okay, I won't run ${request.name ?? 'that tool'}.` }];
        return [
          {
            kind: 'mcp_call',
            serverLabel: request.server_label ?? '',
            name: request.name ?? '',
            arguments: request.arguments ?? '{}',
            approvalRequestId: request.id,
          },
        ];
      }
    }
    const isFunction = (name: string) =>
      tools.some((tool) => tool.type === 'function' && tool.name === name);
    const mcp =
      plan.kind === 'function_call' && !isFunction(plan.name)
        ? mcpTools.find((tool) => tool.name === plan.name)
        : undefined;
    if (plan.kind === 'function_call' && mcp) {
      if (this.host.mcp.needsApproval(mcp.server_label, plan.name)) {
        return [
          {
            kind: 'mcp_approval_request',
            serverLabel: mcp.server_label,
            name: plan.name,
            arguments: plan.arguments,
          },
        ];
      }
      return [
        ...responseSteps(plan, model, this.host.preambles).filter(
          (step) => step.kind === 'message',
        ),
        {
          kind: 'mcp_call',
          serverLabel: mcp.server_label,
          name: plan.name,
          arguments: plan.arguments,
          approvalRequestId: null,
        },
      ];
    }
    return responseSteps(plan, model, this.host.preambles);
  }

  private async runResponse(
    response: ActiveResponse,
    steps: OutputStep[],
    modality: 'audio' | 'text',
    voice: string,
  ): Promise<void> {
    // The model's time to first token: a barge-in in this gap cancels a response with no output,
    // as the recordings show (response.created → speech_started → response.done, output []).
    if (!(await this.wait(response, this.host.paced(FIRST_OUTPUT_MS)))) return;
    // Several outputs in one response (a preamble before a call): each is its own item.
    for (const step of steps) {
      if (step.kind === 'mcp_approval_request') {
        this.emitApprovalRequest(response, step);
        continue;
      }
      let outcome: 'done' | 'cut' | 'ended';
      if (step.kind === 'mcp_call') {
        const result = await this.streamMcpCall(response, step);
        if (result === null) return;
        const text =
          'output' in result
            ? resultInWords({ name: step.name }, result.output, 'UTC')
            : `The ${step.name} tool failed: ${String(result.error.message)}.`;
        outcome = await this.streamOutput(response, { kind: 'message', text }, modality, voice);
      } else outcome = await this.streamOutput(response, step, modality, voice);
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

  /** An `mcp_approval_request` item: added and done at once (it has no deltas). */
  private emitApprovalRequest(
    response: ActiveResponse,
    step: Extract<OutputStep, { kind: 'mcp_approval_request' }>,
  ): void {
    const item: StoredItem = {
      id: createId('mcpr'),
      type: 'mcp_approval_request',
      status: 'completed',
      server_label: step.serverLabel,
      name: step.name,
      arguments: step.arguments,
    };
    this.addOutputItem(response, item);
    this.host.emit({
      type: 'response.output_item.done',
      response_id: response.id,
      output_index: response.output.length - 1,
      item: itemToWire(item),
    });
    this.emitItemDone(response, item);
  }

  /** Announces a new output item (`response.output_item.added`, and to the conversation). */
  private addOutputItem(response: ActiveResponse, item: StoredItem): number {
    const outputIndex = response.output.length;
    response.output.push(item);
    this.host.emit({
      type: 'response.output_item.added',
      response_id: response.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    if (response.overrides.conversation === 'auto') {
      const previous = this.host.conversation.insert(item);
      this.host.emitItemAdded(item, previous);
    }
    return outputIndex;
  }

  private emitItemDone(response: ActiveResponse, item: StoredItem): void {
    if (response.overrides.conversation !== 'auto' || !this.host.conversation.get(item.id)) return;
    const list = this.host.conversation.list();
    const index = list.indexOf(item);
    this.host.emit({
      type: 'conversation.item.done',
      previous_item_id: index > 0 ? list[index - 1]!.id : null,
      item: itemToWire(item),
    });
  }

  /**
   * An `mcp_call`: its arguments in deltas, `response.mcp_call.in_progress`, the call on the MCP
   * server, then `.completed` or `.failed` and the item with its output or error. Null when the
   * response ended meanwhile.
   */
  private async streamMcpCall(
    response: ActiveResponse,
    step: Extract<OutputStep, { kind: 'mcp_call' }>,
  ): Promise<{ output: string } | { error: Json } | null> {
    const item: StoredItem = {
      id: createId('mcp'),
      type: 'mcp_call',
      status: 'in_progress',
      server_label: step.serverLabel,
      name: step.name,
      arguments: '',
      approval_request_id: step.approvalRequestId,
    };
    const outputIndex = this.addOutputItem(response, item);
    const ids = { response_id: response.id, item_id: item.id, output_index: outputIndex };
    for (const delta of tokenPieces(step.arguments)) {
      if (!(await this.wait(response, this.host.paced(TEXT_DELTA_MS)))) return null;
      item.arguments = (item.arguments ?? '') + delta;
      this.host.emit({
        type: 'response.mcp_call_arguments.delta',
        ...ids,
        delta,
        ...(this.host.dialect === 'ga' ? { obfuscation: createObfuscation(12) } : {}),
      });
    }
    item.arguments = step.arguments;
    this.host.emit({ type: 'response.mcp_call_arguments.done', ...ids, arguments: step.arguments });
    this.host.emit({
      type: 'response.mcp_call.in_progress',
      item_id: item.id,
      output_index: outputIndex,
    });
    const result = await this.host.mcp.call(step.serverLabel, step.name, step.arguments);
    if (response.finished) return null;
    response.outputText += textTokens(step.name + step.arguments);
    if ('output' in result) item.output = result.output;
    else item.error = result.error;
    item.status = 'completed';
    this.host.emit({
      type: 'output' in result ? 'response.mcp_call.completed' : 'response.mcp_call.failed',
      item_id: item.id,
      output_index: outputIndex,
    });
    this.host.emit({
      type: 'response.output_item.done',
      response_id: response.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    this.emitItemDone(response, item);
    return result;
  }

  /**
   * Streams one output item of a response and closes it: `done`, `cut` (the token limit closed it
   * incomplete) or `ended` (the response was cancelled meanwhile).
   */
  private async streamOutput(
    response: ActiveResponse,
    plan: ReplyPlan,
    modality: 'audio' | 'text',
    voice: string,
  ): Promise<'done' | 'cut' | 'ended'> {
    const inConversation = response.overrides.conversation === 'auto';
    const item: StoredItem =
      plan.kind === 'function_call'
        ? {
            id: createId('item'),
            type: 'function_call',
            status: 'in_progress',
            name: plan.name,
            call_id: createCallId(),
            arguments: '',
          }
        : {
            id: createId('item'),
            type: 'message',
            status: 'in_progress',
            role: 'assistant',
            content: [],
          };
    const outputIndex = response.output.length;
    response.output.push(item);
    const open: OpenPart = {
      item,
      outputIndex,
      kind: plan.kind === 'function_call' ? 'function_call' : modality,
      partOpen: false,
      sent: '',
      sentSamples: 0,
      audio: [],
    };
    response.open = open;
    this.host.emit({
      type: 'response.output_item.added',
      response_id: response.id,
      output_index: outputIndex,
      item: itemToWire(item),
    });
    if (inConversation) {
      const previous = this.host.conversation.insert(item);
      this.host.emitItemAdded(item, previous);
    }
    const ids = { response_id: response.id, item_id: item.id, output_index: outputIndex };
    if (plan.kind === 'function_call') {
      for (const delta of tokenPieces(plan.arguments)) {
        if (!(await this.wait(response, this.host.paced(TEXT_DELTA_MS)))) return 'ended';
        open.sent += delta;
        item.arguments = open.sent;
        this.host.emit({
          type: 'response.function_call_arguments.delta',
          ...ids,
          call_id: item.call_id,
          delta,
        });
      }
      if (!(await this.wait(response, 0))) return 'ended';
      item.arguments = plan.arguments;
      this.host.emit({
        type: 'response.function_call_arguments.done',
        ...ids,
        call_id: item.call_id,
        name: item.name,
        arguments: plan.arguments,
      });
      response.outputText += textTokens(plan.name + plan.arguments);
      this.closeItem(response, 'completed');
      return 'done';
    }
    const partIds = { ...ids, content_index: 0 };
    open.partOpen = true;
    this.host.emit({
      type: 'response.content_part.added',
      ...partIds,
      part: modality === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
    });
    const limit = response.object.max_output_tokens;
    const maxTokens = (typeof limit === 'number' ? limit : Infinity) - response.outputText;
    let cut = false;
    if (modality === 'text') {
      for (const delta of tokenPieces(plan.text)) {
        if (textTokens(open.sent + delta) > maxTokens) {
          cut = true;
          break;
        }
        if (!(await this.wait(response, this.host.paced(TEXT_DELTA_MS)))) return 'ended';
        open.sent += delta;
        this.host.emit({
          type: 'response.output_text.delta',
          ...partIds,
          delta,
          ...(this.host.dialect === 'ga' ? { obfuscation: createObfuscation(12) } : {}),
        });
      }
    } else {
      // Audio costs 20 tokens a second: a token limit is a limit on how much can be said.
      const maxSamples = Math.floor(
        ((maxTokens - textTokens(plan.text)) * 50 * OUTPUT_SAMPLE_RATE) / 1000,
      );
      const before = response.outputAudioMs;
      cut = await this.streamAudio(response, open, plan.text, voice, maxSamples, partIds, before);
      if (response.finished) return 'ended';
    }
    if (!(await this.wait(response, 0))) return 'ended';
    this.closeItem(response, cut ? 'incomplete' : 'completed');
    return cut ? 'cut' : 'done';
  }

  /**
   * Speaks `text` phrase by phrase: the first phrase is synthesized alone, so its first delta goes
   * out as soon as that short piece is ready (a whole reply takes espeak-ng hundreds of ms), and
   * each next phrase is synthesized while the one before streams. Returns whether the audio was
   * cut at `maxSamples`.
   */
  private async streamAudio(
    response: ActiveResponse,
    open: OpenPart,
    text: string,
    voice: string,
    maxSamples: number,
    partIds: Json,
    /** Milliseconds of audio the response's earlier items already said. */
    audioBeforeMs = 0,
  ): Promise<boolean> {
    const chunkSamples = (OUTPUT_SAMPLE_RATE * AUDIO_DELTA_MS) / 1000;
    const phrases = splitPhrases(text);
    const speed = this.host.session().audio.output.speed;
    const synthesize = (phrase: string): Promise<SpeechClip> => {
      const clip = this.host.synthesizer.synthesize(phrase, voice, speed);
      // A response that ends early never awaits what it prefetched.
      clip.catch(() => undefined);
      return clip;
    };
    const format = this.host.session().audio.output.format;
    let started = -1;
    /** Samples of the phrases already streamed. */
    let base = 0;
    let cut = false;
    let pending: Promise<SpeechClip> | null = synthesize(phrases[0] ?? '');
    for (let phrase = 0; pending; phrase++) {
      const clip = await pending;
      pending = null;
      if (response.finished) return cut;
      if (started < 0) started = performance.now();
      let samples = clip.samples;
      let pieces = clip.pieces;
      if (maxSamples - base < samples.length) {
        const end = Math.max(0, maxSamples - base);
        samples = samples.subarray(0, end);
        pieces = pieces.filter(
          (piece) => piece.startSample < end || (piece.startSample === 0 && base === 0),
        );
        cut = true;
      }
      const prefetch = () => {
        if (!cut && !pending && phrase + 1 < phrases.length)
          pending = synthesize(phrases[phrase + 1]!);
      };
      let nextPiece = 0;
      /** Sends the transcript of the pieces that start before `endSample`. */
      const transcribeUpTo = (endSample: number): void => {
        while (nextPiece < pieces.length && pieces[nextPiece]!.startSample < endSample) {
          const delta = pieces[nextPiece++]!.text;
          open.sent += delta;
          this.host.emit({
            type: 'response.output_audio_transcript.delta',
            ...partIds,
            delta,
            ...(this.host.dialect === 'ga' ? { obfuscation: createObfuscation(12) } : {}),
          });
        }
      };
      for (let offset = 0; offset < samples.length; offset += chunkSamples) {
        const end = Math.min(samples.length, offset + chunkSamples);
        // Transcript deltas lead the audio they describe, as the real server's do.
        transcribeUpTo(end);
        const pcm = Buffer.from(
          samples.buffer,
          samples.byteOffset + offset * 2,
          (end - offset) * 2,
        );
        const bytes = encodeOutput(pcm, format.type);
        open.audio.push(bytes);
        open.sentSamples = base + end;
        response.outputAudioMs = audioBeforeMs + ((base + end) / OUTPUT_SAMPLE_RATE) * 1000;
        this.host.onAssistantAudio();
        this.host.emit({
          type: 'response.output_audio.delta',
          ...partIds,
          delta: bytes.toString('base64'),
        });
        // The next phrase is synthesized while this one streams (started after the first delta
        // is out, so an engine that runs on this thread does not delay it).
        prefetch();
        const due = this.host.paced(((base + end) / OUTPUT_SAMPLE_RATE) * 1000);
        if (!(await this.wait(response, Math.max(0, started + due - performance.now())))) {
          return cut;
        }
      }
      transcribeUpTo(Infinity);
      prefetch();
      base += samples.length;
    }
    return cut;
  }

  /** Emits the closing events of the open part and item (completed, or incomplete on cancel). */
  private closeItem(response: ActiveResponse, status: 'completed' | 'incomplete'): void {
    const open = response.open;
    if (!open) return;
    response.open = null;
    const { item } = open;
    const ids = { response_id: response.id, item_id: item.id, output_index: open.outputIndex };
    if (open.kind === 'function_call') {
      item.status = status;
      this.host.emit({
        type: 'response.output_item.done',
        response_id: response.id,
        output_index: open.outputIndex,
        item: itemToWire(item),
      });
    } else {
      const partIds = { ...ids, content_index: 0 };
      if (open.kind === 'audio') {
        item.content = [{ type: 'output_audio', transcript: open.sent }];
        item.audio = [Buffer.concat(open.audio)];
        item.audioFormat = this.host.session().audio.output.format;
        item.audioMs = (open.sentSamples / OUTPUT_SAMPLE_RATE) * 1000;
        response.outputText += textTokens(open.sent);
        if (open.partOpen) {
          this.host.emit({ type: 'response.output_audio.done', ...partIds });
          this.host.emit({
            type: 'response.output_audio_transcript.done',
            ...partIds,
            transcript: open.sent,
          });
          this.host.emit({
            type: 'response.content_part.done',
            ...partIds,
            part: { type: 'audio', transcript: open.sent },
          });
        }
      } else {
        item.content = [{ type: 'output_text', text: open.sent }];
        response.outputText += textTokens(open.sent);
        if (open.partOpen) {
          this.host.emit({ type: 'response.output_text.done', ...partIds, text: open.sent });
          this.host.emit({
            type: 'response.content_part.done',
            ...partIds,
            part: { type: 'text', text: open.sent },
          });
        }
      }
      item.status = status;
      this.host.emit({
        type: 'response.output_item.done',
        response_id: response.id,
        output_index: open.outputIndex,
        item: itemToWire(item),
      });
    }
    if (response.overrides.conversation === 'auto' && this.host.conversation.get(item.id)) {
      const list = this.host.conversation.list();
      const index = list.indexOf(item);
      this.host.emit({
        type: 'conversation.item.done',
        previous_item_id: index > 0 ? list[index - 1]!.id : null,
        item: itemToWire(item),
      });
    }
    this.host.conversation.boundAudio(MAX_RETAINED_AUDIO_MS);
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
    this.closeItem(response, 'incomplete');
    this.finish(response, 'cancelled', reason);
  }
}
