import type { Json } from '../json.js';

// The provider-neutral vocabulary: what a protocol adapter turns wire events into, and the
// commands it turns into wire events. It names what happened in the conversation (a transcript
// fragment, a tool call ready to run, the session closed and why), not how one API spells it.
// The GPT-Live adapter (./live.ts) emits it today; see docs/design.md for the Realtime families.

/** Something the upstream session reported, in neutral terms. */
export type NeutralEvent =
  /** The session is up, with its id, model and the resolved configuration as the wire gave it. */
  | { kind: 'session_started'; sessionId: string | null; model: string | null; config: Json }
  /** The configuration changed (the resolved snapshot). */
  | { kind: 'session_updated'; config: Json }
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
    }
  /** The server reported an error. */
  | {
      kind: 'error';
      code: string | null;
      message: string;
      param: string | null;
      commandId: string | null;
    }
  /** An informational notice (e.g. data-channel permissions). */
  | { kind: 'info'; code: string | null; message: string }
  /** A known event with nothing for the conversation (telephony, decisions, fixtures, reflected input). */
  | { kind: 'ignored'; type: string };

/** What the machine asks of the upstream session, in neutral terms. */
export type NeutralCommand =
  | { kind: 'start'; config: Json }
  | { kind: 'append_audio'; audio: string }
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
  /** The output of one backend function call. */
  | { kind: 'tool_output'; callId: string; output: string }
  /** Continue the backend after its function outputs (or after typed input). */
  | { kind: 'continue_backend' }
  | { kind: 'close' };
