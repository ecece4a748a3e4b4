import type {
  Dialect,
  Json,
  NeutralEvent,
  ProtocolFamily,
  ServerEvent,
  SessionConfigPatch,
  Tool,
  UnknownEvent,
} from '../protocol/index.js';
import type { PlaybackPosition } from '../ports.js';
import type { ToolCallError } from '../types.js';
import type { FamilyRef } from './live-state.js';
import type { McpRef } from './state.js';

/**
 * GPT-Live's own commands: context on one of the model's channels (`appendContext()`), or a
 * connection to the fork of the finished stored session (`fork()`).
 */
export type FamilyCommand =
  | {
      kind: 'append_context';
      channel: 'instructions' | 'thinking' | 'commentary';
      content: string;
      delegationId: string | null;
    }
  | { kind: 'fork'; overrides: Json; idPrefix: string };

/** Timers the machine asks the session to run (one of each at most). */
export type TimerName = 'reconnect' | 'idle' | 'rollover';

/**
 * Everything the machine reacts to. Time (`at`, monotonic ms; `wallAt`, epoch ms), ids and random
 * numbers come in with the events, so the reducer never reads a clock or a random source.
 */
export type MachineEvent =
  // ── from the server ──
  /** A parsed server event, normalized to GA (unknown types as `{ type, unknown: true, raw }`). */
  | { type: 'server'; event: ServerEvent | UnknownEvent; at: number; wallAt: number }
  /** A server event of a protocol with an adapter (GPT-Live), in the neutral vocabulary. */
  | { type: 'neutral'; event: NeutralEvent; at: number; wallAt: number }
  /** A frame that did not parse: counted and reported, never applied. */
  | { type: 'protocol_error'; message: string; at: number }
  // ── from the transport and the credentials provider ──
  /** Credentials arrived for the attempt in progress. */
  | {
      type: 'credentials_ready';
      dialect: Dialect;
      serverRunsTools: boolean;
      /** The server configures the session (no `session.update`, no history restore). */
      managedSession?: boolean;
      model: string | null;
      /** The protocol family of this connection (default: Realtime in `dialect`). */
      protocol?: ProtocolFamily;
      /** The machine's handlers of that family, when it has an adapter (GPT-Live). */
      family?: FamilyRef;
      at: number;
    }
  /** The credentials provider failed. `random` in [0, 1) feeds the backoff jitter. */
  | { type: 'credentials_failed'; message: string; at: number; random: number }
  /**
   * The transport opened: which one, whether it carries the audio as media (WebRTC), and why it
   * is not the one asked for (an `'auto'` fallback). Absent fields: a WebSocket carrying events.
   */
  | {
      type: 'transport_open';
      transport?: 'websocket' | 'webrtc';
      media?: boolean;
      fallbackReason?: string;
      at: number;
    }
  /** The socket closed. `random` in [0, 1) feeds the backoff jitter. */
  | {
      type: 'transport_closed';
      code: number;
      reason: string;
      initiatedLocally: boolean;
      at: number;
      random: number;
    }
  | { type: 'timer'; timer: TimerName; at: number }
  // ── from the audio port ──
  | { type: 'playback_started'; itemId: string; at: number }
  | { type: 'playback_idle'; position: PlaybackPosition; at: number }
  /** `AudioPort.flush()` resolved (after a barge-in or `interrupt()`), with what was heard. */
  | { type: 'playback_flushed'; position: PlaybackPosition | null; at: number }
  /** The audio port failed to start (permission, device). */
  | { type: 'audio_failed'; message: string; permission: boolean; at: number }
  // ── from the app (commands) ──
  /** `idPrefix` makes this session's client event ids unique. */
  | { type: 'connect'; idPrefix: string; at: number }
  | { type: 'disconnect'; at: number }
  | { type: 'send_text'; text: string; itemId: string; at: number; wallAt: number }
  | { type: 'commit_audio'; at: number }
  | { type: 'push_to_talk'; pressed: boolean; at: number }
  | { type: 'interrupt'; at: number }
  /** A command only the session's family carries (GPT-Live's `appendContext()`, `fork()`). */
  | { type: 'family_command'; command: FamilyCommand; at: number }
  | { type: 'mute'; muted: boolean; at: number }
  | { type: 'update_session'; patch: SessionConfigPatch; at: number }
  /** The registered client tools changed (their wire definitions). */
  | { type: 'tools_changed'; tools: readonly Tool[]; at: number }
  /**
   * The counters only the session sees (listener callbacks that threw, microphone frames the
   * transport dropped), posted into the machine so the snapshot has one writer.
   */
  | { type: 'session_counters'; listenerErrors: number; droppedAudioFrames: number; at: number }
  /** The MCP handlers were loaded (the session does so with the first MCP event). */
  | { type: 'mcp_ready'; handlers: McpRef; at: number }
  /** The app answered an MCP approval request. */
  | {
      type: 'mcp_approval_answer';
      requestId: string;
      approve: boolean;
      reason: string | null;
      at: number;
    }
  /** A client tool finished (or failed): `output` is what the model receives. */
  | {
      type: 'tool_result';
      callId: string;
      output: string;
      error: ToolCallError | null;
      at: number;
    };

/** The `type` of every machine event. */
export type MachineEventType = MachineEvent['type'];
