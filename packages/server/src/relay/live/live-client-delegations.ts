/**
 * GPT-Live client delegation with Parley's server as the backend (live-protocol.md §6.3). A
 * `session.delegation.created` with `target: "client"` carries no task, only an id: the server
 * claims the id once (atomically in the shared state, so one instance answers it however many see
 * it), waits for the user's words to settle, builds a request from the role-labelled transcript
 * so far, and answers it with the embedding app's handler or its own Responses backend (the
 * agent's server tools, run and stored like any call, and its browser tools, which the browser
 * runs: `live-browser-calls.ts`). Progress goes back as
 * `session.thinking.append`, the result as `session.commentary.append`, both with the delegation
 * id and within Live's size limits.
 *
 * Staleness (GPT-Live has no delegation-complete, cancel or expiry event; the backend decides):
 * - a delegation is superseded once a newer one is raised in the same conversation (the newer
 *   request is built from the whole transcript, so it covers the earlier words, and the tools the
 *   earlier one already ran are in it): its work is aborted and its result dropped, not spoken;
 * - it is stale when the conversation ends: its result is dropped;
 * - it has a deadline (`deadlineMs` after it was raised): past it, the work is aborted and the
 *   visitor is told honestly that the request could not be finished in time.
 * A tool already running when a delegation goes stale finishes and is stored (it may have acted).
 */
import type { SharedState } from '../../coordination/shared-state.js';
import type { Logger } from '../../logger.js';
import type { PublishedAgent } from '../../storage/agents-store.js';
import type { Store } from '../../storage/store.js';
import type { Mailer } from '../../tools/mailer.js';
import type { ServerTool } from '../../tools/types.js';
import type { ConversationRecorder } from '../conversation-recorder.js';
import { runServerToolCall } from '../server-tool-call.js';
import { BrowserCallWaits, recordBrowserCall } from './live-browser-calls.js';
import {
  APPEND_MAX_CHARS,
  BackendError,
  clip,
  commentaryChunks,
  runBackend,
  type BackendCall,
} from './live-backend-request.js';
import type { LiveDelegationHandler, LiveTranscriptLine } from './live-delegation-handler.js';

type Json = Record<string, unknown>;

/** Timings of client delegations (tests shorten them). */
export interface ClientDelegationTimings {
  /** Wait until no user words arrived for this long before building the request. */
  settleMs: number;
  /** …but no longer than this after the delegation was raised. */
  maxSettleMs: number;
  /** One Responses request's timeout. */
  requestTimeoutMs: number;
  /** A delegation not answered by then is stopped and answered with an honest failure. */
  deadlineMs: number;
  /** How long a browser tool's output is waited for before the backend gets a timeout error. */
  browserToolMs: number;
}

export const defaultClientDelegationTimings: ClientDelegationTimings = {
  settleMs: 300,
  maxSettleMs: 1500,
  requestTimeoutMs: 20_000,
  deadlineMs: 45_000,
  browserToolMs: 30_000,
};

/** How long a claimed delegation id stays claimed in the shared state. */
const CLAIM_WINDOW_MS = 15 * 60_000;
/** Backend requests per delegation (each tool round is one). */
const MAX_ROUNDS = 4;
/** Characters of transcript a backend request carries (the newest are kept). */
const MAX_TRANSCRIPT_CHARS = 24_000;

/** One entry of the conversation as the backend sees it. */
type Entry =
  | { kind: 'message'; role: 'user' | 'assistant'; text: string }
  | { kind: 'call'; call: BackendCall; output: string };

/** What client delegations need from their relay session. */
export interface ClientDelegationsHost {
  conversationId: string;
  agent: PublishedAgent;
  serverTools: ReadonlyMap<string, ServerTool>;
  recorder: ConversationRecorder;
  /** The turn latency: tool time counts from a call's start to its output. */
  turns: { toolStarted(callId: string): void; toolFinished(callId: string): void };
  tools: { store: Store; mailer: Mailer; agent: PublishedAgent; now: () => Date; log: Logger };
  shared: SharedState;
  /** The Responses endpoint and its headers (carrying the key); none: only a handler can answer. */
  responses: { url: string; headers: Record<string, string> } | null;
  handler: LiveDelegationHandler | undefined;
  timings: ClientDelegationTimings;
  toUpstream(event: Json): void;
  toBrowser(event: Json): void;
  closed(): boolean;
}

interface Running {
  /** The delegation id; null for typed text the server answers on its own. */
  id: string | null;
  controller: AbortController;
  /** Why it stopped early: superseded or the session ended (dropped), or its deadline (answered). */
  stop: 'superseded' | 'closed' | 'deadline' | null;
}

/** The client delegations of one Live session (see the module comment). */
export class LiveClientDelegations {
  /** The conversation by entry key (turn item ids, typed ids, call ids), in order. */
  private readonly entries = new Map<string, Entry>();
  private lastUserWordsAt = 0;
  private latest: Running | null = null;
  private readonly running = new Set<Running>();
  private sequence = 0;
  private readonly browserCalls = new BrowserCallWaits();

  constructor(private readonly host: ClientDelegationsHost) {}

  /** A turn of the transcript opened or grew (`key`: its item id). */
  noteMessage(key: string, role: 'user' | 'assistant', text: string): void {
    this.entries.set(key, { kind: 'message', role, text });
    if (role === 'user') this.lastUserWordsAt = Date.now();
  }

  /** `session.delegation.created`: claims a client delegation and answers it. */
  onDelegationCreated(event: Json): void {
    const delegation = event.delegation as Json | undefined;
    if (delegation?.target !== 'client' || typeof delegation.id !== 'string') return;
    const id = delegation.id;
    const offsetMs = typeof event.offset_ms === 'number' ? event.offset_ms : null;
    void this.host.shared.hit(`live-delegation:${id}`, CLAIM_WINDOW_MS).then(
      ({ count }) => {
        if (count === 1) void this.answer(id, offsetMs);
        else this.log('live delegation already claimed', id);
      },
      (error: unknown) =>
        this.host.tools.log.error('could not claim a live delegation', { error, delegationId: id }),
    );
  }

  /**
   * The browser sent a `function_call_output`: true when it answers a browser tool call of a
   * delegation (taken here, never forwarded upstream: Live has no such call), else false.
   */
  browserAnswered(callId: string, output: string): boolean {
    return this.browserCalls.answered(callId, output);
  }

  /** The session ended: every delegation still running is stale. */
  finish(): void {
    for (const running of this.running) this.stop(running, 'closed');
  }

  private stop(running: Running, reason: NonNullable<Running['stop']>): void {
    running.stop ??= reason;
    running.controller.abort(new Error(`delegation ${reason}`));
  }

  private log(message: string, delegationId: string | null, fields: Json = {}): void {
    this.host.tools.log.info(message, {
      conversationId: this.host.conversationId,
      delegationId,
      ...fields,
    });
  }

  /**
   * Typed text under client delegation: the voice has no user-message channel, the backend (here)
   * answers it (live-protocol.md §6.5), with `delegation_id: null` as there is no delegation.
   */
  onTypedText(key: string, text: string): void {
    this.noteMessage(key, 'user', text);
    this.lastUserWordsAt = 0;
    void this.answer(null, null);
  }

  private async answer(id: string | null, offsetMs: number | null): Promise<void> {
    const running: Running = { id, controller: new AbortController(), stop: null };
    if (this.latest) this.stop(this.latest, 'superseded');
    this.latest = running;
    this.running.add(running);
    const deadline = setTimeout(() => this.stop(running, 'deadline'), this.host.timings.deadlineMs);
    deadline.unref();
    let result: string;
    try {
      await this.settle(running.controller.signal);
      result = await this.work(running, offsetMs);
    } catch (error) {
      result =
        running.stop === 'deadline'
          ? 'Sorry, I could not finish that request in time. Please ask again.'
          : failureText(error);
      if (!(error instanceof BackendError) && running.stop === null)
        this.host.tools.log.error('live delegation failed', { error, delegationId: id });
    } finally {
      clearTimeout(deadline);
      this.running.delete(running);
      if (this.latest === running) this.latest = null;
    }
    if (this.host.closed() || (running.stop !== null && running.stop !== 'deadline')) {
      this.log('live delegation stale: result dropped', id, { stop: running.stop ?? 'closed' });
      return;
    }
    const text = result.trim() || 'I have no answer to that.';
    // What the voice says of it comes back as the assistant's transcript: no entry of its own.
    for (const content of commentaryChunks(text)) this.append('commentary', id, content);
  }

  /** Waits until the user's words stopped arriving (the delegation may come before the sentence ends). */
  private async settle(signal: AbortSignal): Promise<void> {
    const { settleMs, maxSettleMs } = this.host.timings;
    const until = Date.now() + maxSettleMs;
    for (;;) {
      const quiet = Date.now() - this.lastUserWordsAt;
      if (quiet >= settleMs || Date.now() >= until) return;
      await new Promise((resolve) => setTimeout(resolve, Math.min(settleMs - quiet, 100)));
      signal.throwIfAborted();
    }
  }

  private async work(running: Running, offsetMs: number | null): Promise<string> {
    const { host } = this;
    const signal = running.controller.signal;
    const transcript = this.transcript();
    if (host.handler) {
      const answered = await host.handler({
        delegationId: running.id,
        offsetMs,
        conversationId: host.conversationId,
        agent: {
          id: host.agent.agent.id,
          name: host.agent.agent.name,
          version: host.agent.version,
        },
        transcript: transcript
          .filter((entry): entry is Extract<Entry, { kind: 'message' }> => entry.kind === 'message')
          .map(({ role, text }): LiveTranscriptLine => ({ role, text })),
        progress: (text) => {
          if (!signal.aborted) this.append('thinking', running.id, text);
        },
        runTool: (name, args) =>
          this.runCall(running, {
            callId: `call_parley_${(++this.sequence).toString(36)}_${Date.now().toString(36)}`,
            name,
            arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
          }),
        signal,
      });
      signal.throwIfAborted();
      if (answered !== undefined) return answered;
    }
    if (!host.responses) throw new BackendError('no backend model is configured');
    return runBackend({
      ...host.responses,
      body: this.requestBody(),
      input: transcript.flatMap(inputOf),
      runCall: (call) => this.runCall(running, call),
      onItem: (item) => this.mirror(running.id, item),
      signal,
      requestTimeoutMs: host.timings.requestTimeoutMs,
      maxRounds: MAX_ROUNDS,
    });
  }

  /** The conversation so far, newest last, within {@link MAX_TRANSCRIPT_CHARS}. */
  private transcript(): Entry[] {
    const all = [...this.entries.values()].filter(
      (entry) => entry.kind === 'call' || entry.text.trim() !== '',
    );
    let chars = 0;
    let first = all.length;
    while (first > 0) {
      const entry = all[first - 1]!;
      chars +=
        entry.kind === 'message'
          ? entry.text.length
          : entry.call.arguments.length + entry.output.length;
      if (chars > MAX_TRANSCRIPT_CHARS) break;
      first--;
    }
    return all.slice(first);
  }

  private requestBody(): Json {
    const { config } = this.host.agent;
    // A name that is both a server and a browser tool runs on the server, as everywhere else.
    const functions = [
      ...this.host.serverTools.values(),
      ...config.clientTools.filter((tool) => !this.host.serverTools.has(tool.name)),
    ].map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters,
      strict: false,
    }));
    return {
      model: config.live.backendModel,
      instructions:
        config.live.backendInstructions ??
        `You work behind a voice agent: it hands you the visitor's request, you use the tools when they help, then answer in at most three short sentences the voice will say. Say plainly when something failed.\n\nThe voice agent's instructions:\n${config.instructions}`,
      tools: [...functions, ...config.live.hostedTools.map((type) => ({ type }))],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      max_output_tokens: 1024,
      store: false,
    };
  }

  /**
   * Runs one tool call of a delegation — a server tool here, a browser tool in the browser —
   * with progress said, the call stored and shown in the browser's tool card.
   */
  private async runCall(running: Running, call: BackendCall): Promise<string> {
    const { host } = this;
    running.controller.signal.throwIfAborted();
    this.append(
      'thinking',
      running.id,
      `Running ${call.name} for the visitor's request. Nothing is finished yet.`,
    );
    // The browser's tool card; for a browser tool also its order to run it (core runs the
    // function_call of a delegation's `response.event` when the tool is registered there).
    this.mirror(running.id, {
      type: 'function_call',
      id: `fc_${call.callId}`,
      call_id: call.callId,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
    host.recorder.item({
      id: `call_${call.callId}`,
      type: 'function_call',
      status: 'completed',
      name: call.name,
      call_id: call.callId,
      arguments: call.arguments,
    });
    host.turns.toolStarted(call.callId);
    const inBrowser =
      !host.serverTools.has(call.name) &&
      host.agent.config.clientTools.some((tool) => tool.name === call.name);
    const { output, shown } = inBrowser
      ? await this.runBrowserCall(running, call)
      : {
          output: await runServerToolCall({
            tool: host.serverTools.get(call.name),
            name: call.name,
            callId: call.callId,
            argumentsJson: call.arguments,
            recorder: host.recorder,
            options: host.tools,
            requestEnd: () => undefined,
          }),
          shown: false,
        };
    host.turns.toolFinished(call.callId);
    host.recorder.item({
      id: `output_${call.callId}`,
      type: 'function_call_output',
      call_id: call.callId,
      output,
    });
    this.entries.set(`call_${call.callId}`, { kind: 'call', call, output });
    // Live echoes no output: the card learns it here, unless the browser made it itself.
    if (!shown && !host.closed())
      host.toBrowser({ type: 'parley.tool_output', call_id: call.callId, output });
    return output;
  }

  /**
   * A browser tool call: the browser runs it (validating the arguments against its schema) and
   * sends its output; without one in time, the backend and the card get an honest error. Stored
   * as Realtime stores a browser tool's call (outcome `client`), or as an error.
   */
  private async runBrowserCall(
    running: Running,
    call: BackendCall,
  ): Promise<{ output: string; shown: boolean }> {
    const started = Date.now();
    const result = await this.browserCalls.wait(
      call.callId,
      this.host.timings.browserToolMs,
      running.controller.signal,
    );
    recordBrowserCall(this.host.recorder, call, result, Date.now() - started);
    const { output, answered } = result;
    if (!answered)
      this.log('live delegation: no browser answer', running.id, { callId: call.callId, output });
    return { output, shown: answered };
  }

  /**
   * Shows the browser an output item of the delegation's backend (a function call before it
   * runs, a hosted tool's item) as the nested Responses event Live would carry, so its tool card
   * shows as under Responses delegation.
   */
  private mirror(delegationId: string | null, item: Json): void {
    if (this.host.closed()) return;
    this.host.toBrowser({
      type: 'response.event',
      delegation_id: delegationId,
      event: { type: 'response.output_item.done', item, output_index: 0 },
    });
  }

  private append(
    kind: 'thinking' | 'commentary',
    delegationId: string | null,
    content: string,
  ): void {
    if (this.host.closed()) return;
    this.host.toUpstream({
      type: `session.${kind}.append`,
      event_id: `evt_parley_${kind}_${(++this.sequence).toString(36)}`,
      delegation_id: delegationId,
      content: clip(content, APPEND_MAX_CHARS),
    });
  }
}

/** A Responses `input` item of an entry. */
function inputOf(entry: Entry): Json[] {
  if (entry.kind === 'message') return [{ role: entry.role, content: entry.text }];
  const { call, output } = entry;
  return [
    { type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments },
    { type: 'function_call_output', call_id: call.callId, output },
  ];
}

/** What the visitor is told when a delegation failed (never silence). */
function failureText(error: unknown): string {
  const reason = error instanceof BackendError ? error.message : 'something went wrong on our side';
  return `Sorry, I could not complete that request: ${reason}. Please try again in a moment.`;
}
