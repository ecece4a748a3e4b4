// Reactive Svelte 5 view of a core VoiceSession. Plain TypeScript on purpose (no runes): the
// reactivity comes from `createSubscriber`, so this module works compiled by tsc, by the Svelte
// compiler (the `.svelte.js` name lets vite-plugin-svelte treat it as a runes module), or neither.
import {
  NOTIFY_INTERVAL_MS,
  createVoiceSession as createCoreVoiceSession,
  silentAudioLevels,
  systemClock,
} from '@parley/core';
import type {
  AudioLevels,
  Clock,
  ConversationItem,
  HeardSplit,
  SessionConfigPatch,
  VoiceSession,
  VoiceSessionOptions,
  VoiceSessionSnapshot,
} from '@parley/core';
import { createToolRegistry, onComponentDestroy } from './client-tools.js';
import type { ClientTool } from './client-tools.js';
import { Lifetime } from './containers.js';
import { createSessionView } from './session-view.js';

export type { ClientTool } from './client-tools.js';

/** Options of the Svelte binding itself, on top of core's session options. */
export interface SvelteVoiceSessionOptions {
  /** Client tools registered for the life of the session (add more with `registerTool`). */
  tools?: readonly ClientTool[];
  /**
   * Minimum milliseconds between two updates of `levels` (default core's `NOTIFY_INTERVAL_MS`,
   * 50, i.e. 20 updates a second). Levels arrive every few milliseconds; a meter needs far fewer.
   */
  levelsIntervalMs?: number;
  /**
   * Milliseconds between two reads of the audio playhead while an item's audio plays (default
   * `NOTIFY_INTERVAL_MS`, 50), for {@link SvelteVoiceSession.heard}. A word lasts about 300 ms.
   */
  heardIntervalMs?: number;
  /** Clock for the levels and playhead ticks; defaults to the session's clock, else the system clock. */
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

/** Silence: what `levels` reads before the audio port reports anything (core's `silentAudioLevels`). */
export const silentLevels: AudioLevels = silentAudioLevels;

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
  /**
   * What the session's protocol can do (who owns turn-taking, whether push-to-talk, replies on
   * demand and truncation exist, token or per-second billing): hide the controls it cannot carry.
   */
  readonly capabilities: VoiceSessionSnapshot['capabilities'];
  /** Input and output levels, throttled to `levelsIntervalMs`; tracked separately from the snapshot. */
  readonly levels: AudioLevels;
  /**
   * The part of an item's text the listener has heard and the part not heard: not yet (the
   * transcript streams ahead of the audio) or never (`cut`: the agent was interrupted). Core's
   * `heardSplit(item, session.playhead(item.id))`, reactive: the playhead is re-read every
   * `heardIntervalMs` while the item's audio plays, and at once when the session changes.
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
  /** GPT-Live: appends instructions, silent thinking or commentary to speak (`capabilities.appendContext`). */
  appendContext: VoiceSession['appendContext'];
  /** GPT-Live: continues the conversation in a fork of the session (`capabilities.fork`). */
  fork: VoiceSession['fork'];
  /**
   * Registers a client tool and returns its unregister function. Called during component
   * initialisation, the tool is unregistered when that component is destroyed.
   */
  registerTool(tool: ClientTool): () => void;
  /** Unregisters the binding's tools and listeners, and disconnects a session the binding built. */
  destroy(): void;
}

/**
 * Creates a voice session with reactive getters. Called in a component's `<script>`, it is torn
 * down with the component; elsewhere, call `destroy()` yourself.
 *
 * @example
 * ```svelte
 * <script lang="ts">
 *   import { createVoiceSession } from '@parley/svelte';
 *   import { parleyServerCredentials } from '@parley/core';
 *   import { createAudioPort } from '@parley/audio-worklets';
 *
 *   // No `transport`: WebRTC where the browser has it, else WebSocket ('websocket' forces it).
 *   const voice = createVoiceSession({
 *     credentials: parleyServerCredentials({ baseUrl: '', agentId: 'support' }),
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
    levelsIntervalMs = NOTIFY_INTERVAL_MS,
    heardIntervalMs = NOTIFY_INTERVAL_MS,
    clock: clockOption,
    disconnectOnDestroy = true,
    autoConnect = false,
    voiceSession: given,
    ...coreOptions
  } = options;
  const owned = given === undefined;
  const session: VoiceSession = given ?? createCoreVoiceSession(coreOptions as VoiceSessionOptions);
  const clock = clockOption ?? (coreOptions as { clock?: Clock }).clock ?? systemClock;
  // Everything the binding subscribes to or registers ends with this lifetime (destroy()).
  const lifetime = new Lifetime();
  const view = createSessionView(session, { clock, levelsIntervalMs, heardIntervalMs }, lifetime);
  const registerTool = createToolRegistry(session, tools, lifetime);
  const destroy = (): void => {
    if (lifetime.ended) return;
    lifetime.end();
    if (owned && disconnectOnDestroy) session.disconnect().catch(() => undefined);
  };
  onComponentDestroy(destroy);
  // A failed connect is state (`status: 'error'` with `error`), not an exception to bubble up.
  if (autoConnect) session.connect().catch(() => undefined);
  const { fields } = view;

  return {
    session,
    get snapshot() {
      return view.snapshot.current;
    },
    get status() {
      return fields.status.current;
    },
    get turn() {
      return fields.turn.current;
    },
    get items() {
      return fields.items.current;
    },
    get metrics() {
      return fields.metrics.current;
    },
    get usage() {
      return fields.usage.current;
    },
    get error() {
      return fields.error.current;
    },
    get muted() {
      return fields.muted.current;
    },
    get capabilities() {
      return fields.capabilities.current;
    },
    get levels() {
      return view.levels.current;
    },
    heard: (item: ConversationItem): HeardSplit => view.heard(item),
    subscribe: (run: (snapshot: VoiceSessionSnapshot) => void) => view.snapshotStore.subscribe(run),
    levelsStore: view.levelsStore,
    connect: () => session.connect(),
    disconnect: () => session.disconnect(),
    sendText: (text: string) => session.sendText(text),
    interrupt: () => session.interrupt(),
    mute: (muted: boolean) => session.mute(muted),
    startPushToTalk: () => session.startPushToTalk(),
    stopPushToTalk: () => session.stopPushToTalk(),
    updateSession: (patch: SessionConfigPatch) => session.updateSession(patch),
    appendContext: (...args: Parameters<VoiceSession['appendContext']>) =>
      session.appendContext(...args),
    fork: (...args: Parameters<VoiceSession['fork']>) => session.fork(...args),
    registerTool,
    destroy,
  };
}
