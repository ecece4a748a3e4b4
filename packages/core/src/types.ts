/**
 * The vocabulary of Parley: the plain data the machine produces and every layer above it reads (the
 * conversation items, usage and cost, metrics, diagnostics, the snapshot a UI renders) and the
 * shape of a tool. It sits at the bottom of core, below the protocol, the machine and the session,
 * and imports nothing of ours but the error type, so each layer can name these types without
 * pointing up (the lint's layer rules enforce it). Plain data only: React's `useSyncExternalStore`,
 * Svelte's `createSubscriber` or any other store can hold it as is.
 */
import type { z } from 'zod';
import type { ParleyError } from './errors.js';

/** Connection status of a session. */
export type VoiceSessionStatus =
  /** Created, never connected (or disconnected by the app). */
  | 'idle'
  /** Fetching credentials, opening the socket, waiting for `session.created`. */
  | 'connecting'
  /** The socket is open and the session is configured. */
  | 'connected'
  /** The socket dropped (or the session is rolling over); a new one is being opened. */
  | 'reconnecting'
  /** Closed for good: by the app, by the idle timeout, or after reconnect attempts ran out. */
  | 'closed'
  /** A failure the session cannot recover from on its own; `snapshot.error` says which. */
  | 'error';

/** Whose turn it is, as a product engineer would draw it. */
export type TurnState =
  /** Nobody is speaking and nothing is being generated. */
  | 'listening'
  /** The server's voice activity detection (or push-to-talk) says the user is talking. */
  | 'user_speaking'
  /** The user finished; a response (or a tool call) is under way but nothing is audible yet. */
  | 'thinking'
  /** The agent's answer is streaming or its audio is still playing. */
  | 'agent_speaking';

/** Lifecycle of a conversation item, as the server reports it. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** A user, assistant or system message, with its transcript streaming in. */
export interface MessageItem {
  readonly type: 'message';
  /** Server item id (`item_…`) or the client id it was created with. */
  readonly id: string;
  readonly role: 'user' | 'assistant' | 'system';
  readonly status: ItemStatus;
  /** Whether the message was spoken (`'audio'`: `text` is its transcript) or typed (`'text'`). */
  readonly modality: 'audio' | 'text';
  /** What was said or typed so far: the streaming transcript or text. Empty until it arrives. */
  readonly text: string;
  /** True while deltas are still arriving for `text`. */
  readonly streaming: boolean;
  /** True when the assistant was cut off (barge-in, `interrupt()`, or a cancelled response). */
  readonly interrupted: boolean;
  /**
   * For an interrupted assistant audio message: the part of `text` the user heard, estimated from
   * the truncation point (`audioEndMs`) over the item's audio length, cut at a word boundary.
   * `null` when the item was not interrupted or has no audio.
   */
  readonly heardText: string | null;
  /** Milliseconds of the item's audio the user heard, when it was truncated; else `null`. */
  readonly audioEndMs: number | null;
  /** Milliseconds of assistant audio received for this item (0 for user and text items). */
  readonly audioMs: number;
  /** For user audio: the input transcription failed (the server's error message). */
  readonly transcriptionError: string | null;
  /** The response that produced this item (assistant items only). */
  readonly responseId: string | null;
  /** Wall-clock ms (epoch) when the client first saw this item. */
  readonly createdAt: number;
}

/** Lifecycle of a function call from the client's point of view. */
export type FunctionCallStatus =
  /** Arguments are streaming in. */
  | 'streaming'
  /** A client tool is running. */
  | 'running'
  /** Waiting for the server (the Parley relay) to run the tool and add its output. */
  | 'awaiting_server'
  /** The output was produced (by the client tool or the server). */
  | 'completed'
  /** The tool threw, timed out, got invalid arguments, or is unknown; `error` says which. */
  | 'failed'
  /** The response was cancelled before the call completed; it will not run. */
  | 'cancelled';

/** Why a tool call failed. The same value is sent to the model as the call's output. */
export interface ToolCallError {
  /** `invalid_arguments`: JSON or schema mismatch; `timeout`; `execution_error`: the tool threw; `unknown_tool`. */
  readonly code: 'invalid_arguments' | 'timeout' | 'execution_error' | 'unknown_tool';
  readonly message: string;
  /** Schema issues for `invalid_arguments` (path and message), else empty. */
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

/** A function (tool) call the model made, with its output once there is one. */
export interface FunctionCallItem {
  readonly type: 'function_call';
  readonly id: string;
  /** The model's `call_id`, which the output refers to. */
  readonly callId: string;
  readonly name: string;
  /** The JSON arguments as the model wrote them (streams in). */
  readonly arguments: string;
  readonly status: FunctionCallStatus;
  /**
   * `'client'` when a tool registered on this session runs it, `'server'` when the relay does or,
   * for a GPT-Live backend's hosted tool (`web_search`, named without `_call`), the service.
   */
  readonly executor: 'client' | 'server';
  /** The output sent to (or received from) the model, a string as the protocol carries it. */
  readonly output: string | null;
  readonly error: ToolCallError | null;
  /** How long the tool took, in whole ms (client tools: start to result; relay tools: call to output). */
  readonly durationMs: number | null;
  readonly responseId: string | null;
  readonly createdAt: number;
}

/** A tool an MCP server offers, as its listing reports it. */
export interface McpListedTool {
  readonly name: string;
  readonly description: string | null;
  /** The tool's JSON Schema for its arguments, as the server gave it. */
  readonly inputSchema: unknown;
}

/**
 * The tools of a remote MCP server the session was given (`tools: [{ type: 'mcp', … }]`): the
 * server (OpenAI, or the emulator) lists them when the session gets the server.
 */
export interface McpListToolsItem {
  readonly type: 'mcp_list_tools';
  readonly id: string;
  /** The `server_label` of the MCP tool in the session config. */
  readonly serverLabel: string;
  /** `in_progress` while listing; `failed` when the server could not be reached or refused. */
  readonly status: 'in_progress' | 'completed' | 'failed';
  readonly tools: readonly McpListedTool[];
  /** Listings belong to the session, not to a response: always `null`. */
  readonly responseId: null;
  readonly createdAt: number;
}

/** Lifecycle of a call the model made on a remote MCP server (the server runs it, not the client). */
export type McpCallStatus =
  /** Arguments are streaming in. */
  | 'streaming'
  /** The server is calling the MCP server. */
  | 'running'
  | 'completed'
  /** The MCP server answered with an error, or could not be called; `error` says which. */
  | 'failed'
  /** The response ended before the call finished. */
  | 'cancelled';

/** Why an MCP call failed, as the server reports it (`protocol_error`, `tool_execution_error`, `http_error`). */
export interface McpCallError {
  readonly type: string;
  readonly message: string;
  /** The JSON-RPC or HTTP code, when there is one. */
  readonly code: number | null;
}

/** A call of a tool on a remote MCP server, run by the server (OpenAI) with its output. */
export interface McpCallItem {
  readonly type: 'mcp_call';
  readonly id: string;
  readonly serverLabel: string;
  readonly name: string;
  /** The JSON arguments as the model wrote them (streams in). */
  readonly arguments: string;
  readonly status: McpCallStatus;
  readonly output: string | null;
  readonly error: McpCallError | null;
  /** The approval request this call ran under, when one was needed. */
  readonly approvalRequestId: string | null;
  readonly responseId: string | null;
  readonly createdAt: number;
}

/** What was decided about an MCP approval request. */
export type McpApprovalDecision = 'pending' | 'approved' | 'denied';

/**
 * The model wants to call an MCP tool whose server requires approval (`require_approval`). The
 * call runs only after an approving answer (`session.answerMcpApproval` or the handler given
 * with `onMcpApproval`).
 */
export interface McpApprovalRequestItem {
  readonly type: 'mcp_approval_request';
  readonly id: string;
  readonly serverLabel: string;
  readonly name: string;
  readonly arguments: string;
  readonly decision: McpApprovalDecision;
  /** The reason given with the answer, if any. */
  readonly reason: string | null;
  readonly responseId: string | null;
  readonly createdAt: number;
}

/** The items of remote MCP servers: listings, calls and approval requests. */
export type McpItem = McpListToolsItem | McpCallItem | McpApprovalRequestItem;

/** One entry of the conversation, in order. */
export type ConversationItem = MessageItem | FunctionCallItem | McpItem;

/** Token counts of one response (or summed over many), from `response.done.response.usage`. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly inputTextTokens: number;
  readonly inputAudioTokens: number;
  readonly inputImageTokens: number;
  readonly cachedTextTokens: number;
  readonly cachedAudioTokens: number;
  readonly cachedImageTokens: number;
  readonly outputTextTokens: number;
  readonly outputAudioTokens: number;
}

/** Usage and cost so far. */
export interface UsageSummary {
  /** Responses that reported usage (including cancelled ones, which are billed too). */
  readonly responses: number;
  readonly total: TokenUsage;
  /** The most recent response's usage, `null` before the first `response.done`. */
  readonly lastResponse: TokenUsage | null;
  /** Cost in USD from the price table for `model`; `null` when the model has no price entry. */
  readonly costUsd: number | null;
  /** The model the cost was priced for. */
  readonly model: string | null;
  /** Input transcription usage (billed separately at the ASR model's price; not in `costUsd`). */
  readonly transcription: { readonly tokens: number; readonly seconds: number };
  /**
   * How the voice is billed: `'tokens'` (Realtime, per response) or `'seconds'` (GPT-Live, per
   * second of session). Absent means tokens (snapshots written before GPT-Live).
   */
  readonly billing?: 'tokens' | 'seconds';
  /** Billed seconds of voice session so far (per-second protocols), across reconnects. */
  readonly seconds?: number;
  /** How full the model's context window is, 0–1, when the protocol reports it. */
  readonly contextUsageRatio?: number | null;
}

/** Latency of one turn: from the end of the user's speech to the agent being heard. */
export interface TurnMetrics {
  /** The response this turn's answer came from. */
  readonly responseId: string;
  /** Monotonic ms when the user stopped speaking (VAD stop, push-to-talk release, text sent). */
  readonly userStoppedAt: number | null;
  /** Monotonic ms of the first assistant audio (or, without audio, text) received. */
  readonly firstAudioReceivedAt: number | null;
  /** Monotonic ms the first sample was played by the AudioPort (or the WebRTC buffer started). */
  readonly firstAudioPlayedAt: number | null;
  /** `firstAudioReceivedAt - userStoppedAt` in whole ms, when both are known. */
  readonly timeToFirstAudioMs: number | null;
  /** `firstAudioPlayedAt - userStoppedAt` in whole ms: what the user waited, when both are known. */
  readonly timeToFirstPlayMs: number | null;
  /** Tool calls made during this turn, with their durations. */
  readonly tools: readonly { readonly name: string; readonly durationMs: number | null }[];
  /** This response's token usage, once `response.done` reported it. */
  readonly usage: TokenUsage | null;
  /** This response's cost in USD (`null` until known, or when the model has no price). */
  readonly costUsd: number | null;
}

/** Metrics kept in the snapshot; bounded to the most recent turns so memory stays flat. */
export interface SessionMetrics {
  /** The most recent turns, oldest first (at most `metricsHistory`, default 50). */
  readonly turns: readonly TurnMetrics[];
  /** Turns measured since the session was created (including those no longer in `turns`). */
  readonly turnCount: number;
  /** Mean of `timeToFirstPlayMs` over every measured turn, `null` before the first. */
  readonly meanTimeToFirstPlayMs: number | null;
  /** Mean of `timeToFirstAudioMs` over every measured turn, `null` before the first. */
  readonly meanTimeToFirstAudioMs: number | null;
}

/** Counters for what went wrong quietly. None of these are failures. */
export interface SessionDiagnostics {
  /** Benign server error codes (races such as `response_cancel_not_active`), by code. */
  readonly benignErrors: Readonly<Record<string, number>>;
  /** Server events that could not be parsed (kept out of the state, counted here). */
  readonly malformedEvents: number;
  /** Server events of a type this version does not know (passed through as raw). */
  readonly unknownEvents: number;
  /** Reconnects performed (drops and rollovers). */
  readonly reconnects: number;
  /** Planned rollovers to a fresh upstream session before its cap. */
  readonly rollovers: number;
  /** Listener callbacks that threw (the session carried on). */
  readonly listenerErrors: number;
  /**
   * Microphone frames the transport dropped (oldest first) because the uplink was too slow.
   * Always set by the session; optional in the type so that snapshots written before it existed
   * (test doubles in the bindings) still type-check.
   */
  readonly droppedAudioFrames?: number;
}

/** The protocol families Parley speaks. */
export type ProtocolFamily = 'realtime-ga' | 'realtime-beta' | 'live';

/** What a protocol can do, so that commands it cannot carry are refused up front. */
export interface ProtocolCapabilities {
  readonly family: ProtocolFamily;
  /**
   * Who decides when the agent speaks: the client (commit + `response.create`), the server's voice
   * activity detection (Realtime with `turn_detection`), or the model itself (GPT-Live).
   */
  readonly turnTaking: 'client_or_server_vad' | 'model';
  /** The client can ask for a spoken reply (`response.create`). */
  readonly createResponse: boolean;
  /** The client can cancel a spoken reply (`response.cancel`, `interrupt()`). */
  readonly cancelResponse: boolean;
  /** The client can cut the model's memory of a reply at what was heard (`item.truncate`). */
  readonly truncate: boolean;
  /** The client can commit the input buffer (push-to-talk, `commitAudio()`). */
  readonly commitAudio: boolean;
  /** The session config can change after start (beyond Live's delegation settings). */
  readonly updateSession: boolean;
  /**
   * The client can add context mid-session on the protocol's own channels (`appendContext()`:
   * GPT-Live's `session.instructions/thinking/commentary.append`). Absent means false.
   */
  readonly appendContext?: boolean;
  /** A finished stored session can be continued in a new one (`fork()`: GPT-Live). Absent means false. */
  readonly fork?: boolean;
  /** How the voice is billed: tokens per response, or seconds of session. */
  readonly billing: 'tokens' | 'seconds';
  /** Transports the API offers for it. */
  readonly transports: readonly ('websocket' | 'webrtc' | 'sip')[];
}

/** Everything a UI renders. The same object until something in it changes. */
export interface VoiceSessionSnapshot {
  readonly status: VoiceSessionStatus;
  readonly turn: TurnState;
  /** The conversation, in order. */
  readonly items: readonly ConversationItem[];
  /** The error that put the session in `status: 'error'` (or the last non-benign server error). */
  readonly error: ParleyError | null;
  readonly usage: UsageSummary;
  readonly metrics: SessionMetrics;
  /** The microphone is muted (frames are not sent). Can be set before connecting. */
  readonly muted: boolean;
  /** Push-to-talk is held. */
  readonly pushToTalk: boolean;
  /** The upstream session id (`sess_…`), once known. */
  readonly sessionId: string | null;
  /** The model in use, once known. */
  readonly model: string | null;
  /** Reconnect attempt in progress (0 when not reconnecting). */
  readonly reconnectAttempt: number;
  readonly diagnostics: SessionDiagnostics;
  /**
   * What the protocol of this session can do (who owns turn-taking, whether replies can be
   * created, cancelled, truncated; token or per-second billing). Always set by the session;
   * optional in the type so that snapshots written before it existed still type-check.
   */
  readonly capabilities?: ProtocolCapabilities;
  /**
   * The transport of the current (or last) connection: `'webrtc'` (audio as media) or
   * `'websocket'` (audio as events through the relay); null before the first one opened.
   * Optional in the type like `capabilities`; always set by the session.
   */
  readonly transport?: 'websocket' | 'webrtc' | null;
  /**
   * Why the connection is not on the transport asked for: an `'auto'` transport fell back to
   * WebSocket (`webrtc_unsupported`, `webrtc_not_offered`, `relay_required`, `offer_refused`,
   * `microphone_unavailable`, `ice_failed`, `connect_timeout`); null otherwise.
   */
  readonly transportFallbackReason?: string | null;
}

/** Price of a model in USD per million tokens (§6 of the protocol reference). */
export interface ModelPrice {
  readonly textInput: number;
  readonly textCachedInput: number;
  readonly textOutput: number;
  readonly audioInput: number;
  readonly audioCachedInput: number;
  readonly audioOutput: number;
  readonly imageInput?: number;
  readonly imageCachedInput?: number;
  /**
   * Per-second billing (GPT-Live), in USD per minute: `active` while the session runs, `standby`
   * while a WebRTC session waits for speech. The token prices of such a model are 0 (its backend
   * model's tokens are billed at that model's price).
   */
  readonly perMinute?: { readonly active: number; readonly standby: number };
}

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchema = { readonly [key: string]: unknown };

/** What a tool's `execute` receives besides its arguments. */
export interface ToolContext {
  /** The model's call id. */
  readonly callId: string;
  /** Aborted when the call times out, the response is cancelled, or the session closes. */
  readonly signal: AbortSignal;
}

/**
 * A tool the model can call, run in this process. Create it with `defineTool` to get the arguments
 * typed from a zod schema; a JSON Schema is accepted too (arguments are then validated against it).
 */
export interface ToolDefinition<Args = never, Result = unknown> {
  /** Function name the model sees (letters, digits, `_` and `-`). */
  readonly name: string;
  readonly description?: string;
  /** A zod schema or a JSON Schema for the arguments object. */
  readonly parameters: z.ZodType | JsonSchema;
  /** Runs the tool. The result is sent to the model (strings as is, anything else as JSON). */
  readonly execute: (args: Args, context: ToolContext) => Result | Promise<Result>;
  /** Per-call time limit in ms (default: the session's `toolTimeoutMs`, 15 000). */
  readonly timeoutMs?: number;
}
