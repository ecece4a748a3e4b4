import type { ParleyError } from '../errors.js';
import type { ClientEvent, NeutralCommand } from '../protocol/index.js';
import type { ConversationItem, McpApprovalRequestItem } from '../types.js';
import type { TimerName } from './events.js';

/**
 * What the machine asks the session to do, as data. The session carries each one out through its
 * ports; tests read them directly.
 */
export type MachineEffect =
  /** Send a client event (GA form; the session serializes it for the dialect). */
  | { type: 'send'; event: ClientEvent }
  /** Send a neutral command: the session encodes it with its protocol's adapter. */
  | { type: 'command'; command: NeutralCommand; eventId: string }
  /** Fetch fresh credentials and open the transport. */
  | { type: 'open'; attempt: number }
  /** Close the transport. */
  | { type: 'close'; code: number; reason: string }
  /** Open the microphone and speaker. */
  | { type: 'audio_start' }
  /** Release the microphone and speaker. */
  | { type: 'audio_stop' }
  | { type: 'audio_mute'; muted: boolean }
  /** Queue assistant audio (base64 PCM16, as received) for playback. */
  /** `continuous`: a track streamed at real time, silence included (GPT-Live's output). */
  | { type: 'audio_enqueue'; itemId: string; audio: string; continuous?: true }
  /** Silence playback now; the session answers with a `playback_flushed` event. */
  | { type: 'audio_flush' }
  /** Run a client tool; the session answers with a `tool_result` event. */
  | { type: 'tool_run'; callId: string; itemId: string; name: string; arguments: string }
  /** Abort running client tools (their results will be ignored). */
  | { type: 'tool_abort'; callIds: readonly string[] }
  | { type: 'timer_set'; timer: TimerName; ms: number }
  | { type: 'timer_clear'; timer: TimerName }
  /** An MCP approval request appeared: the session asks the app's handler, if one is set. */
  | { type: 'mcp_approval_requested'; request: McpApprovalRequestItem }
  /** An item reached its final state: a place to persist or log it. */
  | { type: 'item_completed'; item: ConversationItem }
  /** Something recoverable worth telling the app about (benign error, malformed frame). */
  | { type: 'warning'; code: string; message: string }
  /** A failure worth telling the app about (also reflected in the snapshot). */
  | { type: 'error'; error: ParleyError };

/** The `type` of every effect. */
export type MachineEffectType = MachineEffect['type'];
