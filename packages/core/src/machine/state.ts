import {
  REALTIME_CAPABILITIES,
  type Dialect,
  type Json,
  type ProtocolFamily,
  type ResponseCreateParams,
  type SessionConfigPatch,
  type Tool,
} from '../protocol/index.js';
import type { FamilyRef, LiveState } from './live-state.js';
import type { ConversationItem, ModelPrice, VoiceSessionSnapshot } from '../types.js';
import { defaultPrices, zeroUsage } from './pricing.js';
import type { TextRope } from './text-rope.js';

/**
 * The MCP handlers as the state holds them: opaque here (the table, `McpHandlers` in
 * ./mcp-family.ts, names the transition, which must not point back at the state).
 */
export interface McpRef {
  readonly mcp: true;
}

/** Per-response fields the machine adds to its `response.create`s. */
export type ResponseFields = Pick<ResponseCreateParams, 'reasoning' | 'parallel_tool_calls'>;

/** Limits and policies the machine is built with (from the session options). */
export interface MachineConfig {
  readonly maxItems: number;
  readonly metricsHistory: number;
  readonly reconnectMaxAttempts: number;
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly idleTimeoutMs: number;
  readonly rolloverMarginMs: number;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  readonly unhandledToolCalls: 'server' | 'error' | 'auto';
}

/** One conversation item plus what the machine tracks about it beyond the public view. */
export interface ItemRecord {
  readonly view: ConversationItem;
  /** Message text or transcript, or a function call's arguments. */
  readonly text: TextRope;
  /** 24 kHz samples of assistant audio received. */
  readonly audioSamples: number;
  /** The server finished sending this item's audio. */
  readonly audioDone: boolean;
  /** A server event told where the item sits; until then it was created from a stray event. */
  readonly positioned: boolean;
}

/** Why a `response.create` is wanted. */
export type CreateReason = 'text' | 'commit' | 'tools';

/** What the machine knows of one response. */
export interface ResponseRecord {
  readonly id: string;
  readonly done: boolean;
  /** Final status from `response.done` (`in_progress` until then). */
  readonly status: string;
  /** A delta (audio, transcript or text) has arrived for it. */
  readonly hasOutput: boolean;
  /** Client function calls made in it, by call id. */
  readonly clientCalls: readonly string[];
  /** Metrics turn start (user stopped speaking) this response answers. */
  readonly turnStart: number | null;
  /** The one `response.create` after this response's tool outputs was queued. */
  readonly followedUp: boolean;
}

/** A client tool call being run. */
export interface RunningCall {
  readonly itemId: string;
  readonly responseId: string | null;
  readonly name: string;
  readonly startedAt: number;
  /** `'client'`: a registered tool runs it; `'server'`: the relay does. */
  readonly executor: 'client' | 'server';
}

/** The machine's whole state: the public snapshot plus bookkeeping. Never mutated. */
export interface MachineState {
  readonly config: MachineConfig;
  /** What `getSnapshot()` returns; replaced only when something in it changes. */
  readonly snapshot: VoiceSessionSnapshot;

  // ── connection ──
  /** The app wants to be connected (between `connect()` and `disconnect()`). */
  readonly wantConnected: boolean;
  /** The transport of the current attempt. */
  readonly link: 'none' | 'opening' | 'open';
  /** `session.created` arrived on this link. */
  readonly sessionCreated: boolean;
  /** The id of a `session.update` whose `session.updated` is awaited (audio waits for it). */
  readonly awaitingUpdate: string | null;
  /** Consecutive failed attempts since the last successful session. */
  readonly failures: number;
  /** A session was established since `connect()` (before that, fewer attempts are made). */
  readonly connectedOnce: boolean;
  /** A rollover to a fresh upstream session: due (waiting for a quiet moment) or under way. */
  readonly rollover: 'none' | 'due' | 'closing';
  /** Links opened so far (the first is 1); > 1 means the conversation must be restored. */
  readonly generation: number;
  readonly dialect: Dialect;
  /** The protocol family of the current connection (Realtime in `dialect`, or GPT-Live). */
  readonly protocol: ProtocolFamily;
  /** What the machine tracks of a GPT-Live session (unused on Realtime). */
  readonly live: LiveState | null;
  /** GPT-Live: the `session.start` configuration the app gave (history is added to it). */
  readonly liveStart: Json | null;
  /**
   * GPT-Live: `fork()` asked to continue a finished stored session: the next connection opens
   * its fork socket and starts with these overrides (no history: the fork inherits it). Cleared
   * once the forked session started.
   */
  readonly liveFork?: { readonly sessionId: string; readonly overrides: Json } | null;
  /** The handlers of a family with an adapter (GPT-Live), loaded by the session; else null. */
  readonly family: FamilyRef | null;
  /** The MCP handlers, loaded by the session with the first MCP event; else null. */
  readonly mcp: McpRef | null;
  readonly serverRunsTools: boolean;
  /** The server configures the session: no `session.update`, no history restore. */
  readonly managedSession: boolean;
  readonly idPrefix: string;
  readonly eventSeq: number;

  // ── configuration ──
  readonly desiredSession: SessionConfigPatch;
  /** Fields every `response.create` carries (reasoning, parallel tool calls), when the app set some. */
  readonly responseOptions: ResponseFields | null;
  readonly clientTools: readonly Tool[];
  /** From the effective session: VAD on, and its `create_response` / `interrupt_response`. */
  readonly vad: {
    readonly enabled: boolean;
    readonly createResponse: boolean;
    readonly interruptResponse: boolean;
  };
  /** Input transcription is on (user audio items then wait for their transcript). */
  readonly transcription: boolean;

  // ── conversation ──
  readonly records: readonly ItemRecord[];
  readonly index: ReadonlyMap<string, number>;
  readonly responses: ReadonlyMap<string, ResponseRecord>;
  readonly activeResponseId: string | null;
  /** Text the user sent while offline, still to be sent (managed sessions get no full restore). */
  readonly unsent: readonly string[];
  /** Recent out-of-band responses (`conversation: "none"`), whose events stay out of the items. */
  readonly outOfBand: readonly string[];
  readonly createInFlight: { readonly eventId: string; readonly reason: CreateReason } | null;
  readonly queuedCreate: CreateReason | null;
  /** Our last `response.create` that a `response.created` answered (it may yet be rejected). */
  readonly recentCreate: { readonly eventId: string; readonly reason: CreateReason } | null;
  /** `interrupt()` came while our `response.create` was in flight: cancel it once it starts. */
  readonly cancelOnCreated: boolean;
  readonly userSpeaking: boolean;
  /** The user's turn ended and the server will answer on its own (VAD `create_response`). */
  readonly awaitingResponse: boolean;
  /** Assistant audio that is (or may still be) audible. */
  readonly playback: {
    readonly itemId: string | null;
    readonly responseId: string | null;
    /** When the server said it started playing (WebRTC `output_audio_buffer.started`). */
    readonly startedAt?: number;
  } | null;
  /**
   * The open transport carries the audio as media (WebRTC): the server plays the reply, sends
   * `output_audio_buffer.*` and truncates on barge-in; no audio events cross the transport.
   */
  readonly mediaAudio: boolean;
  /** The transport that opened last, shown on the snapshot once its session is connected. */
  readonly openTransport: {
    readonly transport: 'websocket' | 'webrtc';
    readonly fallbackReason: string | null;
  } | null;
  /** Characters of transcript per milliseconds of audio heard in full over media (a rate estimate). */
  readonly spokenRate: { readonly chars: number; readonly ms: number };
  /** The last `playbackIdle` the audio port reported. */
  readonly lastIdle: { readonly itemId: string; readonly playedSamples: number } | null;
  /** A response cut off by a barge-in: its late audio deltas are not played. */
  readonly silencedResponseId: string | null;
  /** A barge-in waiting for `playback_flushed`: which item to truncate. */
  readonly bargeIn: { readonly itemId: string | null } | null;
  readonly runningCalls: ReadonlyMap<string, RunningCall>;

  // ── metrics and limits ──
  /** When the user last stopped speaking (or sent text), for the next turn's metrics. */
  readonly turnStart: number | null;
  readonly latencySums: {
    readonly play: number;
    readonly playCount: number;
    readonly audio: number;
    readonly audioCount: number;
  };
  readonly lastActivityAt: number;
}

/** Fills in the defaults of a machine configuration. */
export function machineConfig(partial: Partial<MachineConfig> = {}): MachineConfig {
  return {
    maxItems: partial.maxItems ?? 1000,
    metricsHistory: partial.metricsHistory ?? 50,
    reconnectMaxAttempts: partial.reconnectMaxAttempts ?? 6,
    reconnectBaseDelayMs: partial.reconnectBaseDelayMs ?? 500,
    reconnectMaxDelayMs: partial.reconnectMaxDelayMs ?? 15_000,
    idleTimeoutMs: partial.idleTimeoutMs ?? 0,
    rolloverMarginMs: partial.rolloverMarginMs ?? 60_000,
    prices: { ...defaultPrices, ...(partial.prices ?? {}) },
    unhandledToolCalls: partial.unhandledToolCalls ?? 'auto',
  };
}

/** The snapshot of a session that never connected. */
export function initialSnapshot(muted = false): VoiceSessionSnapshot {
  return {
    status: 'idle',
    turn: 'listening',
    items: [],
    error: null,
    usage: {
      responses: 0,
      total: zeroUsage,
      lastResponse: null,
      costUsd: null,
      model: null,
      transcription: { tokens: 0, seconds: 0 },
    },
    metrics: {
      turns: [],
      turnCount: 0,
      meanTimeToFirstPlayMs: null,
      meanTimeToFirstAudioMs: null,
    },
    muted,
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
      droppedAudioFrames: 0,
    },
    capabilities: REALTIME_CAPABILITIES['realtime-ga'],
    transport: null,
    transportFallbackReason: null,
  };
}

/** A fresh machine state. */
export function initialState(
  options: {
    config?: Partial<MachineConfig>;
    session?: SessionConfigPatch;
    tools?: readonly Tool[];
    muted?: boolean;
    /** GPT-Live: the `session.start` configuration (model, instructions, voice, delegation). */
    liveSession?: Json | undefined;
    responseOptions?: ResponseFields | undefined;
  } = {},
): MachineState {
  return {
    config: machineConfig(options.config),
    snapshot: initialSnapshot(options.muted),
    wantConnected: false,
    link: 'none',
    sessionCreated: false,
    awaitingUpdate: null,
    failures: 0,
    connectedOnce: false,
    rollover: 'none',
    generation: 0,
    dialect: 'ga',
    protocol: 'realtime-ga',
    live: null,
    liveStart: options.liveSession ?? null,
    family: null,
    mcp: null,
    serverRunsTools: false,
    managedSession: false,
    idPrefix: 'evt_',
    eventSeq: 0,
    desiredSession: options.session ?? {},
    responseOptions: options.responseOptions ?? null,
    clientTools: options.tools ?? [],
    vad: { enabled: true, createResponse: true, interruptResponse: true },
    transcription: false,
    records: [],
    index: new Map(),
    responses: new Map(),
    activeResponseId: null,
    unsent: [],
    outOfBand: [],
    createInFlight: null,
    queuedCreate: null,
    recentCreate: null,
    cancelOnCreated: false,
    userSpeaking: false,
    awaitingResponse: false,
    playback: null,
    mediaAudio: false,
    openTransport: null,
    spokenRate: { chars: 0, ms: 0 },
    lastIdle: null,
    silencedResponseId: null,
    bargeIn: null,
    runningCalls: new Map(),
    turnStart: null,
    latencySums: { play: 0, playCount: 0, audio: 0, audioCount: 0 },
    lastActivityAt: 0,
  };
}
