import { ParleyError } from '../errors.js';
import type { MachineEffect } from '../machine/effects.js';
import type { MachineEvent } from '../machine/events.js';
import { itemPlayhead, type ItemPlayhead } from '../machine/heard.js';
import { reduce } from '../machine/reducer.js';
import { handlersOf } from '../machine/family.js';
import { initialState, type MachineState } from '../machine/state.js';
import type { AudioPort, Clock, Transport } from '../ports.js';
import { systemClock } from '../system-clock.js';
import { createTransport } from '../transport/transport-choice.js';
import type { LiveForkSessionConfig, SessionConfigPatch } from '../protocol/index.js';
import type { ToolDefinition, VoiceSessionSnapshot } from '../types.js';
import type { FamilyCommands } from './family-runtime.js';
import { createSessionAudio, type SessionAudio } from './session-audio.js';
import { SessionListeners, internalErrorReporter } from './listeners.js';
import { SessionConnection } from './session-connection.js';
import { SessionTimers } from './session-timers.js';
import { SessionTools } from './session-tools.js';
import { McpLoader } from './mcp-loader.js';
import type {
  AppendContextOptions,
  LiveContextChannel,
  McpApprovalHandler,
  VoiceSession,
  VoiceSessionEvents,
  VoiceSessionOptions,
} from './types.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Creates a voice session: the machine of `machine/` driven by real ports. Every port is injected
 * (transport, audio, clock, credentials), so the same session runs in a browser, in Node and in
 * tests with fakes.
 *
 * @example
 * ```ts
 * import { createVoiceSession, parleyServerCredentials } from '@parley/core';
 * import { createAudioPort } from '@parley/audio-worklets';
 *
 * const session = createVoiceSession({
 *   credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
 *   // No `transport`: WebRTC where the browser has it, else WebSocket (`transport: 'websocket'` forces it).
 *   audio: createAudioPort(),
 *   session: { instructions: 'You are a helpful support agent.' },
 * });
 * session.subscribe(() => render(session.getSnapshot()));
 * await session.connect();
 * ```
 */
export function createVoiceSession(options: VoiceSessionOptions): VoiceSession {
  return new ParleyVoiceSession(options);
}

class ParleyVoiceSession implements VoiceSession {
  private state: MachineState;
  private published: VoiceSessionSnapshot;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly transport: Transport;
  private readonly audio: AudioPort | undefined;
  private readonly internalError: (error: unknown) => void;
  private readonly listeners: SessionListeners;
  private readonly tools: SessionTools;
  private readonly timers: SessionTimers;
  private readonly connection: SessionConnection;
  private readonly queue: MachineEvent[] = [];
  private dispatching = false;
  /** Makes client item ids unique within the session whatever the random source returns. */
  private itemCounter = 0;
  private connectWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Decides MCP approval requests (`onMcpApproval`); without one they wait for the app. */
  private approvalHandler: McpApprovalHandler | null;
  private readonly mcp: McpLoader;
  /** The audio port, playback and the microphone uplink. */
  private readonly sound: SessionAudio;

  constructor(options: VoiceSessionOptions) {
    this.approvalHandler = options.onMcpApproval ?? null;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    const transport = options.transport ?? 'auto';
    this.transport = typeof transport === 'string' ? createTransport(transport) : transport;
    this.audio = options.audio;
    this.internalError = internalErrorReporter(options);
    this.listeners = new SessionListeners(this.internalError);
    const dispatch = (event: MachineEvent) => this.dispatch(event);
    this.mcp = new McpLoader(dispatch, this.internalError);
    this.tools = new SessionTools(this.clock, options.toolTimeoutMs, dispatch);
    this.timers = new SessionTimers(this.clock, dispatch);
    this.connection = new SessionConnection({
      options,
      transport: this.transport,
      clock: this.clock,
      random: this.random,
      listeners: this.listeners,
      state: () => this.state,
      dispatch,
      transportOpened: (info) => this.sound.follow(info?.media === true),
      holdServerEvent: (event) => this.mcp.hold(event),
    });
    for (const tool of options.tools ?? []) this.tools.add(tool);
    const { reconnect } = options;
    // What the options leave undefined keeps the machine's default.
    this.state = initialState({
      config: {
        maxItems: options.maxItems,
        metricsHistory: options.metricsHistory,
        reconnectMaxAttempts: reconnect?.maxAttempts,
        reconnectBaseDelayMs: reconnect?.baseDelayMs,
        reconnectMaxDelayMs: reconnect?.maxDelayMs,
        idleTimeoutMs: options.idleTimeoutMs,
        rolloverMarginMs: options.rolloverMarginMs,
        prices: options.prices,
        unhandledToolCalls: options.unhandledToolCalls,
      },
      session: options.session,
      liveSession: options.liveSession,
      responseOptions: options.responseOptions,
      tools: this.tools.wire(),
    });
    this.published = this.state.snapshot;
    this.subscribe = this.subscribe.bind(this);
    this.getSnapshot = this.getSnapshot.bind(this);
    this.sound = createSessionAudio({
      transport: this.transport,
      audio: this.audio,
      clock: this.clock,
      listeners: this.listeners,
      internalError: this.internalError,
      state: () => this.state,
      dispatch,
      sendFrame: (pcm16) => this.connection.sendAudio(pcm16),
    });
  }

  // ── bindings ──

  subscribe(listener: () => void): () => void {
    return this.listeners.subscribe(listener);
  }

  getSnapshot(): VoiceSessionSnapshot {
    return this.published;
  }

  on<K extends keyof VoiceSessionEvents>(event: K, listener: VoiceSessionEvents[K]): () => void {
    return this.listeners.on(event, listener);
  }

  playhead(itemId: string): ItemPlayhead | null {
    const family = handlersOf(this.state);
    // A family's output may be one track (Live): its playhead is measured from the item's start.
    if (family !== null) {
      return family.playhead(
        this.state,
        itemId,
        this.audio?.position(family.trackId(this.state)) ?? null,
      );
    }
    return itemPlayhead(this.state, itemId, this.audio?.position(itemId) ?? null, this.clock.now());
  }

  /** Refuses a command the session's protocol cannot carry, with a typed error. */
  private requireCapability(
    capability: 'commitAudio' | 'updateSession' | 'appendContext' | 'fork',
    command: string,
  ): void {
    if (this.state.snapshot.capabilities?.[capability] !== true) {
      throw new ParleyError(
        'unsupported',
        `${command}() is not supported by ${this.state.protocol}`,
      );
    }
  }

  // ── commands ──

  connect(): Promise<void> {
    const promise = this.whenConnected();
    this.dispatch({ type: 'connect', idPrefix: `evt_${this.randomId(6)}_`, at: this.clock.now() });
    // Already connected (a second `connect()`, as React's StrictMode does): resolve now.
    this.settleConnectWaiters();
    return promise;
  }

  disconnect(): Promise<void> {
    this.sound.stopped = Promise.resolve();
    this.dispatch({ type: 'disconnect', at: this.clock.now() });
    // Resolves once the microphone and speaker are released.
    return this.sound.stopped;
  }

  sendText(text: string): void {
    this.dispatch({
      type: 'send_text',
      text,
      itemId: `item_${this.randomId(16)}${(++this.itemCounter).toString(36).padStart(4, '0')}`,
      at: this.clock.now(),
      wallAt: this.clock.wallNow(),
    });
  }

  sendAudio(pcm16: Int16Array): void {
    this.sound.send(pcm16);
  }

  commitAudio(): void {
    this.requireCapability('commitAudio', 'commitAudio');
    this.dispatch({ type: 'commit_audio', at: this.clock.now() });
  }

  startPushToTalk(): void {
    this.requireCapability('commitAudio', 'startPushToTalk');
    this.dispatch({ type: 'push_to_talk', pressed: true, at: this.clock.now() });
  }

  stopPushToTalk(): void {
    this.requireCapability('commitAudio', 'stopPushToTalk');
    this.dispatch({ type: 'push_to_talk', pressed: false, at: this.clock.now() });
  }

  interrupt(): void {
    this.dispatch({ type: 'interrupt', at: this.clock.now() });
  }

  mute(muted: boolean): void {
    this.dispatch({ type: 'mute', muted, at: this.clock.now() });
  }

  appendContext(
    channel: LiveContextChannel,
    content: string,
    options?: AppendContextOptions,
  ): void {
    this.familyCommands('appendContext').appendContext(this as never, channel, content, options);
  }

  async fork(overrides?: LiveForkSessionConfig): Promise<void> {
    return this.familyCommands('fork').fork(this as never, overrides);
  }

  /** A family's own commands, in its runtime (loaded once the capabilities say it carries them). */
  private familyCommands(command: 'appendContext' | 'fork'): FamilyCommands {
    this.requireCapability(command, command);
    return this.connection.family!.commands!;
  }

  updateSession(patch: SessionConfigPatch): void {
    this.requireCapability('updateSession', 'updateSession');
    this.dispatch({ type: 'update_session', patch, at: this.clock.now() });
  }

  onMcpApproval(handler: McpApprovalHandler): () => void {
    this.approvalHandler = handler;
    return () => {
      if (this.approvalHandler === handler) this.approvalHandler = null;
    };
  }

  answerMcpApproval(requestId: string, approve: boolean, reason?: string): void {
    const answer = { requestId, approve, reason: reason ?? null };
    this.dispatch({ type: 'mcp_approval_answer', ...answer, at: this.clock.now() });
  }

  registerTool<Args, Result>(tool: ToolDefinition<Args, Result>): () => void {
    const prepared = this.tools.add(tool);
    this.dispatch({ type: 'tools_changed', tools: this.tools.wire(), at: this.clock.now() });
    return () => {
      if (!this.tools.remove(prepared)) return;
      this.dispatch({ type: 'tools_changed', tools: this.tools.wire(), at: this.clock.now() });
    };
  }

  // ── the loop ──

  /**
   * Runs one event through the machine and carries out its effects. Events raised while effects
   * run (a transport that calls back synchronously, a listener that issues a command) are queued
   * and handled in order, so the machine always sees one event at a time.
   */
  private dispatch(event: MachineEvent): void {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        const before = this.state.snapshot;
        this.reduce(next);
        if (this.state.snapshot !== before) this.publish();
        this.sound.afterEvent();
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** Reduces one event and runs its effects; an effect that throws is reported, not fatal. */
  private reduce(event: MachineEvent): void {
    const result = reduce(this.state, event);
    this.state = result.state;
    for (const effect of result.effects) {
      try {
        this.run(effect);
      } catch (error) {
        this.internalError(error);
      }
    }
  }

  /**
   * Posts the counters only the session sees (listener errors, frames the transport dropped) into
   * the machine when they changed, so the snapshot keeps one writer. Reduced here rather than
   * queued: it runs while publishing, and queuing it would notify the listeners a second time.
   */
  private postCounters(): void {
    const droppedAudioFrames = this.transport.stats.droppedAudioFrames;
    const listenerErrors = this.listeners.errors;
    const { diagnostics } = this.state.snapshot;
    if (
      diagnostics.listenerErrors === listenerErrors &&
      diagnostics.droppedAudioFrames === droppedAudioFrames
    ) {
      return;
    }
    this.reduce({
      type: 'session_counters',
      listenerErrors,
      droppedAudioFrames,
      at: this.clock.now(),
    });
  }

  private publish(): void {
    this.postCounters();
    this.published = this.state.snapshot;
    this.settleConnectWaiters();
    const errorsBefore = this.listeners.errors;
    this.listeners.notify();
    if (this.listeners.errors !== errorsBefore) {
      // Counted without another notification, which a throwing listener would turn into a loop.
      this.postCounters();
      this.published = this.state.snapshot;
    }
  }

  /** Settles when the session is connected (resolves) or has failed or closed (rejects). */
  private whenConnected(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.connectWaiters.push({ resolve, reject });
    });
  }

  private settleConnectWaiters(): void {
    const { status, error } = this.published;
    if (this.connectWaiters.length === 0) return;
    if (status === 'connected') {
      for (const waiter of this.connectWaiters.splice(0)) waiter.resolve();
    } else if (status === 'error' || status === 'closed') {
      const failure =
        error ??
        new ParleyError(
          'transport',
          `The session ${status === 'closed' ? 'was closed' : 'failed'} before it connected`,
        );
      for (const waiter of this.connectWaiters.splice(0)) waiter.reject(failure);
    }
  }

  private randomId(length: number): string {
    let id = '';
    for (let index = 0; index < length; index++) {
      id += ID_ALPHABET[Math.floor(this.random() * ID_ALPHABET.length) % ID_ALPHABET.length];
    }
    return id;
  }

  // ── effects ──

  private run(effect: MachineEffect): void {
    switch (effect.type) {
      case 'send':
        this.connection.send(effect.event);
        break;
      case 'command':
        this.connection.sendCommand(effect.command, effect.eventId);
        break;
      case 'open':
        this.connection.open(effect.attempt);
        break;
      case 'close':
        this.connection.close(effect.code, effect.reason);
        break;
      case 'tool_run':
        this.tools.run(effect.callId, effect.name, effect.arguments);
        break;
      case 'tool_abort':
        this.tools.abort(effect.callIds);
        break;
      case 'timer_set':
        this.timers.set(effect.timer, effect.ms);
        break;
      case 'timer_clear':
        this.timers.clear(effect.timer);
        break;
      case 'mcp_approval_requested': {
        const handler = this.approvalHandler;
        const { id } = effect.request;
        const decide = (approve: boolean, reason: string | null) =>
          this.answerMcpApproval(id, approve, reason ?? undefined);
        const ask = this.mcp.runtime?.askMcpApproval;
        if (handler && ask) ask(handler, effect.request, decide, this.internalError);
        break;
      }
      case 'item_completed':
        this.listeners.emit('item', effect.item);
        break;
      case 'warning':
        this.listeners.emit('warning', { code: effect.code, message: effect.message });
        break;
      case 'error':
        this.listeners.emit('error', effect.error);
        break;
      default:
        this.sound.run(effect);
    }
  }
}
