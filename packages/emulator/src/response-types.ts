import type { Conversation, StoredItem } from './conversation.js';
import type { Dialect } from './dialect.js';
import type { EmulatorProtocolError } from './errors.js';
import type { McpServers } from './mcp-servers.js';
import type { ScriptedReply } from './responder.js';
import type { ResponseOverrides } from './response-overrides.js';
import type { SessionState } from './session-config.js';
import type { SpeechSynthesizer } from './speech.js';

export type Json = Record<string, unknown>;

/** What the response streams need from their connection. */
export interface ResponseHost {
  readonly dialect: Dialect;
  readonly conversation: Conversation;
  readonly synthesizer: SpeechSynthesizer;
  session(): SessionState;
  emit(event: Json): void;
  sendError(error: EmulatorProtocolError, clientEventId: string | null): void;
  emitItemAdded(item: StoredItem, previous: string | null): void;
  /** Real-time milliseconds scaled by the speech rate. */
  paced(ms: number): number;
  /** The next reply a test scripted, if any. */
  takeScripted(): ScriptedReply | undefined;
  /** The session's remote MCP servers. */
  readonly mcp: McpServers;
  /** Preambles before tool calls on gpt-realtime-2 family models. */
  readonly preambles: boolean;
  onResponseStarted(): void;
  /** A response completed; `audioMs` of speech is now playing on the client. */
  onResponseCompleted(audioMs: number): void;
  /** The model produced audio (the voice is locked from now on). */
  onAssistantAudio(): void;
}

/** The part of a response being streamed. */
export interface OpenPart {
  item: StoredItem;
  outputIndex: number;
  kind: 'audio' | 'text' | 'function_call';
  partOpen: boolean;
  /** Transcript / text / arguments sent so far. */
  sent: string;
  sentSamples: number;
  audio: Buffer[];
}

/** A response in flight. */
export interface ActiveResponse {
  id: string;
  overrides: ResponseOverrides;
  object: Json;
  output: StoredItem[];
  open: OpenPart | null;
  finished: boolean;
  /** Stops the pending wait (a timer, or an immediate for a wait under 1 ms). */
  timer: { cancel(): void } | null;
  wake: (() => void) | null;
  inputTokens: { text: number; audio: number };
  outputText: number;
  outputAudioMs: number;
}

/** Waits `ms` of real time; resolves false when the response ended meanwhile. */
export function waitFor(response: ActiveResponse, ms: number): Promise<boolean> {
  if (response.finished) return Promise.resolve(false);
  return new Promise((resolve) => {
    response.wake = () => {
      response.wake = null;
      response.timer = null;
      resolve(!response.finished);
    };
    const timeout = setTimeout(response.wake, ms);
    response.timer = { cancel: () => clearTimeout(timeout) };
  });
}
