import type { ItemPlayhead } from '../machine/heard.js';
import { initialSnapshot } from '../machine/state.js';
import type { AudioLevels } from '../ports.js';
import type { ToolDefinition, VoiceSessionSnapshot } from '../types.js';
import type { McpApprovalHandler, VoiceSession, VoiceSessionEvents } from '../session/types.js';

type AnyTool = ToolDefinition<never, unknown>;

/** A snapshot of a session that was created and never connected, with `patch` applied. */
export function idleSnapshot(patch: Partial<VoiceSessionSnapshot> = {}): VoiceSessionSnapshot {
  return { ...initialSnapshot(), ...patch };
}

/** Levels as an AudioPort reports them (`peak` equal to `rms`; speaking above 0.1). */
export function fakeLevels(inputRms: number, outputRms = 0): AudioLevels {
  return {
    input: { rms: inputRms, peak: inputRms },
    output: { rms: outputRms, peak: outputRms },
    inputSpeaking: inputRms > 0.1,
  };
}

/**
 * A scripted {@link VoiceSession} for binding and UI tests: it keeps the real contract (the same
 * snapshot object until a change, listeners called synchronously, `subscribe` and `getSnapshot`
 * bound, high-rate events through `on`), records the commands it receives, and counts the sockets
 * and microphones it would open, so a test can assert that React's StrictMode never opens two.
 *
 * @example
 * ```ts
 * const session = createFakeVoiceSession({ status: 'connected' });
 * session.setSnapshot({ items: [assistantMessage('a1', 'Hello there')] });
 * session.setPlayhead('a1', { heardMs: 400, receivedMs: 1000, playing: true });
 * session.emitLevels(fakeLevels(0.3));
 * expect(session.commands).toEqual([]);
 * ```
 */
export class FakeVoiceSession implements VoiceSession {
  /** Every command, in order: `connect`, `sendText:<text>`, `mute:true`, … */
  readonly commands: string[] = [];
  /** Registered tools by name. */
  readonly tools = new Map<string, AnyTool>();
  /** Sockets and microphones opened and released (a connect opens both, a disconnect closes both). */
  socketsOpened = 0;
  socketsClosed = 0;
  microphonesOpened = 0;
  microphonesReleased = 0;
  /** `registerTool` calls, including ones unregistered since. */
  toolRegistrations = 0;
  private current: VoiceSessionSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly levelListeners = new Set<VoiceSessionEvents['levels']>();
  private readonly playheads = new Map<string, ItemPlayhead>();

  constructor(initial: Partial<VoiceSessionSnapshot> = {}) {
    this.current = idleSnapshot(initial);
  }

  /** The current snapshot (what `getSnapshot()` returns). */
  get snapshot(): VoiceSessionSnapshot {
    return this.current;
  }

  /** Replaces part of the snapshot (a new object) and notifies subscribers. */
  setSnapshot(patch: Partial<VoiceSessionSnapshot>): void {
    this.current = { ...this.current, ...patch };
    this.notifyUnchanged();
  }

  /** Notifies without changing anything (the real session may; bindings must not re-render). */
  notifyUnchanged(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Reports levels to `on('levels')` listeners. */
  emitLevels(levels: AudioLevels): void {
    for (const listener of [...this.levelListeners]) listener(levels);
  }

  /**
   * Sets what `playhead(itemId)` returns (`null` forgets it). Like the real playhead, it moves
   * without notifying subscribers. Omitted fields: `heardMs` 0, `receivedMs` 0, `audioDone`
   * false, `playing` true.
   */
  setPlayhead(itemId: string, playhead: Partial<Omit<ItemPlayhead, 'itemId'>> | null): void {
    if (playhead === null) {
      this.playheads.delete(itemId);
      return;
    }
    this.playheads.set(itemId, {
      itemId,
      heardMs: playhead.heardMs ?? 0,
      receivedMs: playhead.receivedMs ?? 0,
      audioDone: playhead.audioDone ?? false,
      playing: playhead.playing ?? true,
    });
  }

  /** Snapshot and levels listeners attached now. */
  listenerCount(): { snapshot: number; levels: number } {
    return { snapshot: this.listeners.size, levels: this.levelListeners.size };
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  readonly getSnapshot = (): VoiceSessionSnapshot => this.current;

  on<K extends keyof VoiceSessionEvents>(event: K, listener: VoiceSessionEvents[K]): () => void {
    if (event !== 'levels') return () => undefined;
    const levelListener = listener as VoiceSessionEvents['levels'];
    this.levelListeners.add(levelListener);
    return () => void this.levelListeners.delete(levelListener);
  }

  playhead(itemId: string): ItemPlayhead | null {
    return this.playheads.get(itemId) ?? null;
  }

  connect(): Promise<void> {
    this.commands.push('connect');
    const status = this.current.status;
    if (status !== 'connecting' && status !== 'connected') {
      this.socketsOpened += 1;
      this.microphonesOpened += 1;
      this.setSnapshot({ status: 'connected' });
    }
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.commands.push('disconnect');
    const status = this.current.status;
    if (status === 'connected' || status === 'connecting' || status === 'reconnecting') {
      this.socketsClosed += 1;
      this.microphonesReleased += 1;
      this.setSnapshot({ status: 'closed' });
    }
    return Promise.resolve();
  }

  sendText(text: string): void {
    this.commands.push(`sendText:${text}`);
  }

  sendAudio(): void {
    this.commands.push('sendAudio');
  }

  commitAudio(): void {
    this.commands.push('commitAudio');
  }

  startPushToTalk(): void {
    this.commands.push('startPushToTalk');
  }

  stopPushToTalk(): void {
    this.commands.push('stopPushToTalk');
  }

  interrupt(): void {
    this.commands.push('interrupt');
  }

  mute(muted: boolean): void {
    this.commands.push(`mute:${String(muted)}`);
    this.setSnapshot({ muted });
  }

  updateSession(): void {
    this.commands.push('updateSession');
  }
  appendContext(channel: string, content: string): void {
    this.commands.push(`appendContext:${channel}:${content}`);
  }

  fork(): Promise<void> {
    this.commands.push('fork');
    return Promise.resolve();
  }

  /** Registers a tool; registering a name that is already registered throws (a binding bug). */
  registerTool<Args, Result>(tool: ToolDefinition<Args, Result>): () => void {
    this.toolRegistrations += 1;
    if (this.tools.has(tool.name)) throw new Error(`tool ${tool.name} registered twice`);
    const stored = tool as unknown as AnyTool;
    this.tools.set(tool.name, stored);
    return () => {
      if (this.tools.get(tool.name) === stored) this.tools.delete(tool.name);
    };
  }

  /** The MCP approval handler set, if any. */
  approvalHandler: McpApprovalHandler | null = null;

  onMcpApproval(handler: McpApprovalHandler): () => void {
    this.approvalHandler = handler;
    return () => {
      if (this.approvalHandler === handler) this.approvalHandler = null;
    };
  }

  answerMcpApproval(requestId: string, approve: boolean): void {
    this.commands.push(`answerMcpApproval:${requestId}:${approve}`);
  }
}

/** A {@link FakeVoiceSession} starting from the idle snapshot with `initial` applied. */
export function createFakeVoiceSession(
  initial: Partial<VoiceSessionSnapshot> = {},
): FakeVoiceSession {
  return new FakeVoiceSession(initial);
}
