import { bytesToInt16, decodeBase64, encodeBase64, int16ToBytes } from '../audio/index.js';
import { ParleyError, isParleyError } from '../errors.js';
import type { MachineEffect } from '../machine/effects.js';
import type { MachineEvent, TimerName } from '../machine/events.js';
import { itemPlayhead, type ItemPlayhead } from '../machine/heard.js';
import { reduce } from '../machine/reducer.js';
import { handlersOf } from '../machine/family.js';
import { canSendAudio, isLive, wantsMicrophoneAudio, wireDialect } from '../machine/selectors.js';
import { initialState, type MachineState } from '../machine/state.js';
import { parseServerEvent, serializeClientEvent, type Tool } from '../protocol/index.js';
import { prepareTool, type PreparedTool } from '../tools/define-tool.js';
import { errorOutput, runTool } from '../tools/run-tool.js';
import type { AudioPort, Clock, Credentials, TimerHandle, Transport } from '../ports.js';
import { systemClock } from '../system-clock.js';
import type { SessionConfigPatch } from '../protocol/index.js';
import type { ToolDefinition, VoiceSessionSnapshot } from '../types.js';
import type { VoiceSession, VoiceSessionEvents, VoiceSessionOptions } from './types.js';
import type * as LiveRuntimeModule from './live-runtime.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DEFAULT_TOOL_TIMEOUT_MS = 15_000;
/** Microphone audio held while the session gets ready: 2 s at 24 kHz, the newest kept. */
const maxHeldSamples = 48_000;

type Listeners = { [K in keyof VoiceSessionEvents]: Set<VoiceSessionEvents[K]> };

/**
 * Creates a voice session: the machine of `machine/` driven by real ports. Every port is injected
 * (transport, audio, clock, credentials), so the same session runs in a browser, in Node and in
 * tests with fakes.
 *
 * @example
 * ```ts
 * import { createVoiceSession, createWebSocketTransport, parleyServerCredentials } from '@parley/core';
 * import { createAudioPort } from '@parley/audio-worklets';
 *
 * const session = createVoiceSession({
 *   credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
 *   transport: createWebSocketTransport(),
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
  private readonly options: VoiceSessionOptions;
  private readonly snapshotListeners = new Set<() => void>();
  private readonly listeners: Listeners = {
    levels: new Set(),
    audio: new Set(),
    serverEvent: new Set(),
    clientEvent: new Set(),
    error: new Set(),
    warning: new Set(),
    item: new Set(),
  };
  private readonly tools = new Map<string, PreparedTool>();
  private readonly runningTools = new Map<string, AbortController>();
  private readonly timers = new Map<TimerName, TimerHandle>();
  private readonly queue: MachineEvent[] = [];
  private dispatching = false;
  /** Bumped on every open, so late credentials or socket callbacks of an old attempt are ignored. */
  private attempt = 0;
  private listenerErrors = 0;
  private audioStopped: Promise<void> = Promise.resolve();
  private droppedReported = 0;
  private heldAudio: Int16Array[] = [];
  private heldSamples = 0;
  /** Makes client item ids unique within the session whatever the random source returns. */
  private itemCounter = 0;
  private connectWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  /** GPT-Live's reader, adapter and machine handlers, loaded on the first Live connection. */
  private live: LiveRuntime | null = null;

  constructor(options: VoiceSessionOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.transport = options.transport;
    this.audio = options.audio;
    for (const tool of options.tools ?? []) {
      const prepared = prepareTool(tool);
      this.tools.set(prepared.wire.name, prepared);
    }
    this.state = initialState({
      config: {
        ...(options.maxItems === undefined ? {} : { maxItems: options.maxItems }),
        ...(options.metricsHistory === undefined ? {} : { metricsHistory: options.metricsHistory }),
        ...(options.reconnect?.maxAttempts === undefined
          ? {}
          : { reconnectMaxAttempts: options.reconnect.maxAttempts }),
        ...(options.reconnect?.baseDelayMs === undefined
          ? {}
          : { reconnectBaseDelayMs: options.reconnect.baseDelayMs }),
        ...(options.reconnect?.maxDelayMs === undefined
          ? {}
          : { reconnectMaxDelayMs: options.reconnect.maxDelayMs }),
        ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
        ...(options.rolloverMarginMs === undefined
          ? {}
          : { rolloverMarginMs: options.rolloverMarginMs }),
        ...(options.prices === undefined ? {} : { prices: options.prices }),
        ...(options.unhandledToolCalls === undefined
          ? {}
          : { unhandledToolCalls: options.unhandledToolCalls }),
      },
      ...(options.session === undefined ? {} : { session: options.session }),
      ...(options.liveSession === undefined ? {} : { liveSession: options.liveSession }),
      tools: this.wireTools(),
    });
    this.published = this.state.snapshot;
    this.subscribe = this.subscribe.bind(this);
    this.getSnapshot = this.getSnapshot.bind(this);
    this.attachAudio();
  }

  // ── bindings ──

  subscribe(listener: () => void): () => void {
    this.snapshotListeners.add(listener);
    return () => {
      this.snapshotListeners.delete(listener);
    };
  }

  getSnapshot(): VoiceSessionSnapshot {
    return this.published;
  }

  on<K extends keyof VoiceSessionEvents>(event: K, listener: VoiceSessionEvents[K]): () => void {
    const set = this.listeners[event] as Set<VoiceSessionEvents[K]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
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
    return itemPlayhead(this.state, itemId, this.audio?.position(itemId) ?? null);
  }

  /** Refuses a command the session's protocol cannot carry, with a typed error. */
  private requireCapability(capability: 'commitAudio' | 'updateSession', command: string): void {
    if (this.state.snapshot.capabilities?.[capability] === false) {
      throw new ParleyError(
        'unsupported',
        `${command}() is not supported by ${this.state.protocol}`,
      );
    }
  }

  // ── commands ──

  connect(): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => {
      this.connectWaiters.push({ resolve, reject });
    });
    this.dispatch({ type: 'connect', idPrefix: `evt_${this.randomId(6)}_`, at: this.clock.now() });
    // Already connected (a second `connect()`, as React's StrictMode does): resolve now.
    this.settleConnectWaiters();
    return promise;
  }

  disconnect(): Promise<void> {
    this.audioStopped = Promise.resolve();
    this.dispatch({ type: 'disconnect', at: this.clock.now() });
    // Resolves once the microphone and speaker are released.
    return this.audioStopped;
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
    if (pcm16.length === 0) return;
    if (!wantsMicrophoneAudio(this.state)) return;
    // Audio waits for the configuration to land, so the first turn uses it (§8 of the reference);
    // what the microphone hears meanwhile is held, not lost: the visitor's first words count.
    if (!canSendAudio(this.state)) {
      this.holdAudio(pcm16);
      return;
    }
    this.sendHeldAudio();
    this.appendAudio(pcm16);
  }

  /** Keeps at most {@link maxHeldSamples} of the newest audio while the session gets ready. */
  private holdAudio(pcm16: Int16Array): void {
    this.heldAudio.push(pcm16);
    this.heldSamples += pcm16.length;
    while (this.heldSamples > maxHeldSamples && this.heldAudio.length > 1) {
      this.heldSamples -= this.heldAudio.shift()?.length ?? 0;
    }
  }

  private sendHeldAudio(): void {
    if (this.heldAudio.length === 0) return;
    const held = this.heldAudio;
    this.heldAudio = [];
    this.heldSamples = 0;
    for (const pcm16 of held) this.appendAudio(pcm16);
  }

  private appendAudio(pcm16: Int16Array): void {
    const frame =
      isLive(this.state) && this.live !== null
        ? // Muted: the same length of silence, so the session's clock keeps running.
          this.live.audioFrame(
            encodeBase64(
              int16ToBytes(this.state.snapshot.muted ? new Int16Array(pcm16.length) : pcm16),
            ),
          )
        : serializeClientEvent(
            { type: 'input_audio_buffer.append', audio: encodeBase64(int16ToBytes(pcm16)) },
            { dialect: wireDialect(this.state) },
          );
    this.transport.send(frame, 'audio');
    const dropped = this.transport.stats.droppedAudioFrames;
    if (dropped > this.droppedReported) {
      // Reported when drops start and then every 50 frames (one second of audio), not per frame.
      if (this.droppedReported === 0 || dropped - this.droppedReported >= 50) {
        this.emit('warning', {
          code: 'audio_dropped',
          message: `${dropped} microphone frames dropped: the connection is too slow for the audio`,
        });
        this.droppedReported = dropped;
      }
    }
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

  updateSession(patch: SessionConfigPatch): void {
    this.requireCapability('updateSession', 'updateSession');
    this.dispatch({ type: 'update_session', patch, at: this.clock.now() });
  }

  registerTool<Args, Result>(tool: ToolDefinition<Args, Result>): () => void {
    const prepared = prepareTool(tool);
    this.tools.set(prepared.wire.name, prepared);
    this.dispatch({ type: 'tools_changed', tools: this.wireTools(), at: this.clock.now() });
    return () => {
      if (this.tools.get(prepared.wire.name) !== prepared) return;
      this.tools.delete(prepared.wire.name);
      this.dispatch({ type: 'tools_changed', tools: this.wireTools(), at: this.clock.now() });
    };
  }

  // ── the loop ──

  private wireTools(): Tool[] {
    return [...this.tools.values()].map((tool) => tool.wire);
  }

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
        const result = reduce(this.state, next);
        this.state = result.state;
        for (const effect of result.effects) {
          try {
            this.run(effect);
          } catch (error) {
            this.internalError(error);
          }
        }
        if (this.state.snapshot !== before) this.publish();
        if (this.heldSamples > 0) {
          if (!wantsMicrophoneAudio(this.state)) {
            this.heldAudio = [];
            this.heldSamples = 0;
          } else if (canSendAudio(this.state)) {
            this.sendHeldAudio();
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  /**
   * Posts the counters only the session sees (listener errors, frames the transport dropped) into
   * the machine when they changed, so the snapshot keeps one writer. Reduced here rather than
   * queued: it runs while publishing, and queuing it would notify the listeners a second time.
   */
  private postCounters(): void {
    const droppedAudioFrames = this.transport.stats.droppedAudioFrames;
    const { diagnostics } = this.state.snapshot;
    if (
      diagnostics.listenerErrors === this.listenerErrors &&
      diagnostics.droppedAudioFrames === droppedAudioFrames
    ) {
      return;
    }
    const result = reduce(this.state, {
      type: 'session_counters',
      listenerErrors: this.listenerErrors,
      droppedAudioFrames,
      at: this.clock.now(),
    });
    this.state = result.state;
    for (const effect of result.effects) {
      try {
        this.run(effect);
      } catch (error) {
        this.internalError(error);
      }
    }
  }

  private publish(): void {
    this.postCounters();
    this.published = this.state.snapshot;
    this.settleConnectWaiters();
    const errorsBefore = this.listenerErrors;
    for (const listener of [...this.snapshotListeners]) {
      try {
        listener();
      } catch (error) {
        this.listenerErrors += 1;
        this.internalError(error);
      }
    }
    if (this.listenerErrors !== errorsBefore) {
      // Counted without another notification, which a throwing listener would turn into a loop.
      this.postCounters();
      this.published = this.state.snapshot;
    }
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

  private emit<K extends keyof VoiceSessionEvents>(
    event: K,
    ...args: Parameters<VoiceSessionEvents[K]>
  ): void {
    for (const listener of [...this.listeners[event]]) {
      try {
        (listener as (...values: Parameters<VoiceSessionEvents[K]>) => void)(...args);
      } catch (error) {
        this.listenerErrors += 1;
        this.internalError(error);
      }
    }
  }

  private internalError(error: unknown): void {
    try {
      (this.options.onInternalError ?? ((value: unknown) => console.error(value)))(error);
    } catch {
      // The reporter itself failed; nothing more can be done without breaking the session.
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
      case 'send': {
        const frame = serializeClientEvent(effect.event, { dialect: wireDialect(this.state) });
        this.transport.send(frame, 'control');
        this.emit('clientEvent', effect.event);
        break;
      }
      case 'command':
        // A neutral command, encoded by the adapter of the session's protocol (GPT-Live today).
        for (const { frame, event } of this.live?.commandFrames(effect.command, effect.eventId) ??
          []) {
          this.transport.send(frame, 'control');
          this.emit('clientEvent', event);
        }
        break;
      case 'open':
        this.open(effect.attempt);
        break;
      case 'close':
        this.attempt += 1;
        this.transport.close(effect.code, effect.reason);
        // The close callback belongs to a retired attempt now; tell the machine ourselves.
        this.dispatch({
          type: 'transport_closed',
          code: effect.code,
          reason: effect.reason,
          initiatedLocally: true,
          at: this.clock.now(),
          random: this.random(),
        });
        break;
      case 'audio_start':
        this.startAudio();
        break;
      case 'audio_stop':
        if (this.audio) {
          this.audioStopped = this.audio
            .stop()
            .catch((error: unknown) => this.internalError(error));
        }
        break;
      case 'audio_mute':
        this.audio?.setInputMuted(effect.muted);
        break;
      case 'audio_enqueue': {
        const pcm16 = bytesToInt16(decodeBase64(effect.audio));
        this.audio?.enqueue(effect.itemId, pcm16);
        if (this.listeners.audio.size > 0) this.emit('audio', { itemId: effect.itemId, pcm16 });
        break;
      }
      case 'audio_flush':
        if (this.audio) {
          this.audio.flush().then(
            (position) =>
              this.dispatch({ type: 'playback_flushed', position, at: this.clock.now() }),
            (error: unknown) => {
              this.internalError(error);
              this.dispatch({ type: 'playback_flushed', position: null, at: this.clock.now() });
            },
          );
        } else {
          this.dispatch({ type: 'playback_flushed', position: null, at: this.clock.now() });
        }
        break;
      case 'tool_run':
        this.runTool(effect.callId, effect.name, effect.arguments);
        break;
      case 'tool_abort':
        for (const callId of effect.callIds) {
          this.runningTools.get(callId)?.abort(new Error('aborted'));
          this.runningTools.delete(callId);
        }
        break;
      case 'timer_set': {
        const previous = this.timers.get(effect.timer);
        if (previous !== undefined) this.clock.clearTimeout(previous);
        const timer = effect.timer;
        this.timers.set(
          timer,
          this.clock.setTimeout(() => {
            this.timers.delete(timer);
            this.dispatch({ type: 'timer', timer, at: this.clock.now() });
          }, effect.ms),
        );
        break;
      }
      case 'timer_clear': {
        const handle = this.timers.get(effect.timer);
        if (handle !== undefined) this.clock.clearTimeout(handle);
        this.timers.delete(effect.timer);
        break;
      }
      case 'item_completed':
        this.emit('item', effect.item);
        break;
      case 'warning':
        this.emit('warning', { code: effect.code, message: effect.message });
        break;
      case 'error':
        this.emit('error', effect.error);
        break;
    }
  }

  private open(attemptNumber: number): void {
    const attempt = ++this.attempt;
    let credentials: Promise<Credentials>;
    try {
      credentials = this.options.credentials({ attempt: attemptNumber });
    } catch (error) {
      credentials = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    credentials
      .then(async (value) => {
        // A Live connection loads the Live runtime first (once); Realtime never does.
        if (value.protocol === 'live' && this.live === null) this.live = await loadLiveRuntime();
        return value;
      })
      .then(
        (value) => {
          if (attempt !== this.attempt) return;
          this.dispatch({
            type: 'credentials_ready',
            dialect: value.dialect ?? this.options.dialect ?? 'ga',
            serverRunsTools: value.serverRunsTools === true,
            managedSession: value.managedSession === true,
            model: value.model ?? null,
            ...(value.protocol === 'live' && this.live !== null
              ? { protocol: 'live' as const, family: this.live.liveFamily }
              : {}),
            at: this.clock.now(),
          });
          this.connectTransport(attempt, value);
        },
        (error: unknown) => {
          if (attempt !== this.attempt) return;
          this.dispatch({
            type: 'credentials_failed',
            message: error instanceof Error ? error.message : String(error),
            at: this.clock.now(),
            random: this.random(),
          });
        },
      );
  }

  private connectTransport(attempt: number, credentials: Credentials): void {
    const current = () => attempt === this.attempt;
    this.transport.connect(credentials, {
      onOpen: () => {
        if (current()) this.dispatch({ type: 'transport_open', at: this.clock.now() });
      },
      onMessage: (data) => {
        if (current()) this.receive(data);
      },
      onClose: (info) => {
        if (!current()) return;
        this.attempt += 1;
        this.dispatch({
          type: 'transport_closed',
          code: info.code,
          reason: info.reason,
          initiatedLocally: info.initiatedLocally,
          at: this.clock.now(),
          random: this.random(),
        });
      },
      onError: (error) => {
        if (current()) this.emit('warning', { code: 'transport_error', message: error.message });
      },
    });
  }

  private receive(data: string): void {
    if (isLive(this.state) && this.live !== null) {
      this.receiveLive(this.live, data);
      return;
    }
    const parsed = parseServerEvent(data, { dialect: wireDialect(this.state) });
    if (!parsed.success) {
      this.dispatch({
        type: 'protocol_error',
        message: parsed.error.message,
        at: this.clock.now(),
      });
      return;
    }
    if (this.listeners.serverEvent.size > 0) {
      this.emit('serverEvent', parsed.event as unknown as { type: string; [key: string]: unknown });
    }
    this.dispatch({
      type: 'server',
      event: parsed.event,
      at: this.clock.now(),
      wallAt: this.clock.wallNow(),
    });
  }

  /** A GPT-Live frame: parsed by the tolerant reader, then turned into neutral events. */
  private receiveLive(live: LiveRuntime, data: string): void {
    const read = live.readLiveFrame(data);
    if (read.error !== null) {
      this.dispatch({ type: 'protocol_error', message: read.error, at: this.clock.now() });
      return;
    }
    if (this.listeners.serverEvent.size > 0) this.emit('serverEvent', read.event);
    for (const event of read.events) {
      this.dispatch({ ...event, at: this.clock.now(), wallAt: this.clock.wallNow() });
    }
  }

  private startAudio(): void {
    const audio = this.audio;
    if (!audio) return;
    audio.setInputMuted(this.state.snapshot.muted);
    audio.start().catch((error: unknown) => {
      const permission =
        (isParleyError(error) && error.reason === 'permission') ||
        (error instanceof Error &&
          (error.name === 'NotAllowedError' || error.name === 'SecurityError'));
      this.dispatch({
        type: 'audio_failed',
        message: error instanceof Error ? error.message : String(error),
        permission,
        at: this.clock.now(),
      });
    });
  }

  private attachAudio(): void {
    const audio = this.audio;
    if (!audio) return;
    audio.on('frame', (pcm16) => this.sendAudio(pcm16));
    audio.on('levels', (levels) => this.emit('levels', levels));
    audio.on('playbackStarted', (itemId) =>
      this.dispatch({ type: 'playback_started', itemId, at: this.clock.now() }),
    );
    audio.on('playbackIdle', (position) =>
      this.dispatch({ type: 'playback_idle', position, at: this.clock.now() }),
    );
    audio.on('error', (error) =>
      this.emit(
        'error',
        isParleyError(error) ? error : new ParleyError('audio', error.message, { cause: error }),
      ),
    );
  }

  private runTool(callId: string, name: string, rawArguments: string): void {
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
    this.runningTools.set(callId, controller);
    void runTool(tool, rawArguments, {
      context: { callId },
      clock: this.clock,
      timeoutMs: tool.definition.timeoutMs ?? this.options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      signal: controller.signal,
    }).then((outcome) => {
      if (this.runningTools.get(callId) !== controller || controller.signal.aborted) return;
      this.runningTools.delete(callId);
      this.dispatch({
        type: 'tool_result',
        callId,
        output: outcome.output,
        error: outcome.error,
        at: at(),
      });
    });
  }
}

type LiveRuntime = typeof LiveRuntimeModule;

/** The Live runtime, as its own chunk for bundlers (see ./live-runtime.ts). */
function loadLiveRuntime(): Promise<LiveRuntime> {
  return import('./live-runtime.js');
}
