/**
 * The public types of a {@link VoiceSession}: what apps call (the commands), what they pass in (the
 * options) and the high-rate events. The data these name (the snapshot, items, usage) is the
 * vocabulary in `../types.ts`, one layer down, so the machine can use it without importing this.
 */
import type { ParleyError } from '../errors.js';
import type { ItemPlayhead } from '../machine/heard.js';
import type {
  Dialect,
  LiveForkSessionConfig,
  LiveSessionConfig,
  ResponseCreateParams,
  SessionConfigPatch,
} from '../protocol/index.js';
import type { AudioLevels, AudioPort, Clock, CredentialsProvider, Transport } from '../ports.js';
import type { TransportChoice } from '../transport/transport-choice.js';
import type {
  ConversationItem,
  McpApprovalRequestItem,
  ModelPrice,
  ToolDefinition,
  VoiceSessionSnapshot,
} from '../types.js';

/** Per-response fields the session adds to each `response.create` (see `responseOptions`). */
export type ResponseOptions = Pick<ResponseCreateParams, 'reasoning' | 'parallel_tool_calls'>;

/** An answer to an MCP approval request, with a reason the model is told. */
export interface McpApprovalAnswer {
  readonly approve: boolean;
  readonly reason?: string;
}

/**
 * Decides whether the server may run an MCP call that needs approval (`require_approval`). It may
 * be async (ask the user). Throwing, rejecting or an answer of another shape refuses the call.
 */
export type McpApprovalHandler = (
  request: McpApprovalRequestItem,
) => boolean | McpApprovalAnswer | Promise<boolean | McpApprovalAnswer>;

/** Reconnect policy: exponential backoff with full jitter. */
export interface ReconnectOptions {
  /** Attempts before giving up (`status: 'error'`); default 6. 0 turns reconnecting off. */
  readonly maxAttempts?: number;
  /** First delay in ms; default 500. */
  readonly baseDelayMs?: number;
  /** Longest delay in ms; default 15 000. */
  readonly maxDelayMs?: number;
}

/** Options of `createVoiceSession`. Every port is injected: the session builds none itself. */
export interface VoiceSessionOptions {
  /** Called on every connect and reconnect for a URL and fresh credentials. */
  readonly credentials: CredentialsProvider;
  /**
   * The transport: a port (`createWebSocketTransport()`, `createTransport('auto', options)`, a
   * fake in tests), or a choice built with default options: `'websocket'` (audio as events
   * through the relay), `'webrtc'` (audio as media; needs credentials with a WebRTC endpoint) or
   * `'auto'` (WebRTC where the browser and the server offer it, else WebSocket; the snapshot's
   * `transport` and `transportFallbackReason` say which and why). Default `'auto'`; pass
   * `'websocket'` to always use the relay.
   */
  readonly transport?: Transport | TransportChoice;
  /** Microphone and speaker (e.g. `createAudioPort()` from `@parley/audio-worklets`). Omit for text only. */
  readonly audio?: AudioPort;
  /** Time and timers; defaults to `performance.now()`, `Date.now()` and global timers. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for reconnect jitter; defaults to `Math.random`. */
  readonly random?: () => number;
  /** Session configuration sent on connect and re-sent on every reconnect. */
  readonly session?: SessionConfigPatch;
  /** Tools registered from the start (more can be added with `registerTool`). */
  readonly tools?: readonly ToolDefinition<never, unknown>[];
  /**
   * Fields sent with every `response.create` the session makes (GA only, and not on a session the
   * server configures, whose agent fixes them): a reasoning model's effort and whether it may
   * call tools in parallel, when the app wants them per response rather than in `session`.
   */
  readonly responseOptions?: ResponseOptions;
  /**
   * Decides MCP approval requests as they come (see {@link VoiceSession.onMcpApproval}). Without
   * one, a request stays `decision: 'pending'` in the snapshot until `answerMcpApproval`.
   */
  readonly onMcpApproval?: McpApprovalHandler;
  /** Default per-call tool time limit in ms; default 15 000. */
  readonly toolTimeoutMs?: number;
  /**
   * What to do with a call to a tool no one registered here: `'server'` waits for the server
   * (the Parley relay runs its own tools); `'error'` answers with an `unknown_tool` error.
   * Default: `'server'` when the credentials say the relay runs tools, else `'error'`.
   */
  readonly unhandledToolCalls?: 'server' | 'error';
  readonly reconnect?: ReconnectOptions;
  /** Close the session after this long with no speech, text or response (ms); default 0 (off). */
  readonly idleTimeoutMs?: number;
  /** Roll over to a fresh upstream session this long before its `expires_at` (ms); default 60 000. */
  readonly rolloverMarginMs?: number;
  /** Override or extend the per-model price table (keys: model names or prefixes). */
  readonly prices?: Readonly<Record<string, ModelPrice>>;
  /** Most items kept in `snapshot.items` (oldest dropped first); default 1000. */
  readonly maxItems?: number;
  /** Most turns kept in `snapshot.metrics.turns`; default 50. */
  readonly metricsHistory?: number;
  /** Wire dialect when the credentials do not say; default `'ga'`. */
  readonly dialect?: Dialect;
  /**
   * GPT-Live: the `session.start` configuration (model, instructions, voice, delegation) sent when
   * the credentials say `protocol: 'live'` and the server does not start the session itself.
   * The conversation so far is added as its `input` on a reconnect.
   */
  readonly liveSession?: LiveSessionConfig;
  /** Called when a listener throws or an internal effect fails; default `console.error`. */
  readonly onInternalError?: (error: unknown) => void;
}

/** A GPT-Live context channel: behaviour, silent context, or content to say. */
export type LiveContextChannel = 'instructions' | 'thinking' | 'commentary';

/** Options of {@link VoiceSession.appendContext}. */
export interface AppendContextOptions {
  /** The client delegation this answers (`session.delegation.created`'s id); default null. */
  readonly delegationId?: string | null;
}

/** High-rate events, kept out of the snapshot. Subscribe with `session.on(name, listener)`. */
export interface VoiceSessionEvents {
  /** Input and output levels from the AudioPort (for visualizers). */
  levels: (levels: AudioLevels) => void;
  /** A chunk of assistant audio (24 kHz PCM16) as it arrives. */
  audio: (chunk: { itemId: string; pcm16: Int16Array }) => void;
  /** Every server event, normalized to GA (unknown events as `{ type, unknown: true, raw }`). */
  serverEvent: (event: { type: string; [key: string]: unknown }) => void;
  /** Every client event sent, in GA form, before dialect translation. */
  clientEvent: (event: { type: string; [key: string]: unknown }) => void;
  /** A server error that is not benign, a protocol error, or a transport failure. */
  error: (error: ParleyError) => void;
  /** Something recoverable: a benign server error, a malformed event, a dropped frame. */
  warning: (warning: { code: string; message: string }) => void;
  /** An item reached its final state (a message completed, a tool call got its output). */
  item: (item: ConversationItem) => void;
}

/** A live voice conversation. Create with `createVoiceSession(options)`. */
export interface VoiceSession {
  /** Fetches credentials, opens the transport and the audio port; resolves once connected. */
  connect(): Promise<void>;
  /** Closes the transport and the audio port; no reconnect follows. */
  disconnect(): Promise<void>;
  /** Adds a user text message and asks for a response (sequenced after any active one). */
  sendText(text: string): void;
  /** Appends microphone audio (24 kHz PCM16) yourself, when no AudioPort is used. */
  sendAudio(pcm16: Int16Array): void;
  /** Commits the input audio buffer and asks for a response (manual turns). */
  commitAudio(): void;
  /** Starts a push-to-talk turn: interrupts the agent, clears the input buffer, sends audio. */
  startPushToTalk(): void;
  /** Ends the push-to-talk turn: commits and, with turn detection off, asks for a response. */
  stopPushToTalk(): void;
  /** Stops the agent now: flushes playback, cancels the response, truncates at what was heard. */
  interrupt(): void;
  /** Mutes or unmutes the microphone (works before connecting too). */
  mute(muted: boolean): void;
  /** Patches the session configuration; kept and re-sent on reconnect. */
  updateSession(patch: SessionConfigPatch): void;
  /**
   * GPT-Live: adds context on one of the model's channels, sent now (connected sessions only):
   * `'instructions'` steers behaviour (trusted; may interrupt speech), `'thinking'` is silent
   * context, `'commentary'` is content the model says in its own words. `delegationId` answers a
   * client delegation (`session.delegation.created`); null or omitted for session-wide context.
   * Long content is split at the per-append limit. Throws `ParleyError` `'unsupported'` where
   * `snapshot.capabilities.appendContext` is not true, or when a relay manages the session.
   */
  appendContext(channel: LiveContextChannel, content: string, options?: AppendContextOptions): void;
  /**
   * GPT-Live: continues this session's conversation in a new session forked from it (the source
   * needs `store: true`; the current session is closed first). The fork inherits model, voice,
   * instructions and the conversation; `overrides` may change `store`, `audio.format` and the
   * Responses delegation settings. Resolves once the forked session started; rejects with the
   * server's error when the fork is refused. Throws `'unsupported'` where
   * `snapshot.capabilities.fork` is not true, before a session has started, or through a relay.
   */
  fork(overrides?: LiveForkSessionConfig): Promise<void>;
  /** Registers a client tool; returns a function that unregisters it. */
  registerTool<Args, Result>(tool: ToolDefinition<Args, Result>): () => void;
  /**
   * Sets the handler that decides MCP approval requests (replacing any other); returns a function
   * that removes it. Requests that came before it stay pending for `answerMcpApproval`.
   */
  onMcpApproval(handler: McpApprovalHandler): () => void;
  /**
   * Answers a pending MCP approval request (an `mcp_approval_request` item of the snapshot): sends
   * the `mcp_approval_response` and asks for the response that goes on. An unknown or already
   * answered request, or no connection, only emits a `warning`.
   */
  answerMcpApproval(requestId: string, approve: boolean, reason?: string): void;
  /** Calls `listener` after every snapshot change; returns unsubscribe. Bound, so it can be passed as is. */
  subscribe(listener: () => void): () => void;
  /** The current snapshot: the same object until something changes. Bound. */
  getSnapshot(): VoiceSessionSnapshot;
  /** Listens to a high-rate event; returns a function that removes the listener. */
  on<K extends keyof VoiceSessionEvents>(event: K, listener: VoiceSessionEvents[K]): () => void;
  /**
   * Audio heard and received of an assistant item (null when it has none), for `heardSplit`.
   * Outside the snapshot (it moves every audio frame): read it per animation frame.
   */
  playhead(itemId: string): ItemPlayhead | null;
}
