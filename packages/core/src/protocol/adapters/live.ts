import type { UnknownEvent } from '../frame.js';
import { isRecord, type Json } from '../json.js';
import type { LiveClientEvent } from '../live/client-events.js';
import type { LiveServerEvent } from '../live/server-events.js';
import type { ProtocolCapabilities } from '../../types.js';
import type { NeutralCommand, NeutralEvent } from './neutral.js';

// The GPT-Live adapter: Live wire events → neutral events, neutral commands → Live wire events.
// Stateless: what needs memory (grouping fragments into turns, one execution per call) is the
// machine's. Live-specific rules it applies:
// - Responses delegation: only the nested `response.output_item.done` of a completed
//   `function_call` is a call to run (the `added` copy has empty arguments and
//   `function_call_arguments.done` has no call id: acting on every copy would run a tool two or
//   three times; live-protocol.md §6.4).
// - Output audio is a continuous track (zero-filled between replies): a delta is not speech.

/** What GPT-Live can carry (live-protocol.md §§0, 13). */
export const liveCapabilities: ProtocolCapabilities = {
  family: 'live',
  turnTaking: 'model',
  // `response.create` exists on Live only to continue a Responses delegation: no spoken reply.
  createResponse: false,
  cancelResponse: false,
  truncate: false,
  commitAudio: false,
  updateSession: false,
  appendContext: true,
  fork: true,
  billing: 'seconds',
  transports: ['websocket', 'webrtc', 'sip'],
};

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Reads one parsed Live server event as neutral events (none for an unknown type). */
export function decodeLiveServerEvent(event: LiveServerEvent | UnknownEvent): NeutralEvent[] {
  if ('unknown' in event && event.unknown === true) return decodeRelayEvent(event as UnknownEvent);
  const known = event as LiveServerEvent;
  switch (known.type) {
    case 'session.started':
      return [
        {
          kind: 'session_started',
          sessionId: str(known.session.id),
          model: str(known.session.model),
          config: known.session,
        },
      ];
    case 'session.updated':
      return isRecord(known.session) ? [{ kind: 'session_updated', config: known.session }] : [];
    case 'session.input_transcript.delta':
    case 'session.output_transcript.delta':
      return [
        {
          kind: 'transcript_fragment',
          speaker: known.type === 'session.input_transcript.delta' ? 'user' : 'assistant',
          text: known.delta,
          startMs: num(known.start_ms),
          endMs: num(known.end_ms),
        },
      ];
    case 'session.output_audio.delta':
      return [{ kind: 'output_audio', audio: known.delta, continuous: true }];
    case 'session.input_audio.muted':
    case 'session.input_audio.unmuted':
      return [
        {
          kind: 'input_muted',
          muted: known.type === 'session.input_audio.muted',
          commandId: str(known.client_event_id),
        },
      ];
    case 'session.instructions.appended':
    case 'session.thinking.appended':
    case 'session.commentary.appended':
      return [
        {
          kind: 'context_appended',
          channel: known.type.split('.')[1] as 'instructions' | 'thinking' | 'commentary',
          commandId: str(known.client_event_id),
          startMs: num(known.start_ms),
          endMs: num(known.end_ms),
        },
      ];
    case 'session.delegation.created':
      return [
        {
          kind: 'delegation_started',
          delegationId: known.delegation.id,
          target: known.delegation.target,
          responseId: str(known.delegation.response_id),
          offsetMs: num(known.offset_ms),
        },
      ];
    case 'response.event':
      return decodeBackendEvent(str(known.delegation_id), known.event);
    case 'session.usage.updated':
      return [
        {
          kind: 'usage_seconds',
          seconds: num(known.usage?.seconds),
          contextRatio: num(known.context_window?.usage_ratio),
        },
      ];
    case 'session.closed':
      return [
        {
          kind: 'session_closed',
          reason: str(known.reason),
          seconds: num(known.usage?.seconds),
          commandId: str(known.client_event_id),
        },
      ];
    case 'error':
      return [
        {
          kind: 'error',
          code: str(known.error.code),
          message: known.error.message,
          param: str(known.error.param),
          commandId: str(known.error.client_event_id) ?? str(known.client_event_id),
        },
      ];
    case 'info':
      return [{ kind: 'info', code: str(known.code), message: str(known.message) ?? '' }];
    default:
      return [{ kind: 'ignored', type: known.type }];
  }
}

/**
 * An event Live does not define: the Parley relay's `parley.tool_output {call_id, output}` (the
 * output of a delegated call it ran, which Live never echoes), else nothing.
 */
function decodeRelayEvent(event: UnknownEvent): NeutralEvent[] {
  if (event.type !== 'parley.tool_output' || !isRecord(event.raw)) return [];
  const callId = str(event.raw.call_id);
  const output = str(event.raw.output);
  return callId === null || output === null ? [] : [{ kind: 'tool_output', callId, output }];
}

/** One nested Responses event of a delegation. */
function decodeBackendEvent(delegationId: string | null, event: Json): NeutralEvent[] {
  const type = str(event.type);
  if (type === null) return [];
  if (type === 'response.output_item.done') {
    const item = event.item;
    if (
      isRecord(item) &&
      item.type === 'function_call' &&
      (item.status === undefined || item.status === 'completed') &&
      typeof item.call_id === 'string' &&
      typeof item.name === 'string'
    ) {
      return [
        {
          kind: 'tool_call',
          delegationId,
          responseId: str(event.response_id),
          itemId: str(item.id) ?? item.call_id,
          callId: item.call_id,
          name: item.name,
          arguments: str(item.arguments) ?? '',
        },
      ];
    }
  }
  if (
    type === 'response.completed' ||
    type === 'response.failed' ||
    type === 'response.incomplete' ||
    type === 'response.cancelled'
  ) {
    const response = isRecord(event.response) ? event.response : {};
    return [
      {
        kind: 'backend_response_done',
        delegationId,
        responseId: str(response.id),
        status: str(response.status) ?? type.slice('response.'.length),
        usage: isRecord(response.usage) ? response.usage : null,
      },
    ];
  }
  return [{ kind: 'backend_event', delegationId, type, event }];
}

/** Writes one neutral command as Live client events (without `event_id`: the machine adds it). */
export function encodeLiveCommand(command: NeutralCommand): LiveClientEvent[] {
  switch (command.kind) {
    case 'start':
      return [{ type: 'session.start', session: command.config as never }];
    case 'append_audio':
      return [{ type: 'session.input_audio.append', audio: command.audio }];
    case 'mute':
      return [{ type: command.muted ? 'session.input_audio.mute' : 'session.input_audio.unmute' }];
    case 'append_context':
      return [
        {
          type: `session.${command.channel}.append`,
          content: command.content,
          delegation_id: command.delegationId,
        },
      ];
    case 'user_text':
      return [
        {
          type: 'response.item.create',
          item: {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: command.text }],
          },
        },
        { type: 'response.create' },
      ];
    case 'tool_output':
      return [
        {
          type: 'response.item.create',
          item: { type: 'function_call_output', call_id: command.callId, output: command.output },
        },
      ];
    case 'continue_backend':
      return [{ type: 'response.create' }];
    case 'close':
      return [{ type: 'session.close' }];
    default:
      // Realtime's own commands (response sequencing, truncation, the input buffer).
      return [];
  }
}
