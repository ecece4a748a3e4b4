import { DEFAULT_LIVE_VOICE } from '@parley/core';
import type { StoredItem } from '../conversation.js';
import { planReply, type ReplyPlan, type ScriptedReply } from '../responder.js';
import { sentenceToSay } from '../reply-rules/agent-profile.js';
import {
  backendResponse,
  webSearchAnswer,
  webSearchQuery,
  type BackendPlan,
} from './live-backend.js';
import { LiveProtocolError } from './live-errors.js';
import { createDelegationId } from './live-ids.js';
import type { UserTurn } from './live-turns.js';
import type { LiveSessionResource } from './live-config.js';
import type { OutputTrack } from './live-output.js';
import type { SpeechSynthesizer } from '../speech.js';

type Json = Record<string, unknown>;

/** What the voice says while backend work runs (GPT-Live acknowledges a delegation aloud). */
export const DELEGATION_ACKNOWLEDGEMENT = 'Let me check that.';

/** Short turns that ask for nothing: greetings, thanks, yes/no, backchannels, goodbyes. */
const ASKS_NOTHING =
  /^(hi|hello|hey|hiya|good (morning|afternoon|evening)|thanks?( you)?|thank you( so much)?|ok(ay)?|yes|yeah|no|nope|mm+-?hmm+|uh-?huh|right|sure|bye|goodbye|see you)\b[\s!,.]*(there|again|very much)?[\s!,.]*$/i;

/** Context window of GPT-Live, in tokens (reference §10). */
const CONTEXT_TOKENS = 128_000;

/** What the model needs of its session (kept narrow so the session can own the model). */
export interface LiveModelHost {
  readonly resource: LiveSessionResource;
  readonly items: StoredItem[];
  readonly transcripts: string[];
  readonly scripted: ScriptedReply[];
  readonly clientDelegations: Set<string>;
  readonly track: OutputTrack;
  readonly timelineMs: number;
  readonly options: { synthesizer: SpeechSynthesizer; backendDelayMs: number };
  emit(event: Json, clientEventId?: string): void;
}

interface ResponsesDelegation {
  id: string;
  /** Function calls handed to the client and their outputs, by call id. */
  calls: Map<string, { name: string; output?: string }>;
  /** The backend response still streaming its nested events, if any. */
  streaming?: Promise<void>;
}

/**
 * The emulated GPT-Live model: it owns turn-taking. It answers after the user's silence with the
 * same deterministic reply rules as the Realtime emulator (`../responder.ts`), stops when the
 * user speaks over it, delegates what the user's words ask for (client delegation: a
 * `session.delegation.created` and the appended commentary spoken back; Responses delegation: an
 * emulated backend that calls the function tool the words name and streams `response.event`s),
 * and speaks appended commentary and greetings it is told to say.
 */
export class LiveModel {
  /** Bumped when the user starts speaking: speech synthesized for an earlier moment is dropped. */
  private generation = 0;
  private awaiting: ResponsesDelegation | null = null;
  private readonly delegations = new Map<string, ResponsesDelegation>();
  private disposed = false;
  private textChars = 0;
  private itemCount = 0;

  constructor(private readonly session: LiveModelHost) {}

  dispose(): void {
    this.disposed = true;
  }

  private get delegationType(): string {
    return String(this.session.resource.delegation.type);
  }

  private get responsesConfig(): Json {
    return (this.session.resource.delegation.responses as Json | undefined) ?? {};
  }

  private push(item: Omit<StoredItem, 'id' | 'status'>): void {
    this.session.items.push({ id: `item_${++this.itemCount}`, status: 'completed', ...item });
    for (const part of item.content ?? []) this.textChars += textLength(part.text);
    this.textChars += (item.arguments?.length ?? 0) + (item.output?.length ?? 0);
  }

  /** Startup `input` history: counted as typed words for the reply rules. */
  addStartupItem(item: Json): void {
    const part = (item.content as Json[])[0]!;
    const text = String(part.text);
    if (item.role === 'user')
      this.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
    else if (item.role === 'assistant')
      this.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
  }

  /** Share of the context window in use: audio at 10 tokens/s plus text at 4 characters a token. */
  contextUsageRatio(): number {
    const instructions = (this.session.resource.instructions ?? '').length;
    const tokens = (this.session.timelineMs / 1000) * 10 + (instructions + this.textChars) / 4;
    return Math.min(1, Math.round((tokens / CONTEXT_TOKENS) * 1e6) / 1e6);
  }

  /** The user spoke over the model: it stops (no event marks this on the wire). */
  onSpeechStarted(): void {
    this.generation++;
    if (this.session.track.speaking) this.session.track.interrupt();
  }

  /** The user finished a turn: transcript fragments, then the model's answer. */
  onTurnEnded(turn: UserTurn): void {
    const words = this.session.transcripts.shift();
    const seconds = ((turn.endMs - turn.startMs) / 1000).toFixed(1);
    const text = words ?? `[speech ${seconds} s]`;
    this.sendInputTranscript(text, turn);
    this.push({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_audio' }],
      spokenText: text,
      spokenTextSupplied: words !== undefined,
      audioMs: turn.endMs - turn.startMs,
    });
    this.answer(words !== undefined ? words : null, undefined);
  }

  /** Input fragments of up to three words spread over the turn, each with its leading space. */
  private sendInputTranscript(text: string, turn: UserTurn): void {
    const words = text.trim().split(/\s+/);
    const groups: string[] = [];
    for (let i = 0; i < words.length; i += 3) groups.push(words.slice(i, i + 3).join(' '));
    const span = Math.max(1, turn.endMs - turn.startMs);
    groups.forEach((group, index) => {
      this.session.emit({
        type: 'session.input_transcript.delta',
        delta: ` ${group}`,
        start_ms: Math.round(turn.startMs + (span * index) / groups.length),
        end_ms: Math.round(turn.startMs + (span * (index + 1)) / groups.length),
      });
    });
  }

  private plan(scripted: ScriptedReply | undefined): ReplyPlan {
    const responses = this.delegationType === 'responses';
    return planReply({
      items: this.session.items,
      tools: responses ? ((this.responsesConfig.tools as Json[] | undefined) ?? []) : [],
      toolChoice: responses ? (this.responsesConfig.tool_choice ?? 'auto') : 'none',
      scripted,
      instructions: this.session.resource.instructions ?? '',
    });
  }

  /**
   * The model's answer to a spoken turn: a scripted reply, a delegation when the words ask for
   * something (a tool named in them under Responses delegation; any request under client
   * delegation), else the reply rules' words.
   */
  private answer(words: string | null, clientEventId: string | undefined): void {
    const scripted = this.session.scripted.shift();
    const plan = this.plan(scripted);
    if (plan.kind === 'function_call') {
      if (this.delegationType === 'responses') {
        this.say(DELEGATION_ACKNOWLEDGEMENT, false);
        this.startResponsesDelegation(plan, clientEventId);
      } else this.startClientDelegation();
      return;
    }
    const search = scripted ? null : this.webSearchPlan(words);
    if (search) {
      this.say(DELEGATION_ACKNOWLEDGEMENT, false);
      this.startResponsesDelegation(search, clientEventId);
      return;
    }
    if (
      this.delegationType === 'client' &&
      !scripted &&
      words !== null &&
      !ASKS_NOTHING.test(words.trim())
    ) {
      this.startClientDelegation();
      return;
    }
    this.say(plan.text, true);
  }

  /** A hosted web search the backend runs itself, when the words ask for one and the backend has `web_search`. */
  private webSearchPlan(words: string | null): BackendPlan | null {
    if (words === null || this.delegationType !== 'responses') return null;
    const tools = (this.responsesConfig.tools as Json[] | undefined) ?? [];
    const query = webSearchQuery(words, tools);
    return query ? { kind: 'web_search', query, text: webSearchAnswer(query) } : null;
  }

  private startClientDelegation(): void {
    const id = createDelegationId();
    this.session.clientDelegations.add(id);
    this.session.emit({
      type: 'session.delegation.created',
      offset_ms: Math.round(this.session.timelineMs),
      delegation: { id, type: 'delegation', target: 'client' },
    });
    this.say(DELEGATION_ACKNOWLEDGEMENT, false);
  }

  private startResponsesDelegation(plan: BackendPlan, clientEventId: string | undefined): void {
    const delegation: ResponsesDelegation = { id: createDelegationId(), calls: new Map() };
    this.delegations.set(delegation.id, delegation);
    const response = backendResponse(plan, this.backendModel(), this.inputTokens());
    this.session.emit(
      {
        type: 'session.delegation.created',
        offset_ms: Math.round(this.session.timelineMs),
        delegation: {
          id: delegation.id,
          type: 'delegation',
          target: 'responses',
          response_id: response.responseId,
        },
      },
      clientEventId,
    );
    delegation.streaming = this.stream(delegation, response);
  }

  private backendModel(): string {
    return typeof this.responsesConfig.model === 'string'
      ? this.responsesConfig.model
      : 'gpt-5.6-terra';
  }

  private inputTokens(): number {
    return Math.ceil((this.textChars + textLength(this.responsesConfig.instructions)) / 4) + 20;
  }

  /** Streams a backend response's nested events in wall time (backend work does not wait for the timeline). */
  private async stream(
    delegation: ResponsesDelegation,
    response: ReturnType<typeof backendResponse>,
  ): Promise<void> {
    const call = response.call;
    let handed = false;
    const handOver = (): void => {
      if (handed || !call) return;
      handed = true;
      this.handOver(delegation, call);
    };
    for (const event of response.events) {
      await new Promise((resolve) => setTimeout(resolve, this.session.options.backendDelayMs));
      if (this.disposed) return;
      this.session.emit({ type: 'response.event', delegation_id: delegation.id, event });
      // The call exists once its item is done: a client that runs the tool at once may send its
      // output before the nested `response.completed` (core does), as the real backend allows.
      if (event.type === 'response.output_item.done') handOver();
    }
    if (call) {
      handOver();
    } else if (response.text !== undefined) {
      this.say(response.text, true);
    }
  }

  /** Hands a backend function call to the client (once): its output is awaited from now on. */
  private handOver(
    delegation: ResponsesDelegation,
    call: { callId: string; name: string; arguments: string },
  ): void {
    delegation.calls.set(call.callId, { name: call.name });
    this.awaiting = delegation;
    this.push({
      type: 'function_call',
      name: call.name,
      call_id: call.callId,
      arguments: call.arguments,
    });
  }

  /** `response.item.create` (Responses delegation only): a typed user message or a function call's output. */
  onResponseItem(item: unknown): void {
    this.requireResponses('response.item.create');
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      throw new LiveProtocolError(
        'missing_required_parameter',
        "Missing required parameter: 'item'.",
        'item',
      );
    const entry = item as Json;
    if (entry.type === 'function_call_output') {
      const callId = entry.call_id;
      const delegation = [...this.delegations.values()].find(
        (d) => typeof callId === 'string' && d.calls.has(callId),
      );
      if (typeof callId !== 'string' || !delegation)
        throw new LiveProtocolError(
          'invalid_value',
          `No tool call found for function call output with call_id ${String(callId)}.`,
          'item.call_id',
        );
      const output =
        typeof entry.output === 'string' ? entry.output : JSON.stringify(entry.output ?? '');
      delegation.calls.get(callId)!.output = output;
      this.push({ type: 'function_call_output', call_id: callId, output });
      return;
    }
    if (entry.type === 'message' || (entry.type === undefined && typeof entry.role === 'string')) {
      const text = textOf(entry.content);
      if (entry.role === 'user')
        this.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
      return;
    }
    throw new LiveProtocolError(
      'invalid_value',
      `Invalid value: '${String(entry.type)}'. Supported values are: 'message' and 'function_call_output'.`,
      'item.type',
    );
  }

  /**
   * `response.create` (Responses delegation only): continues a delegation waiting for tool
   * results (same delegation id, a new response id; every call needs its output first), or starts
   * a new delegation for typed input.
   */
  onResponseCreate(clientEventId: string | undefined): void {
    this.requireResponses('response.create');
    const waiting = this.awaiting;
    if (waiting) {
      for (const [callId, call] of waiting.calls)
        if (call.output === undefined)
          throw new LiveProtocolError(
            'invalid_value',
            `No tool output found for function call ${callId}.`,
            'type',
          );
      this.awaiting = null;
      waiting.calls.clear();
      const plan = this.plan(undefined);
      // Assumption (reference §16.7): a continuation is not announced by a new delegation.
      const response = backendResponse(
        plan.kind === 'function_call' ? plan : { kind: 'message', text: plan.text },
        this.backendModel(),
        this.inputTokens(),
      );
      // A continuation streams after the response that called the tool has finished streaming.
      const previous = waiting.streaming ?? Promise.resolve();
      waiting.streaming = previous.then(() => this.stream(waiting, response));
      return;
    }
    const scripted = this.session.scripted.shift();
    const plan = this.plan(scripted);
    const search =
      plan.kind === 'function_call' || scripted ? null : this.webSearchPlan(this.lastUserText());
    this.startResponsesDelegation(search ?? plan, clientEventId);
  }

  /** The words of the user's latest message (typed or transcribed). */
  private lastUserText(): string | null {
    for (let index = this.session.items.length - 1; index >= 0; index--) {
      const item = this.session.items[index]!;
      if (item.type !== 'message' || item.role !== 'user') continue;
      const part = item.content?.[0]?.text;
      return item.spokenText ?? (typeof part === 'string' ? part : null);
    }
    return null;
  }

  private requireResponses(type: string): void {
    if (this.delegationType !== 'responses')
      // The message is the one observed upstream (reference §9); its code was not captured.
      throw new LiveProtocolError(
        'unsupported_delegation',
        `${type} requires Responses delegation.`,
        'type',
      );
  }

  /** An append reached the model: commentary is spoken, instructions to greet or say a sentence are followed. */
  onAppendInjected(
    kind: 'instructions' | 'thinking' | 'commentary',
    content: string,
    delegationId: string | null,
  ): void {
    if (kind === 'commentary') {
      this.say(content, true);
      return;
    }
    if (kind !== 'instructions') return;
    const exact = sentenceToSay(content);
    if (exact) {
      this.session.track.interrupt();
      this.say(exact, true);
    } else if (/\b(greet|say hello|introduce yourself)\b/i.test(content)) {
      const plan = planReply({
        items: [],
        tools: [],
        toolChoice: 'none',
        instructions: this.session.resource.instructions ?? '',
      });
      if (plan.kind === 'message') this.say(plan.text, true);
    }
    void delegationId;
  }

  /** Synthesizes `text` and queues it on the output track (unless the user spoke meanwhile). */
  say(text: string, remember: boolean): void {
    if (!text.trim()) return;
    const generation = this.generation;
    const voiceSetting = this.session.resource.audio.output.voice;
    const voice = typeof voiceSetting === 'string' ? voiceSetting : DEFAULT_LIVE_VOICE;
    this.session.options.synthesizer.synthesize(text, voice, 1).then(
      (clip) => {
        if (this.disposed || generation !== this.generation) return;
        this.session.track.enqueue({
          text,
          clip,
          onEnd: (heard, interrupted) => {
            if (!remember || !heard.trim()) return;
            this.push({
              type: 'message',
              role: 'assistant',
              content: [{ type: 'output_text', text: interrupted ? heard.trim() : text }],
            });
          },
        });
      },
      () => undefined,
    );
  }
}

/** Length of a value that should be text (0 otherwise). */
function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** The text of a Responses message's content (a string or `input_text` parts). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      part && typeof part === 'object' && typeof (part as Json).text === 'string'
        ? (part as Json).text
        : '',
    )
    .join(' ')
    .trim();
}
