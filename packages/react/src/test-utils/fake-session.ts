// A scripted VoiceSession for hook tests: it counts the sockets and microphones it would open, so
// tests can assert that StrictMode never opens two, and lets tests push snapshots and levels.
import type {
  AudioLevels,
  MessageItem,
  ToolDefinition,
  VoiceSession,
  VoiceSessionEvents,
  VoiceSessionSnapshot,
} from '@parley/core';

type AnyTool = ToolDefinition<never, unknown>;

export interface FakeSession extends VoiceSession {
  /** How many times a socket was opened / closed. */
  readonly socketsOpened: number;
  readonly socketsClosed: number;
  /** How many times the microphone was opened / released. */
  readonly microphonesOpened: number;
  readonly microphonesReleased: number;
  /** Currently registered tools by name. */
  readonly tools: ReadonlyMap<string, AnyTool>;
  /** How many registerTool calls were made. */
  readonly toolRegistrations: number;
  /** Number of snapshot and levels listeners currently attached. */
  listenerCount(): { snapshot: number; levels: number };
  /** Replaces part of the snapshot (new object) and notifies subscribers. */
  setSnapshot(patch: Partial<VoiceSessionSnapshot>): void;
  emitLevels(levels: AudioLevels): void;
  readonly commands: string[];
}

const emptyTokens = {
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

// Kept in a variable rather than written inline, so that counters core adds later are accepted
// before this file lists them (no excess-property check) and listed here as core adds them.
const diagnostics = {
  benignErrors: {},
  malformedEvents: 0,
  unknownEvents: 0,
  reconnects: 0,
  rollovers: 0,
  listenerErrors: 0,
  droppedAudioFrames: 0,
};

/** A snapshot of a session that was created and never connected. */
export function idleSnapshot(patch: Partial<VoiceSessionSnapshot> = {}): VoiceSessionSnapshot {
  return {
    status: 'idle',
    turn: 'listening',
    items: [],
    error: null,
    usage: {
      responses: 0,
      total: emptyTokens,
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
    diagnostics,
    ...patch,
  };
}

export function createFakeSession(initial: Partial<VoiceSessionSnapshot> = {}): FakeSession {
  let snapshot = idleSnapshot(initial);
  const listeners = new Set<() => void>();
  const levelListeners = new Set<VoiceSessionEvents['levels']>();
  const tools = new Map<string, AnyTool>();
  const commands: string[] = [];
  const counters = {
    socketsOpened: 0,
    socketsClosed: 0,
    microphonesOpened: 0,
    microphonesReleased: 0,
    toolRegistrations: 0,
  };

  const setSnapshot = (patch: Partial<VoiceSessionSnapshot>): void => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of [...listeners]) listener();
  };

  const session: FakeSession = {
    get socketsOpened() {
      return counters.socketsOpened;
    },
    get socketsClosed() {
      return counters.socketsClosed;
    },
    get microphonesOpened() {
      return counters.microphonesOpened;
    },
    get microphonesReleased() {
      return counters.microphonesReleased;
    },
    get toolRegistrations() {
      return counters.toolRegistrations;
    },
    tools,
    commands,
    listenerCount: () => ({ snapshot: listeners.size, levels: levelListeners.size }),
    setSnapshot,
    emitLevels(levels) {
      for (const listener of [...levelListeners]) listener(levels);
    },
    connect() {
      commands.push('connect');
      if (snapshot.status === 'connecting' || snapshot.status === 'connected')
        return Promise.resolve();
      counters.socketsOpened += 1;
      counters.microphonesOpened += 1;
      setSnapshot({ status: 'connected' });
      return Promise.resolve();
    },
    disconnect() {
      commands.push('disconnect');
      if (snapshot.status === 'connected' || snapshot.status === 'connecting') {
        counters.socketsClosed += 1;
        counters.microphonesReleased += 1;
        setSnapshot({ status: 'closed' });
      }
      return Promise.resolve();
    },
    sendText: (text) => void commands.push(`sendText:${text}`),
    sendAudio: () => void commands.push('sendAudio'),
    commitAudio: () => void commands.push('commitAudio'),
    startPushToTalk: () => void commands.push('startPushToTalk'),
    stopPushToTalk: () => void commands.push('stopPushToTalk'),
    interrupt: () => void commands.push('interrupt'),
    mute(muted) {
      commands.push(`mute:${String(muted)}`);
      setSnapshot({ muted });
    },
    updateSession: () => void commands.push('updateSession'),
    registerTool(tool) {
      counters.toolRegistrations += 1;
      if (tools.has(tool.name)) throw new Error(`tool ${tool.name} registered twice`);
      const stored = tool as unknown as AnyTool;
      tools.set(tool.name, stored);
      return () => {
        if (tools.get(tool.name) === stored) tools.delete(tool.name);
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    on(event, listener) {
      if (event !== 'levels') return () => undefined;
      const levelListener = listener as VoiceSessionEvents['levels'];
      levelListeners.add(levelListener);
      return () => void levelListeners.delete(levelListener);
    },
  };
  return session;
}

/** A completed user message item, for snapshots in tests. */
export function userMessage(id: string, text = ''): MessageItem {
  return {
    type: 'message',
    id,
    role: 'user',
    status: 'completed',
    modality: 'audio',
    text,
    streaming: false,
    interrupted: false,
    heardText: null,
    audioEndMs: null,
    audioMs: 0,
    transcriptionError: null,
    responseId: null,
    createdAt: 0,
  };
}
