/**
 * One relayed conversation: a browser socket paired with an upstream socket. It configures the
 * upstream with the published agent, filters the browser's events, forwards the server's, runs
 * server tools (holding `response.create` until every output of the response is in), persists
 * items, tool calls and usage as they flow, enforces the session and idle limits, and closes both
 * sides telling the browser why.
 */
import { performance } from 'node:perf_hooks';
import { parseServerEvent } from '@parley/core';
import WebSocket from 'ws';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import { runTool } from '../tools/tool-runner.js';
import type { ServerTool, ToolContext } from '../tools/types.js';
import type { Upstream } from '../upstream.js';
import type { RealtimeSessionConfig } from '../session-config.js';
import { costOf } from '../pricing.js';
import type { UsageTokens } from '../pricing.js';
import type { Logger } from '../logger.js';
import { isReplayAnswer } from '../sessions/replay.js';
import { checkClientBytes } from './client-policy.js';

/** Close codes the relay uses towards the browser (the reason string repeats the code name). */
export const relayCloseCodes = {
  conversation_ended: 1000,
  server_shutdown: 1001,
  invalid_ticket: 4001,
  agent_unavailable: 4004,
  idle_timeout: 4008,
  session_time_limit: 4010,
  too_many_sessions: 4029,
  upstream_closed: 4502,
  upstream_unavailable: 4503,
  client_too_slow: 4509,
} as const;

/** Why a relay session ended. */
export type RelayCloseReason = keyof typeof relayCloseCodes;

/** Time limits of one relay session. */
export interface RelayLimits {
  maxSessionMs: number;
  idleTimeoutMs: number;
}

/** What a relay session needs. */
export interface RelaySessionOptions {
  browser: WebSocket;
  agent: PublishedAgent;
  session: RealtimeSessionConfig;
  serverTools: ReadonlyMap<string, ServerTool>;
  clientToolNames: ReadonlySet<string>;
  clientId: string;
  limits: RelayLimits;
  store: Store;
  mailer: Mailer;
  upstream: Upstream;
  log: Logger;
  now: () => Date;
  onClose: () => void;
  /**
   * The conversation to record into. With `replay` it exists (reopened) and goes on: `replay`
   * holds the events that rebuild it upstream, sent before anything from the browser, and the
   * agent's greeting is not said again. Without, it is started.
   */
  conversation: { id: string; replay?: { frames: string[]; itemIds: Set<string> } };
}

interface FollowUp {
  responseId: string;
  server: Set<string>;
  client: Set<string>;
  hadClient: boolean;
  done: boolean;
  browserAsked: boolean;
}

interface ItemLike {
  id?: string;
  type?: string;
  role?: string;
  status?: string;
  name?: string;
  call_id?: string;
  arguments?: string;
  output?: string;
  content?: { type?: string; text?: string; transcript?: string | null }[];
}

const maxPendingFrames = 1000;
const configEventId = 'evt_parley_config';
const upstreamBufferLimit = 4 * 1024 * 1024;
const browserBufferLimit = 16 * 1024 * 1024;
const textFrame = { binary: false } as const;
const typePrefix = Buffer.from('{"type":"');
const quote = 0x22;
const backslash = 0x5c;
const longestType = 96;

/**
 * Server events the relay forwards without parsing: it acts on none of their fields (at most on
 * their type, for timing and the idle timer). All are GA names that the core parser neither
 * renames nor adapts; anything else (beta names, items, usage, errors, session events) is parsed.
 */
export const forwardOnlyServerEvents: ReadonlySet<string> = new Set([
  'response.output_audio.delta',
  'response.output_audio.done',
  'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.content_part.added',
  'response.content_part.done',
  'conversation.item.input_audio_transcription.delta',
  'input_audio_buffer.cleared',
  'input_audio_buffer.speech_started',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'rate_limits.updated',
]);

/**
 * The `type` of a server frame that starts with `{"type":"…"` (as the service writes them),
 * read from the bytes without parsing; null otherwise (the caller then parses the frame).
 */
export function leadingType(frame: Buffer): string | null {
  const start = typePrefix.length;
  if (frame.length < start + 2 || typePrefix.compare(frame, 0, start) !== 0) return null;
  const limit = Math.min(frame.length, start + longestType + 1);
  for (let index = start; index < limit; index += 1) {
    const byte = frame[index]!;
    if (byte === quote) return frame.toString('latin1', start, index);
    // Escapes, control characters and non-ASCII: not a plain type name; parse the frame.
    if (byte === backslash || byte < 0x20 || byte > 0x7e) return null;
  }
  return null;
}

function asBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function itemText(item: ItemLike): string | null {
  if (item.type === 'function_call_output') return item.output ?? null;
  if (item.type === 'function_call') return `${item.name ?? ''}(${item.arguments ?? ''})`;
  const parts = (item.content ?? [])
    .map((part) => part.text ?? part.transcript ?? null)
    .filter((text): text is string => typeof text === 'string' && text.length > 0);
  return parts.length > 0 ? parts.join('\n') : null;
}

/** A relayed conversation; create it once the browser socket is open. */
export class RelaySession {
  private upstream: WebSocket | null = null;
  private ready = false;
  private closed = false;
  private readonly pending: (string | Buffer)[] = [];
  /** Settles once every write queued so far reached storage (or failed and was logged). */
  private writes: Promise<unknown>;
  /** Writes waiting for the next batch, in order. */
  private readonly queuedWrites: ((conversationId: string) => Promise<unknown>)[] = [];
  private batchScheduled = false;
  private conversationId: string | null = null;
  private readonly clientCalls = new Set<string>();
  private followUp: FollowUp | null = null;
  private turnEndAt: number | null = null;
  private firstOutputAt: number | null = null;
  private endRequested: { reason: string; responseId: string | null } | null = null;
  private lastResponseId: string | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private relayEventSeq = 0;
  /** Ids of the items a resume replayed upstream: their echoes stay out of the browser and storage. */
  private readonly replayItemIds: ReadonlySet<string>;
  /** Audio frames dropped because the upstream socket was backed up. */
  droppedAudioFrames = 0;

  constructor(private readonly options: RelaySessionOptions) {
    const { agent, store, conversation } = options;
    this.replayItemIds = conversation.replay?.itemIds ?? new Set();
    if (conversation.replay) {
      this.conversationId = conversation.id;
      this.writes = Promise.resolve();
      return;
    }
    this.writes = store.conversations
      .start({
        id: conversation.id,
        agentId: agent.agent.id,
        agentVersion: agent.version,
        mode: 'relay',
        model: agent.config.model,
        clientId: options.clientId,
      })
      .then((id) => {
        this.conversationId = id;
      });
    this.writes.catch((error: unknown) =>
      options.log.error('could not start conversation', { error }),
    );
  }

  /** The conversation this session records into. */
  get conversation(): string {
    return this.options.conversation.id;
  }

  /** Opens the upstream and starts relaying; `early` are frames the browser sent during setup. */
  start(early: readonly [WebSocket.RawData, boolean][] = []): void {
    const { browser, upstream, limits } = this.options;
    browser.on('message', (data, isBinary) => this.onBrowserMessage(data, isBinary));
    for (const [data, isBinary] of early) this.onBrowserMessage(data, isBinary);
    browser.on('close', () =>
      this.finish('conversation_ended', { status: 'completed', endReason: 'client_closed' }),
    );
    browser.on('error', () =>
      this.finish('conversation_ended', { status: 'completed', endReason: 'client_error' }),
    );
    this.timers.push(
      setTimeout(
        () =>
          this.finish('session_time_limit', {
            status: 'completed',
            endReason: 'session_time_limit',
            message: `the conversation reached its time limit of ${Math.round(limits.maxSessionMs / 1000)} s`,
          }),
        limits.maxSessionMs,
      ),
    );
    this.touch();

    const model = upstream.fixedModel ?? this.options.agent.config.model;
    const socket = new WebSocket(upstream.realtimeUrl(model), {
      headers: upstream.headers(),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      // The upstream is trusted and its audio frames are large: skip re-validating their UTF-8.
      skipUTF8Validation: true,
    });
    this.upstream = socket;
    socket.on('open', () => {
      socket.send(
        JSON.stringify({
          type: 'session.update',
          event_id: configEventId,
          session: this.options.session,
        }),
      );
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary || this.closed) return;
      const frame = asBuffer(data);
      // Audio and transcript deltas are most of the traffic and need nothing but forwarding.
      const type = leadingType(frame);
      if (type !== null && forwardOnlyServerEvents.has(type)) {
        this.onForwardOnly(type);
        this.toBrowser(frame);
        return;
      }
      this.onUpstreamMessage(frame.toString('utf8'));
    });
    socket.on('unexpected-response', (_request, response) => {
      this.finish('upstream_unavailable', {
        status: 'failed',
        endReason: 'upstream_unavailable',
        message: `the realtime service refused the connection (HTTP ${response.statusCode ?? 0})`,
      });
    });
    socket.on('error', (error) => {
      if (this.closed) return;
      this.options.log.warn('upstream socket error', { error: error.message });
      this.finish(this.ready ? 'upstream_closed' : 'upstream_unavailable', {
        status: 'failed',
        endReason: this.ready ? 'upstream_closed' : 'upstream_unavailable',
        message: 'the connection to the realtime service failed',
      });
    });
    socket.on('close', (code, reason) => {
      this.finish('upstream_closed', {
        status: 'failed',
        endReason: 'upstream_closed',
        message: `the realtime service closed the connection (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`,
      });
    });
  }

  /** Ends the session from outside (server shutdown). */
  shutdown(): Promise<void> {
    this.finish('server_shutdown', {
      status: 'completed',
      endReason: 'server_shutdown',
      message: 'the server is shutting down',
    });
    return this.flushed();
  }

  /**
   * Ends the session because its conversation goes on over a new connection (the browser
   * reconnected before this one noticed the drop). Resolves once its writes are stored.
   */
  supersede(): Promise<void> {
    this.finish('conversation_ended', { status: 'completed', endReason: 'client_closed' });
    return this.flushed();
  }

  /** Resolves once every write so far reached storage. */
  flushed(): Promise<void> {
    return this.writes.then(
      () => undefined,
      () => undefined,
    );
  }

  // ── browser → upstream ──────────────────────────────────────────────────────────────────

  private onBrowserMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.sendBrowserError(
        'invalid_event',
        'binary frames are not accepted; send JSON text',
        null,
      );
      return;
    }
    const decision = checkClientBytes(asBuffer(data), this.clientCalls);
    if (decision.allow && decision.type === 'input_audio_buffer.append') {
      // Microphone audio, 50 frames a second: forwarded as soon as it is checked.
      this.sendUpstream(decision.frame, true);
      return;
    }
    if (!decision.allow) {
      this.sendBrowserError(decision.code, decision.message, decision.eventId);
      return;
    }
    this.touch();
    if (decision.type === 'input_audio_buffer.commit' || decision.type === 'response.create') {
      if (this.turnEndAt === null) this.turnEndAt = performance.now();
    }
    if (decision.type === 'response.create' && this.followUp) {
      // The browser answered its own tools; the response starts once the server's are in too.
      this.followUp.browserAsked = true;
      this.maybeFollowUp();
      return;
    }
    if (decision.callId !== undefined) {
      const callId = decision.callId;
      this.clientCalls.delete(callId);
      this.followUp?.client.delete(callId);
      const output = this.parseOutput(decision.frame);
      this.write((conversationId) =>
        this.options.store.conversations.recordToolCall(conversationId, {
          callId,
          name: 'client',
          arguments: '',
          output,
          outcome: 'client',
          durationMs: null,
        }),
      );
    }
    this.sendUpstream(decision.frame, false);
    if (decision.callId !== undefined) this.maybeFollowUp();
  }

  private parseOutput(frame: string | Buffer): string | null {
    const event = JSON.parse(frame.toString()) as { item?: { output?: unknown } };
    return typeof event.item?.output === 'string' ? event.item.output : null;
  }

  private sendUpstream(frame: string | Buffer, isAudio: boolean): void {
    const socket = this.upstream;
    if (!this.ready || !socket || socket.readyState !== WebSocket.OPEN) {
      if (this.pending.length < maxPendingFrames) this.pending.push(frame);
      else if (isAudio) this.droppedAudioFrames += 1;
      return;
    }
    if (isAudio && socket.bufferedAmount > upstreamBufferLimit) {
      this.droppedAudioFrames += 1;
      return;
    }
    socket.send(frame, textFrame);
  }

  // ── upstream → browser ──────────────────────────────────────────────────────────────────

  /** What the relay does for a forward-only event (the same as the parsed path would). */
  private onForwardOnly(type: string): void {
    switch (type) {
      case 'response.output_audio.delta':
        if (this.firstOutputAt === null) this.firstOutputAt = performance.now();
        return;
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta':
        if (this.firstOutputAt === null && this.options.agent.config.outputModality === 'text') {
          this.firstOutputAt = performance.now();
        }
        return;
      case 'input_audio_buffer.speech_started':
        this.touch();
        return;
      default:
        return;
    }
  }

  private onUpstreamMessage(data: string): void {
    const parsed = parseServerEvent(data, { validate: false });
    if (!parsed.success) {
      this.options.log.warn('unparseable upstream frame', { error: parsed.error.message });
      this.toBrowser(data);
      return;
    }
    const event = parsed.event as unknown as Record<string, unknown> & { type: string };
    if (this.replayItemIds.size > 0 && isReplayAnswer(event, this.replayItemIds)) {
      if (event.type === 'error')
        this.options.log.warn('the realtime service refused a replayed item', {
          error: event.error,
        });
      return;
    }
    switch (event.type) {
      case 'session.created':
      case 'session.updated': {
        this.toBrowser(JSON.stringify(this.redactSession(event)));
        if (event.type === 'session.updated' && !this.ready) this.onReady();
        return;
      }
      case 'error': {
        const error = event.error as { event_id?: unknown; message?: unknown } | undefined;
        if (!this.ready && error?.event_id === configEventId) {
          // The service refused the agent's configuration: say so rather than run unconfigured.
          this.finish('agent_unavailable', {
            status: 'failed',
            endReason: 'agent_config_refused',
            message: `the realtime service refused the agent's configuration: ${typeof error.message === 'string' ? error.message : 'no reason given'}`,
          });
          return;
        }
        break;
      }
      case 'input_audio_buffer.speech_started':
        this.touch();
        break;
      case 'input_audio_buffer.speech_stopped':
      case 'input_audio_buffer.committed':
        if (event.type === 'input_audio_buffer.speech_stopped' || this.turnEndAt === null) {
          this.turnEndAt = performance.now();
        }
        this.firstOutputAt = null;
        break;
      case 'response.output_text.delta':
      case 'response.output_audio_transcript.delta':
        if (this.firstOutputAt === null && this.options.agent.config.outputModality === 'text') {
          this.firstOutputAt = performance.now();
        }
        break;
      case 'response.created': {
        const response = event.response as { id?: string } | undefined;
        this.lastResponseId = response?.id ?? null;
        break;
      }
      case 'conversation.item.done':
      case 'conversation.item.created':
        this.persistItem(event.item as ItemLike | undefined);
        break;
      case 'response.output_item.done': {
        const item = event.item as ItemLike | undefined;
        this.persistItem(item);
        if (item?.type === 'function_call' && item.status !== 'incomplete') {
          this.onFunctionCall(
            item,
            typeof event.response_id === 'string' ? event.response_id : this.lastResponseId,
          );
        }
        break;
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const itemId = event.item_id;
        const transcript = event.transcript;
        if (typeof itemId === 'string' && typeof transcript === 'string') {
          this.write((conversationId) =>
            this.options.store.conversations.setItemText(conversationId, itemId, transcript),
          );
        }
        break;
      }
      case 'response.done':
        this.toBrowser(data);
        this.onResponseDone(event.response as Record<string, unknown> | undefined);
        return;
      default:
        break;
    }
    this.toBrowser(data);
  }

  private redactSession(event: Record<string, unknown>): Record<string, unknown> {
    const session = event.session as Record<string, unknown> | undefined;
    if (!session || typeof session.instructions !== 'string') return event;
    // The persona prompt is the business's; the browser does not need it to run.
    return { ...event, session: { ...session, instructions: '' } };
  }

  private onReady(): void {
    this.ready = true;
    const socket = this.upstream;
    if (!socket) return;
    // A resumed conversation is rebuilt before anything new is said.
    for (const frame of this.options.conversation.replay?.frames ?? [])
      socket.send(frame, textFrame);
    for (const frame of this.pending.splice(0)) socket.send(frame, textFrame);
    const greeting = this.options.conversation.replay ? null : this.options.agent.config.greeting;
    if (greeting) {
      this.turnEndAt = performance.now();
      socket.send(
        JSON.stringify({
          type: 'response.create',
          event_id: 'evt_parley_greeting',
          response: {
            instructions: `Greet the visitor by saying exactly this, and nothing else: "${greeting}"`,
          },
        }),
      );
    }
  }

  private toBrowser(frame: string | Buffer): void {
    const browser = this.options.browser;
    if (browser.readyState !== WebSocket.OPEN) return;
    if (browser.bufferedAmount > browserBufferLimit) {
      this.finish('client_too_slow', {
        status: 'failed',
        endReason: 'client_too_slow',
        message: 'the browser did not keep up with the audio stream',
      });
      return;
    }
    browser.send(frame, textFrame);
  }

  private sendBrowserError(code: string, message: string, eventId: string | null): void {
    this.relayEventSeq += 1;
    this.toBrowser(
      JSON.stringify({
        type: 'error',
        event_id: `event_parley_${this.relayEventSeq}`,
        error: { type: 'invalid_request_error', code, message, param: null, event_id: eventId },
      }),
    );
  }

  // ── persistence ─────────────────────────────────────────────────────────────────────────

  /**
   * Queues a storage write. Writes run in order, in batches: the first write of a batch waits
   * for the I/O already read to be relayed (`setImmediate`), then the batch and whatever was
   * queued meanwhile run one after the other. Forwarding never waits for storage, and nothing
   * queued is lost: `flushed()` (and shutdown) wait for every batch.
   */
  private write(operation: (conversationId: string) => Promise<unknown>): void {
    this.queuedWrites.push(operation);
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    this.writes = this.writes
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.writeBatch());
  }

  private async writeBatch(): Promise<void> {
    while (this.queuedWrites.length > 0) {
      for (const operation of this.queuedWrites.splice(0)) {
        if (this.conversationId === null) continue;
        try {
          await operation(this.conversationId);
        } catch (error: unknown) {
          this.options.log.error('could not persist relay data', { error });
        }
      }
    }
    this.batchScheduled = false;
  }

  private persistItem(item: ItemLike | undefined): void {
    if (!item?.id || !item.type) return;
    if (item.status === 'in_progress') return;
    const record = {
      itemId: item.id,
      type: item.type,
      role: item.role ?? null,
      text: itemText(item),
      status: item.status ?? null,
    };
    this.write((conversationId) =>
      this.options.store.conversations.recordItem(conversationId, record),
    );
  }

  private onResponseDone(response: Record<string, unknown> | undefined): void {
    const responseId =
      typeof response?.id === 'string' ? response.id : (this.lastResponseId ?? 'unknown');
    const usage = (response?.usage ?? null) as (UsageTokens & Record<string, unknown>) | null;
    const latencyMs =
      this.turnEndAt !== null && this.firstOutputAt !== null
        ? Math.max(0, Math.round(this.firstOutputAt - this.turnEndAt))
        : null;
    this.turnEndAt = null;
    this.firstOutputAt = null;
    this.touch();
    if (usage) {
      const input = usage.input_token_details ?? {};
      const output = usage.output_token_details ?? {};
      const record = {
        responseId,
        status: typeof response?.status === 'string' ? response.status : 'completed',
        inputTokens: usage.input_tokens ?? 0,
        outputTokens: usage.output_tokens ?? 0,
        inputTextTokens: input.text_tokens ?? 0,
        inputAudioTokens: input.audio_tokens ?? 0,
        cachedTokens: input.cached_tokens ?? 0,
        outputTextTokens: output.text_tokens ?? 0,
        outputAudioTokens: output.audio_tokens ?? 0,
        costUsd: costOf(this.options.agent.config.model, usage),
        latencyMs,
      };
      this.write((conversationId) =>
        this.options.store.conversations.recordResponse(conversationId, record),
      );
    }
    if (this.followUp?.responseId === responseId) {
      this.followUp.done = true;
      this.maybeFollowUp();
    }
    if (this.endRequested && this.endRequested.responseId !== responseId && !this.followUp) {
      this.finish('conversation_ended', {
        status: 'completed',
        endReason: this.endRequested.reason,
      });
    }
  }

  // ── tools ───────────────────────────────────────────────────────────────────────────────

  private onFunctionCall(item: ItemLike, responseId: string | null): void {
    const callId = item.call_id;
    const name = item.name ?? '';
    if (!callId) return;
    const id = responseId ?? 'unknown';
    if (!this.followUp || this.followUp.responseId !== id) {
      this.followUp = {
        responseId: id,
        server: new Set(),
        client: new Set(),
        hadClient: false,
        done: false,
        browserAsked: false,
      };
    }
    const followUp = this.followUp;
    if (this.options.clientToolNames.has(name) && !this.options.serverTools.has(name)) {
      this.clientCalls.add(callId);
      followUp.client.add(callId);
      followUp.hadClient = true;
      return;
    }
    followUp.server.add(callId);
    const tool = this.options.serverTools.get(name);
    const argumentsJson = item.arguments ?? '';
    const context: ToolContext = {
      store: this.options.store,
      mailer: this.options.mailer,
      agent: {
        id: this.options.agent.agent.id,
        name: this.options.agent.agent.name,
        config: this.options.agent.config,
      },
      conversationId: this.conversationId,
      callId,
      now: this.options.now,
      requestEnd: (reason) => {
        this.endRequested = { reason, responseId: id };
        // Whatever the model does next, do not keep the line open for long.
        this.timers.push(
          setTimeout(
            () => this.finish('conversation_ended', { status: 'completed', endReason: reason }),
            15_000,
          ),
        );
      },
      log: (message, fields) =>
        this.options.log.info(message, { conversationId: this.conversationId, ...fields }),
    };
    const run = tool
      ? this.writes.then(() =>
          runTool(tool, argumentsJson, { ...context, conversationId: this.conversationId }),
        )
      : Promise.resolve({
          output: JSON.stringify({
            error: { code: 'unknown_tool', message: `no tool named "${name}"` },
          }),
          outcome: 'error' as const,
          durationMs: 0,
        });
    void run.then((result) => {
      this.write((conversationId) =>
        this.options.store.conversations.recordToolCall(conversationId, {
          callId,
          name,
          arguments: argumentsJson,
          output: result.output,
          outcome: result.outcome,
          durationMs: result.durationMs,
        }),
      );
      if (this.closed) return;
      this.upstream?.send(
        JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'function_call_output', call_id: callId, output: result.output },
        }),
      );
      followUp.server.delete(callId);
      this.maybeFollowUp();
    });
  }

  /** Sends the one `response.create` after a response's tool calls once every output is in. */
  private maybeFollowUp(): void {
    const followUp = this.followUp;
    if (!followUp || !followUp.done || followUp.server.size > 0 || followUp.client.size > 0) return;
    // With browser tools the browser asks for the response itself (after its outputs); wait for it.
    if (followUp.hadClient && !followUp.browserAsked) return;
    this.followUp = null;
    if (this.turnEndAt === null) this.turnEndAt = performance.now();
    this.sendUpstream(JSON.stringify({ type: 'response.create' }), false);
  }

  // ── lifecycle ───────────────────────────────────────────────────────────────────────────

  private touch(): void {
    clearTimeout(this.idleTimer);
    const { idleTimeoutMs } = this.options.limits;
    this.idleTimer = setTimeout(
      () =>
        this.finish('idle_timeout', {
          status: 'completed',
          endReason: 'idle_timeout',
          message: `nothing happened for ${Math.round(idleTimeoutMs / 1000)} s`,
        }),
      idleTimeoutMs,
    );
  }

  private finish(
    reason: RelayCloseReason,
    outcome: { status: 'completed' | 'failed'; endReason: string; message?: string },
  ): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const timer of this.timers) clearTimeout(timer);
    const { browser } = this.options;
    if (outcome.message !== undefined && browser.readyState === WebSocket.OPEN) {
      this.relayEventSeq += 1;
      browser.send(
        JSON.stringify({
          type: 'error',
          event_id: `event_parley_${this.relayEventSeq}`,
          error: {
            type: 'server_error',
            code: reason,
            message: outcome.message,
            param: null,
            event_id: null,
          },
        }),
      );
    }
    if (browser.readyState === WebSocket.OPEN || browser.readyState === WebSocket.CONNECTING) {
      browser.close(relayCloseCodes[reason], reason);
    }
    const upstream = this.upstream;
    if (
      upstream &&
      (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING)
    ) {
      if (upstream.readyState === WebSocket.OPEN) upstream.close(1000, 'relay closed');
      else upstream.terminate();
    }
    this.write((conversationId) =>
      this.options.store.conversations.end(conversationId, {
        status: outcome.status,
        endReason: outcome.endReason,
      }),
    );
    this.options.log.info('relay session ended', {
      conversationId: this.conversationId,
      reason: outcome.endReason,
      droppedAudioFrames: this.droppedAudioFrames,
    });
    this.options.onClose();
  }
}
