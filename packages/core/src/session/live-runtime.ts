// What a GPT-Live connection needs at run time, in one module the session imports lazily (when the
// credentials say `protocol: 'live'`): the Live reader and serializer, the Live adapter and the
// machine's Live handlers. A Realtime app never loads it (core's bundle budget, README).
import { ParleyError } from '../errors.js';
import type { MachineState } from '../machine/state.js';
import { decodeLiveServerEvent, encodeLiveCommand } from '../protocol/adapters/live.js';
import type { LiveForkSessionConfig } from '../protocol/index.js';
import type { Credentials } from '../ports.js';
import type { NeutralCommand } from '../protocol/adapters/neutral.js';
import type { LiveClientEvent } from '../protocol/live/client-events.js';
import { parseLiveServerEvent, serializeLiveClientEvent } from '../protocol/live/parse.js';
import { CALL_TEXT_EVENT } from '../transport/webrtc-types.js';
import type { AppendContextOptions, LiveContextChannel } from './types.js';

import { liveFamily } from '../machine/live.js';
import type { FamilyCommandHost, FamilyFrame, FamilyRuntime, WireEvent } from './family-runtime.js';

export { liveFamily };

/** One server frame: a parse error, or the event (for listeners) and its neutral events. */
export function readLiveFrame(data: string): FamilyFrame {
  const parsed = parseLiveServerEvent(data);
  if (!parsed.success) return { error: parsed.error.message };
  const neutral = decodeLiveServerEvent(parsed.event);
  return {
    error: null,
    event: parsed.event as unknown as WireEvent,
    // An event type this version does not know is counted, never a stall.
    events:
      neutral.length === 0
        ? [{ type: 'server', event: { type: parsed.event.type, unknown: true, raw: {} } }]
        : neutral.map((event) => ({ type: 'neutral', event })),
  };
}

/**
 * The frames of one neutral command: its first event takes `eventId`, the next `eventId_1`… Typed
 * text for the server (`server_text`) is Parley's own {@link CALL_TEXT_EVENT}, which the WebRTC
 * transport posts to the server instead of its channel.
 */
export function commandFrames(
  command: NeutralCommand,
  eventId: string,
): Array<{ frame: string; event: LiveClientEvent | WireEvent }> {
  if (command.kind === 'server_text') {
    const event = { type: CALL_TEXT_EVENT, text: command.text };
    return [{ frame: JSON.stringify(event), event }];
  }
  return encodeLiveCommand(command).map((event, index) => {
    const withId = {
      ...event,
      event_id: index === 0 ? eventId : `${eventId}_${index}`,
    } as LiveClientEvent;
    return { frame: serializeLiveClientEvent(withId), event: withId };
  });
}

/** A `session.input_audio.append` frame of base64 audio. */
export function audioFrame(audio: string): string {
  return serializeLiveClientEvent({ type: 'session.input_audio.append', audio });
}

/** `…/live/sessions/{id}/fork` from the primary URL `…/live/sessions` (query kept, id encoded). */
export function forkUrl(url: string, sessionId: string): string {
  const parsed = new URL(url);
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, '')}/${encodeURIComponent(sessionId)}/fork`;
  return parsed.toString();
}

/** The credentials of a connection: a `fork()` connects to the fork socket of the finished session. */
export function forkCredentials(value: Credentials, state: MachineState): Credentials {
  const fork = state.liveFork;
  return !fork || value.protocol !== 'live'
    ? value
    : { ...value, url: forkUrl(value.url, fork.sessionId) };
}

/** What the Live commands read of their session (the session's own private members, by name). */
export type LiveCommandHost = FamilyCommandHost;

const CHANNELS = new Set(['instructions', 'thinking', 'commentary']);

/** Refused through a relay that manages the session: it owns the session's context. */
function requireOwnSession(host: LiveCommandHost, command: string): void {
  if (host.state.managedSession)
    throw new ParleyError(
      'unsupported',
      `${command}() is not available when a relay manages the session (it owns the session's context)`,
    );
}

/** `VoiceSession.appendContext()` (see its documentation). */
export function appendContext(
  host: LiveCommandHost,
  channel: LiveContextChannel,
  content: string,
  options: AppendContextOptions = {},
): void {
  requireOwnSession(host, 'appendContext');
  if (!CHANNELS.has(channel))
    throw new ParleyError('config', `appendContext(): unknown channel '${String(channel)}'`);
  if (typeof content !== 'string')
    throw new ParleyError('config', 'appendContext(): content must be a string');
  if (host.state.snapshot.status !== 'connected')
    throw new ParleyError('transport', 'appendContext() needs a connected session');
  host.dispatch({
    type: 'family_command',
    command: {
      kind: 'append_context',
      channel,
      content,
      delegationId: options.delegationId ?? null,
    },
    at: host.clock.now(),
  });
}

/** `VoiceSession.fork()`: close the session if open, then connect to its fork. */
export async function fork(
  host: LiveCommandHost,
  overrides: LiveForkSessionConfig = {},
): Promise<void> {
  requireOwnSession(host, 'fork');
  const { status, sessionId } = host.state.snapshot;
  if (sessionId === null)
    throw new ParleyError('unsupported', 'fork() needs a session that has started');
  if (status !== 'closed' && status !== 'error' && status !== 'idle') await host.disconnect();
  const connected = host.whenConnected();
  host.dispatch({
    type: 'family_command',
    command: { kind: 'fork', overrides, idPrefix: `evt_${host.randomId(6)}_` },
    at: host.clock.now(),
  });
  return connected;
}

/** GPT-Live as the session runs it (see `FamilyRuntime`). */
export const liveRuntime: FamilyRuntime = {
  handlers: liveFamily,
  readFrame: readLiveFrame,
  commandFrames,
  audioFrame,
  connectCredentials: forkCredentials,
  commands: { appendContext, fork },
};
