// Reactive Svelte 5 view of a core VoiceSession. Plain TypeScript on purpose (no runes): the
// reactivity comes from `createSubscriber`, so this module works compiled by tsc, by the Svelte
// compiler (the `.svelte.js` name lets vite-plugin-svelte treat it as a runes module), or neither.
import { onDestroy } from 'svelte';
import { createSubscriber } from 'svelte/reactivity';
import { createVoiceSession as createCoreVoiceSession, heardSplit } from '@parley/core';
import type {
  AudioLevels,
  Clock,
  ConversationItem,
  HeardSplit,
  SessionConfigPatch,
  ToolDefinition,
  VoiceSession,
  VoiceSessionOptions,
  VoiceSessionSnapshot,
} from '@parley/core';
import { systemClock, throttle } from './throttle.js';

/** A client tool as accepted by `VoiceSession.registerTool` (build one with core's `defineTool`). */
export type ClientTool = ToolDefinition<never, unknown>;

/** Options of the Svelte binding itself, on top of core's session options. */
export interface SvelteVoiceSessionOptions {
  /** Client tools registered for the life of the session (add more with `registerTool`). */
  tools?: readonly ClientTool[];
  /**
   * Minimum milliseconds between two updates of `levels` (default 50, i.e. 20 updates a second).
   * Levels arrive every few milliseconds; a meter needs far fewer.
   */
  levelsIntervalMs?: number;
  /**
   * Milliseconds between two reads of the audio playhead while the agent speaks (default 50), for
   * {@link SvelteVoiceSession.heard}. A word lasts about 300 ms.
   */
  heardIntervalMs?: number;
  /** Clock for the levels throttle and the playhead reads; defaults to the session's clock, else the system clock. */
  clock?: Clock;
  /**
   * Disconnect when the component that created the session is destroyed (default true). Only
   * applies to a session the binding built, created during component initialisation.
   */
  disconnectOnDestroy?: boolean;
  /**
   * Connect at once (default false). Browsers only let audio start after a user gesture, so
   * create the session from a click (e.g. inside an `{#if started}` block) when you use this.
   */
  autoConnect?: boolean;
}

/**
 * What {@link createVoiceSession} accepts: core's session options (the binding builds the session
 * and disconnects it with the component), or `{ voiceSession }` to wrap a session you built
 * yourself (you keep ownership: it is not disconnected for you).
 */
export type CreateVoiceSessionOptions =
  | (VoiceSessionOptions & SvelteVoiceSessionOptions & { voiceSession?: undefined })
  | (SvelteVoiceSessionOptions & { voiceSession: VoiceSession });

/** Silence: what `levels` reads before the audio port reports anything. */
export const silentLevels: AudioLevels = Object.freeze({
  input: Object.freeze({ rms: 0, peak: 0 }),
  output: Object.freeze({ rms: 0, peak: 0 }),
  inputSpeaking: false,
});

/**
 * A voice session for Svelte 5. Every getter is reactive: read it in markup, `$derived` or
 * `$effect` and it updates when the session changes (and only then). Also a Svelte store of the
 * snapshot (`$voice.status`) for code that prefers the store contract.
 */
export interface SvelteVoiceSession {
  /** The core session underneath, for anything the binding does not wrap. */
  readonly session: VoiceSession;
  /** The whole snapshot (the same object until something changes). */
  readonly snapshot: VoiceSessionSnapshot;
  /** Connection status: `idle`, `connecting`, `connected`, `reconnecting`, `closed` or `error`. */
  readonly status: VoiceSessionSnapshot['status'];
  /** Whose turn it is: `listening`, `user_speaking`, `thinking` or `agent_speaking`. */
  readonly turn: VoiceSessionSnapshot['turn'];
  /** Conversation items in order, with streaming transcripts and tool calls. */
  readonly items: VoiceSessionSnapshot['items'];
  /** Per-turn latency figures and tool durations. */
  readonly metrics: VoiceSessionSnapshot['metrics'];
  /** Tokens used and what they cost. */
  readonly usage: VoiceSessionSnapshot['usage'];
  /** The last failure, or null. */
  readonly error: VoiceSessionSnapshot['error'];
  /** Whether the microphone is muted. */
  readonly muted: VoiceSessionSnapshot['muted'];
  /** Input and output levels, throttled to `levelsIntervalMs`; tracked separately from the snapshot. */
  readonly levels: AudioLevels;
  /**
   * The part of an item's text the listener has heard and the part not heard: not yet (the
   * transcript streams ahead of the audio) or never (`cut`: the agent was interrupted). Core's
   * `heardSplit(item, session.playhead(item.id))`, reactive: re-read every `heardIntervalMs`
   * while the agent speaks.
   */
  heard(item: ConversationItem): HeardSplit;
  /** Svelte store contract: calls `run` with the snapshot now and on every change. */
  subscribe(run: (snapshot: VoiceSessionSnapshot) => void): () => void;
  /** Svelte store of the throttled levels, for `$levels` users. */
  readonly levelsStore: { subscribe(run: (levels: AudioLevels) => void): () => void };
  connect: VoiceSession['connect'];
  disconnect: VoiceSession['disconnect'];
  sendText: VoiceSession['sendText'];
  interrupt: VoiceSession['interrupt'];
  mute: VoiceSession['mute'];
  startPushToTalk: VoiceSession['startPushToTalk'];
  stopPushToTalk: VoiceSession['stopPushToTalk'];
  updateSession: VoiceSession['updateSession'];
  /**
   * Registers a client tool and returns its unregister function. Called during component
   * initialisation, the tool is unregistered when that component is destroyed.
   */
  registerTool(tool: ClientTool): () => void;
  /** Unregisters the binding's tools and listeners, and disconnects a session the binding built. */
  destroy(): void;
}

/** Runs `cleanup` when the current component is destroyed; false outside component initialisation. */
function onComponentDestroy(cleanup: () => void): boolean {
  try {
    onDestroy(cleanup);
    return true;
  } catch {
    // Not inside a component's initialisation (a module-level singleton, a test, a load function).
    return false;
  }
}

/**
 * Creates a voice session with reactive getters. Called in a component's `<script>`, it is torn
 * down with the component; elsewhere, call `destroy()` yourself.
 *
 * @example
 * ```svelte
 * <script lang="ts">
 *   import { createVoiceSession } from '@parley/svelte';
 *   import { createWebSocketTransport, parleyServerCredentials } from '@parley/core';
 *   import { createAudioPort } from '@parley/audio-worklets';
 *
 *   const voice = createVoiceSession({
 *     credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
 *     transport: createWebSocketTransport(),
 *     audio: createAudioPort(),
 *   });
 * </script>
 *
 * <button onclick={() => voice.connect()} disabled={voice.status === 'connected'}>Talk</button>
 * <p>{voice.turn}</p>
 * ```
 */
export function createVoiceSession(options: CreateVoiceSessionOptions): SvelteVoiceSession {
  const {
    tools = [],
    levelsIntervalMs = 50,
    heardIntervalMs = 50,
    clock: clockOption,
    disconnectOnDestroy = true,
    autoConnect = false,
    voiceSession: given,
    ...coreOptions
  } = options;
  const owned = given === undefined;
  const session: VoiceSession = given ?? createCoreVoiceSession(coreOptions as VoiceSessionOptions);
  const clock = clockOption ?? (coreOptions as { clock?: Clock }).clock ?? systemClock;

  // One subscriber per field, each waking its readers only when its own value changed: an
  // effect that reads `status` does not re-run on every transcript delta.
  const watch = <T>(read: () => T) =>
    createSubscriber((update) => {
      let last = read();
      return session.subscribe(() => {
        const next = read();
        if (Object.is(next, last)) return;
        last = next;
        update();
      });
    });
  const field = <K extends keyof VoiceSessionSnapshot>(key: K) => {
    const track = watch(() => session.getSnapshot()[key]);
    return (): VoiceSessionSnapshot[K] => {
      track();
      return session.getSnapshot()[key];
    };
  };
  const trackSnapshot = watch(() => session.getSnapshot());
  const fields = {
    status: field('status'),
    turn: field('turn'),
    items: field('items'),
    metrics: field('metrics'),
    usage: field('usage'),
    error: field('error'),
    muted: field('muted'),
  };

  let destroyed = false;
  let levels: AudioLevels = silentLevels;
  const levelListeners = new Set<(levels: AudioLevels) => void>();
  let notifyLevels: (() => void) | null = null;
  const publishLevels = throttle(
    (next: AudioLevels) => {
      levels = next;
      notifyLevels?.();
      for (const listener of levelListeners) listener(next);
    },
    levelsIntervalMs,
    clock,
  );
  // One listener on the session however many readers there are; dropped when the last one goes.
  let offLevels: (() => void) | null = null;
  let levelReaders = 0;
  const retainLevels = () => {
    // A destroyed binding never listens again, even if a stale effect still reads `levels`.
    if (destroyed) return () => undefined;
    levelReaders += 1;
    offLevels ??= session.on('levels', publishLevels);
    return () => {
      levelReaders -= 1;
      if (levelReaders > 0) return;
      offLevels?.();
      offLevels = null;
      publishLevels.cancel();
    };
  };
  const trackLevels = createSubscriber((update) => {
    notifyLevels = update;
    const release = retainLevels();
    return () => {
      notifyLevels = null;
      release();
    };
  });

  // The playhead moves without a snapshot change: while the agent speaks, readers of `heard()`
  // are woken every `heardIntervalMs`, and once more when the turn changes (playback ended).
  let stopPlayhead: (() => void) | null = null;
  const trackPlayhead = createSubscriber((update) => {
    let timer: unknown = null;
    let turn = session.getSnapshot().turn;
    const tick = () => {
      timer = null;
      update();
      schedule();
    };
    const schedule = () => {
      if (timer !== null || destroyed || session.getSnapshot().turn !== 'agent_speaking') return;
      timer = clock.setTimeout(tick, heardIntervalMs);
    };
    const off = session.subscribe(() => {
      const next = session.getSnapshot().turn;
      if (next !== turn) {
        turn = next;
        update();
      }
      schedule();
    });
    stopPlayhead = () => {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    };
    schedule();
    return () => {
      off();
      stopPlayhead?.();
      stopPlayhead = null;
    };
  });

  const unregisterAll = new Set<() => void>();
  const registerTool = (tool: ClientTool) => {
    const unregister = session.registerTool(tool);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      unregisterAll.delete(release);
      unregister();
    };
    unregisterAll.add(release);
    onComponentDestroy(release);
    return release;
  };
  for (const tool of tools) {
    const unregister = session.registerTool(tool);
    unregisterAll.add(unregister);
  }

  const destroy = () => {
    if (destroyed) return;
    destroyed = true;
    for (const unregister of [...unregisterAll]) unregister();
    unregisterAll.clear();
    levelListeners.clear();
    offLevels?.();
    offLevels = null;
    publishLevels.cancel();
    stopPlayhead?.();
    if (owned && disconnectOnDestroy) session.disconnect().catch(() => undefined);
  };
  onComponentDestroy(destroy);
  // A failed connect is state (`status: 'error'` with `error`), not an exception to bubble up.
  if (autoConnect) session.connect().catch(() => undefined);

  return {
    session,
    get snapshot() {
      trackSnapshot();
      return session.getSnapshot();
    },
    get status() {
      return fields.status();
    },
    get turn() {
      return fields.turn();
    },
    get items() {
      return fields.items();
    },
    get metrics() {
      return fields.metrics();
    },
    get usage() {
      return fields.usage();
    },
    get error() {
      return fields.error();
    },
    get muted() {
      return fields.muted();
    },
    get levels() {
      trackLevels();
      return levels;
    },
    heard(item: ConversationItem) {
      trackPlayhead();
      return heardSplit(item, session.playhead(item.id));
    },
    subscribe(run) {
      run(session.getSnapshot());
      let last = session.getSnapshot();
      return session.subscribe(() => {
        const next = session.getSnapshot();
        if (next === last) return;
        last = next;
        run(next);
      });
    },
    levelsStore: {
      subscribe(run) {
        run(levels);
        levelListeners.add(run);
        const release = retainLevels();
        return () => {
          levelListeners.delete(run);
          release();
        };
      },
    },
    connect: () => session.connect(),
    disconnect: () => session.disconnect(),
    sendText: (text: string) => session.sendText(text),
    interrupt: () => session.interrupt(),
    mute: (muted: boolean) => session.mute(muted),
    startPushToTalk: () => session.startPushToTalk(),
    stopPushToTalk: () => session.stopPushToTalk(),
    updateSession: (patch: SessionConfigPatch) => session.updateSession(patch),
    registerTool,
    destroy,
  };
}
