// A scriptable stand-in for core's VoiceSession, for binding tests only: it keeps the real
// contract (same snapshot object until a change, listeners called synchronously, `on` for
// high-rate events) and records the commands it receives.
import type { AudioLevels, VoiceSession, VoiceSessionSnapshot } from '@parley/core';
import type { ClientTool } from '../voice-session.svelte.js';

type Events = { levels: (levels: AudioLevels) => void };

const zeroTokens = {
  inputTokens: 0,
  outputTokens: 0,
  inputTextTokens: 0,
  inputAudioTokens: 0,
  inputImageTokens: 0,
  cachedTextTokens: 0,
  cachedAudioTokens: 0,
  cachedImageTokens: 0,
  outputTextTokens: 0,
  outputAudioTokens: 0,
};

export const initialSnapshot: VoiceSessionSnapshot = {
  status: 'idle',
  turn: 'listening',
  items: [],
  error: null,
  usage: {
    responses: 0,
    total: zeroTokens,
    lastResponse: null,
    costUsd: null,
    model: null,
    transcription: { tokens: 0, seconds: 0 },
  },
  metrics: { turns: [], turnCount: 0, meanTimeToFirstPlayMs: null, meanTimeToFirstAudioMs: null },
  muted: false,
  pushToTalk: false,
  sessionId: null,
  model: null,
  reconnectAttempt: 0,
  diagnostics: {
    benignErrors: {},
    malformedEvents: 0,
    unknownEvents: 0,
    reconnects: 0,
    rollovers: 0,
    listenerErrors: 0,
  },
};

export class FakeVoiceSession {
  snapshot: VoiceSessionSnapshot = initialSnapshot;
  readonly calls: string[] = [];
  readonly tools = new Map<string, ClientTool>();
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = { levels: new Set<Events['levels']>() };

  get listenerCount(): number {
    return this.listeners.size;
  }

  get levelsListenerCount(): number {
    return this.eventListeners.levels.size;
  }

  /** Replaces the snapshot with a changed copy and notifies like the real session. */
  update(patch: Partial<VoiceSessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  /** Notifies without changing anything (the real session may do so; bindings must not re-render). */
  notifyUnchanged(): void {
    for (const listener of [...this.listeners]) listener();
  }

  emitLevels(levels: AudioLevels): void {
    for (const listener of [...this.eventListeners.levels]) listener(levels);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): VoiceSessionSnapshot => this.snapshot;

  on = (event: 'levels', listener: Events['levels']): (() => void) => {
    this.eventListeners[event].add(listener);
    return () => this.eventListeners[event].delete(listener);
  };

  connect = (): Promise<void> => {
    this.calls.push('connect');
    this.update({ status: 'connected' });
    return Promise.resolve();
  };

  disconnect = (): Promise<void> => {
    this.calls.push('disconnect');
    this.update({ status: 'closed' });
    return Promise.resolve();
  };

  sendText = (text: string): void => {
    this.calls.push(`sendText:${text}`);
  };

  commitAudio = (): void => {
    this.calls.push('commitAudio');
  };

  interrupt = (): void => {
    this.calls.push('interrupt');
  };

  mute = (muted: boolean): void => {
    this.calls.push(`mute:${String(muted)}`);
    this.update({ muted });
  };

  startPushToTalk = (): void => {
    this.calls.push('startPushToTalk');
  };

  stopPushToTalk = (): void => {
    this.calls.push('stopPushToTalk');
  };

  updateSession = (_patch: unknown): void => {
    this.calls.push('updateSession');
  };

  registerTool = (tool: ClientTool): (() => void) => {
    const name = tool.name;
    this.tools.set(name, tool);
    return () => {
      if (this.tools.get(name) === tool) this.tools.delete(name);
    };
  };

  /** This fake typed as the real thing. */
  asSession(): VoiceSession {
    return this as unknown as VoiceSession;
  }
}

/** A fake clock whose timers run when `advance` moves time past them. */
export function createFakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    wallNow: () => 1_700_000_000_000 + now,
    setTimeout(callback: () => void, ms: number) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle: unknown) {
      timers.delete(handle as number);
    },
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= target)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = target;
    },
    get pendingTimers() {
      return timers.size;
    },
  };
}

export function levels(inputRms: number): AudioLevels {
  return {
    input: { rms: inputRms, peak: inputRms },
    output: { rms: 0, peak: 0 },
    inputSpeaking: inputRms > 0.1,
  };
}
