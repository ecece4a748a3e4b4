import type { ClientItem, RealtimeItem } from '../items.js';
import type { Json } from '../json.js';
import type { Usage } from '../response.js';

// The provider-neutral vocabulary: what a protocol adapter turns wire events into, and the
// commands it turns into wire events. It names what happened in the conversation (a transcript
// fragment, a tool call ready to run, the session closed and why), not how one API spells it.
// The kinds every family shares come first (session started and updated, errors, notices); then
// each model of a turn has its own: GPT-Live's fragments on a timeline (./live.ts), Realtime's
// items inside responses (./realtime.ts). See docs/design.md.

/** What every family reports the same way. */
export type SharedNeutralEvent =
  /** The session is up, with its id, model and the resolved configuration as the wire gave it. */
  | { kind: 'session_started'; sessionId: string | null; model: string | null; config: Json }
  /** The configuration changed (the resolved snapshot). */
  | { kind: 'session_updated'; config: Json }
  /** The server reported an error (`commandId`: the client event that caused it, if known). */
  | {
      kind: 'error';
      code: string | null;
      message: string;
      param: string | null;
      commandId: string | null;
    }
  /** An informational notice (e.g. data-channel permissions). */
  | { kind: 'info'; code: string | null; message: string }
  /** A known event with nothing for the conversation (rate limits, telephony, decisions…). */
  | { kind: 'ignored'; type: string };

/** Something the upstream session reported, in neutral terms (any family). */
export type NeutralEvent = LiveNeutralEvent | RealtimeNeutralEvent;

/** What GPT-Live reports: a turn is transcript fragments on the session timeline. */
export type LiveNeutralEvent =
  | SharedNeutralEvent
  /**
   * A timed piece of a transcript: the user's or the agent's words over `[startMs, endMs)` of the
   * session timeline (times may be unknown). No item, no end: grouping into turns is the machine's.
   */
  | {
      kind: 'transcript_fragment';
      speaker: 'user' | 'assistant';
      text: string;
      startMs: number | null;
      endMs: number | null;
    }
  /** Output audio (base64 in the session format); `continuous`: silence is sent too. */
  | { kind: 'output_audio'; audio: string; continuous: boolean }
  /** The server acknowledged input mute or unmute. */
  | { kind: 'input_muted'; muted: boolean; commandId: string | null }
  /** A context append was injected at `[startMs, endMs)` (accepted, not necessarily spoken). */
  | {
      kind: 'context_appended';
      channel: 'instructions' | 'thinking' | 'commentary';
      commandId: string | null;
      startMs: number | null;
      endMs: number | null;
    }
  /** The model delegated work: to the app (`client`) or to a backend model (`responses`). */
  | {
      kind: 'delegation_started';
      delegationId: string;
      target: string;
      responseId: string | null;
      offsetMs: number | null;
    }
  /** A backend function call is complete and may run (delivered once per call). */
  | {
      kind: 'tool_call';
      delegationId: string | null;
      responseId: string | null;
      itemId: string;
      callId: string;
      name: string;
      arguments: string;
    }
  /**
   * The output of a call the server ran (the Parley relay's `parley.tool_output`: Live echoes no
   * `function_call_output`, so the relay tells the browser what its tool returned).
   */
  | { kind: 'tool_output'; callId: string; output: string }
  /** A backend response finished (its usage, for the token side of the cost). */
  | {
      kind: 'backend_response_done';
      delegationId: string | null;
      responseId: string | null;
      status: string;
      usage: Json | null;
    }
  /** A backend event the machine does not act on (hosted tools' progress, text deltas). */
  | { kind: 'backend_event'; delegationId: string | null; type: string; event: Json }
  /** Billed time so far (cumulative) and how full the context window is. */
  | { kind: 'usage_seconds'; seconds: number | null; contextRatio: number | null }
  /** The session ended, and why (a string: a new reason must not be lost). */
  | {
      kind: 'session_closed';
      reason: string | null;
      seconds: number | null;
      commandId: string | null;
    };

/**
 * What the Realtime families report (GA, and beta once translated to GA): a turn is items inside
 * responses, so these kinds carry item and response ids (`responseId` on an event of a response's
 * output, which the machine ignores for an out-of-band response). The items themselves are still
 * Realtime's item shapes (message content parts, `function_call`, MCP items).
 */
export type RealtimeNeutralEvent =
  | SharedNeutralEvent
  /** An event type this version does not know: counted, never applied. */
  | { kind: 'unknown'; type: string }
  /**
   * An item snapshot: added, done (`final`) or retrieved; a response's output when `responseId`
   * is set; `positioned` when the server said where it goes (after `previousItemId`).
   */
  | {
      kind: 'item';
      item: RealtimeItem;
      final: boolean;
      responseId: string | null;
      previousItemId: string | null;
      positioned: boolean;
    }
  /** The item's audio was cut at `audioEndMs` (its text past that point is not said). */
  | { kind: 'item_truncated'; itemId: string; audioEndMs: number }
  | { kind: 'item_deleted'; itemId: string }
  /** A response began; `outOfBand` when it is not part of the conversation. */
  | { kind: 'response_started'; id: string | null; outOfBand: boolean }
  /** A response ended, with its final output items and its token usage. */
  | {
      kind: 'response_done';
      id: string | null;
      outOfBand: boolean;
      status: string;
      output: RealtimeItem[];
      usage: Usage | null;
    }
  /** A content part began: the item's output is audio or text. */
  | { kind: 'output_modality'; itemId: string; responseId: string; modality: 'audio' | 'text' }
  /** More of an item's text: the user's transcription, or the agent's text or audio transcript. */
  | {
      kind: 'text_delta';
      speaker: 'user' | 'assistant';
      itemId: string;
      responseId: string | null;
      delta: string;
      modality: 'audio' | null;
    }
  /** The agent's final text of an item (text, audio transcript or content part). */
  | { kind: 'text_done'; itemId: string; responseId: string; text: string }
  /** The user's transcription is final; `usage` is what transcribing it cost. */
  | {
      kind: 'input_transcription_done';
      itemId: string;
      text: string;
      usage: { tokens: number; seconds: number } | null;
    }
  | { kind: 'input_transcription_failed'; itemId: string; message: string }
  /** Output audio of an item (base64, the session's output format). */
  | { kind: 'audio_delta'; itemId: string; responseId: string; audio: string }
  | { kind: 'audio_done'; itemId: string; responseId: string }
  /** A function call's arguments stream (`done`: `text` is all of them, with the tool's name). */
  | {
      kind: 'arguments';
      itemId: string;
      callId: string;
      responseId: string;
      text: string;
      done: boolean;
      name: string | null;
    }
  /** The server's voice activity detection: speech began, ended, or the idle timeout fired. */
  | { kind: 'speech_started' }
  | { kind: 'speech_stopped' }
  | { kind: 'input_timeout' }
  /** WebRTC: the server began playing a response's audio, or stopped (`cleared`: on request). */
  | { kind: 'output_playing'; responseId: string | null }
  | { kind: 'output_stopped'; responseId: string | null; cleared: boolean }
  /** Remote MCP: a tool listing's progress, a call's arguments, a call running on the server. */
  | { kind: 'mcp_listing'; itemId: string; status: 'in_progress' | 'completed' | 'failed' }
  | { kind: 'mcp_arguments'; itemId: string; responseId: string; text: string; done: boolean }
  | { kind: 'mcp_call_running'; itemId: string };

/** What the machine asks of the upstream session, in neutral terms (any family). */
export type NeutralCommand = SharedNeutralCommand | LiveNeutralCommand | RealtimeNeutralCommand;

/** What every family is asked the same way. */
export type SharedNeutralCommand =
  /** Microphone audio (base64 in the session's input format). */
  | { kind: 'append_audio'; audio: string }
  /** The output of one function call (GPT-Live: a backend's; Realtime: the conversation's). */
  | { kind: 'tool_output'; callId: string; output: string };

/** What only GPT-Live is asked (its adapter encodes Realtime's kinds as nothing). */
export type LiveNeutralCommand =
  | { kind: 'start'; config: Json }
  | { kind: 'mute'; muted: boolean }
  /** Context for the model: behaviour (trusted), silent context, or content to say. */
  | {
      kind: 'append_context';
      channel: 'instructions' | 'thinking' | 'commentary';
      content: string;
      delegationId: string | null;
    }
  /** A typed user message for a backend that takes input (Responses delegation). */
  | { kind: 'user_text'; text: string }
  /**
   * Typed text on a WebRTC call, whose data channel may not carry it: for the server that placed
   * the call, which sends it upstream by the session's delegation (the WebRTC transport posts it).
   */
  | { kind: 'server_text'; text: string }
  /** Continue the backend after its function outputs (or after typed input). */
  | { kind: 'continue_backend' }
  | { kind: 'close' };

/**
 * What only the Realtime families are asked: the client sequences responses, cancels and
 * truncates them, and owns the input buffer when turn detection is off. Items are Realtime's
 * client item shapes.
 */
export type RealtimeNeutralCommand =
  /** Configure the session (the patch in the session's GA shape; the dialect serializes it). */
  | { kind: 'update_session'; config: Json }
  /** Start a response, with per-response fields (`null`: the session's). */
  | { kind: 'create_response'; options: Json | null }
  | { kind: 'cancel_response'; responseId: string }
  /** Cut an assistant item's audio at what the user heard. */
  | { kind: 'truncate'; itemId: string; audioEndMs: number }
  /** The input buffer: make it a user item, or drop it. */
  | { kind: 'commit_input' }
  | { kind: 'clear_input' }
  /** WebRTC: stop the audio the server is playing. */
  | { kind: 'clear_output_audio' }
  /** Add an item to the conversation (history, typed text, an MCP approval answer). */
  | { kind: 'create_item'; item: ClientItem; previousItemId: string | null };
