import type { Conversation, StoredItem } from './conversation.js';
import type { Dialect } from './dialect.js';
import type { EmulatorProtocolError } from './errors.js';
import type { FaultOptions } from './faults.js';
import type { McpServers } from './mcp-servers.js';
import type { InputAudioBuffer } from './input-buffer.js';
import type { ScriptedReply } from './responder.js';
import type { ResponseStreams } from './response-stream.js';
import type { SessionState } from './session-config.js';
import type { SpeechSynthesizer } from './speech.js';
import type { EnergyVad } from './vad.js';

/** A JSON object as events carry it. */
export type Json = Record<string, unknown>;

/** Everything a connection needs from the server that accepted it. */
export interface ConnectionOptions {
  dialect: Dialect;
  model: string;
  /** `transcription` for `?intent=transcription`: VAD and transcripts, no responses. */
  intent: 'realtime' | 'transcription';
  /** Session fields baked into the client secret the client connected with. */
  initialSession?: Json;
  synthesizer: SpeechSynthesizer;
  /** How many times faster than real time audio is paced (Infinity: as fast as possible). */
  speechRate: number;
  /** Session cap; `session_expired` then close. */
  maxSessionMs: number;
  faults: FaultOptions;
  /** Send the documented (but in practice absent) `conversation.created` after `session.created`. */
  emitConversationCreated: boolean;
  /** Speak a preamble before a tool call on gpt-realtime-2 family models (`reply-rules/preamble.ts`). */
  preambles?: boolean;
  /** Largest frame accepted; larger frames get an error event. */
  maxEventBytes: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

/**
 * The state and services of one connection that its event families share: session
 * (`session-events.ts`), input audio (`input-audio-events.ts`), items (`item-events.ts`),
 * responses (`response-events.ts`) and the emulator's control messages (`control-events.ts`).
 * Each family is a set of functions over this context, so the connection itself only parses,
 * dispatches and sends.
 */
export interface ConnectionContext {
  readonly options: ConnectionOptions;
  session: SessionState;
  readonly conversation: Conversation;
  readonly buffer: InputAudioBuffer;
  vad: EnergyVad | null;
  /** The id announced by `speech_started`, used by the commit that ends that speech. */
  pendingUserItemId: string | null;
  /** An `mcp_approval_response` no response has followed yet (`approval-continuation.ts`). */
  pendingApproval: string | null;
  readonly responses: ResponseStreams;
  /** The session's remote MCP servers. */
  readonly mcp: McpServers;
  /** The model has spoken: the voice can no longer change. */
  hasAssistantAudio: boolean;
  /** Transcripts scripted with `emulator.transcript`, one per coming user turn. */
  readonly transcripts: string[];
  /** Replies scripted with `emulator.reply`, one per coming response. */
  readonly scripted: ScriptedReply[];
  /** A stall fault: nothing more is sent. */
  stalled: boolean;
  readonly closed: boolean;
  /** The `idle_timeout_ms` timer of server VAD, armed after each response. */
  idleTimer: NodeJS.Timeout | null;
  emit(event: Json): void;
  sendError(error: EmulatorProtocolError, clientEventId: string | null): void;
  /** `conversation.item.added`, then `.done` unless the item is still in progress. */
  emitItemAdded(item: StoredItem, previous: string | null): void;
  /** Runs `run` after `ms` unless the connection closed first. */
  later(ms: number, run: () => void): void;
  /** Real-time milliseconds scaled by the speech rate. */
  paced(ms: number): number;
  /** Closes the socket and stops every timer. */
  shutdown(code: number, reason: string): void;
}
