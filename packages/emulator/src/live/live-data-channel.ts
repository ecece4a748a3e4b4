import { dispatchLiveEvent, parseLiveFrame } from './live-dispatch.js';
import { LiveProtocolError } from './live-errors.js';
import type { LivePort, LiveSession } from './live-session.js';

type Json = Record<string, unknown>;

/** A server-event selector of `allowed_server_events`: a type, and for `response.event` the nested type. */
interface ServerSelector {
  type: string;
  response_event?: string;
}

/** What a session's `client.data_channel` lets an (untrusted) WebRTC frontend send and receive. */
export interface DataChannelPermissions {
  /** Client event types the frontend may send, or every one. */
  client: 'all' | ReadonlySet<string>;
  /** Server events the frontend receives, or every one. */
  server: 'all' | readonly ServerSelector[];
  /** True when either list restricts anything: the channel then gets `info {code: "data_channel_permissions"}`. */
  restricted: boolean;
}

/** Reads `session.client.data_channel` (validated at startup); omitted lists allow everything (reference §3.5). */
export function dataChannelPermissions(resource: { client?: Json }): DataChannelPermissions {
  const channel = (resource.client?.data_channel ?? {}) as Json;
  const clientList = channel.allowed_client_events;
  const serverList = channel.allowed_server_events;
  const client = Array.isArray(clientList)
    ? new Set(clientList.filter((entry): entry is string => typeof entry === 'string'))
    : 'all';
  const server = Array.isArray(serverList)
    ? serverList.flatMap((entry): ServerSelector[] => {
        if (typeof entry === 'string') return [{ type: entry }];
        if (entry && typeof entry === 'object' && typeof (entry as Json).type === 'string')
          return [entry as ServerSelector];
        return [];
      })
    : 'all';
  return { client, server, restricted: client !== 'all' || server !== 'all' };
}

/** True when the frontend may receive `event`. */
export function serverEventAllowed(permissions: DataChannelPermissions, event: Json): boolean {
  if (permissions.server === 'all') return true;
  const nested = (event.event as Json | undefined)?.type;
  return permissions.server.some(
    (selector) =>
      selector.type === event.type &&
      (selector.response_event === undefined || selector.response_event === nested),
  );
}

/** The native side of a data channel: where server events go, and how the channel ends. */
export interface LiveDataChannelSink {
  send(data: string): void;
  close(): void;
}

/** The session side of an attached data channel: feed it what the frontend sent. */
export interface LiveDataChannelLink {
  /** One message the frontend sent on the channel (a JSON client event). */
  receive(message: string): void;
  /** The channel went away (the session goes on: the peer connection is its transport). */
  detach(): void;
}

/**
 * Attaches an `oai-events` data channel to a running media session (reference §3.5, §6.10): it
 * receives `session.started`, then — when the session's `client.data_channel` restricts either
 * direction — `info {code: "data_channel_permissions"}`, then the session's JSON events that
 * `allowed_server_events` lets through (never audio: that travels on the media track). Client
 * events outside `allowed_client_events` are refused with an `error` and never run.
 *
 * Assumptions where the reference is silent (§3.5, §16): `session.started` and the `info` are
 * delivered whatever the server list says (the frontend must learn it is connected and
 * restricted), errors answering the frontend's own commands always reach it, and a refused client
 * event is answered `event_not_allowed` (the code is undocumented; it is the one Parley's relay
 * uses for the same rule).
 */
export function attachLiveDataChannel(
  session: LiveSession,
  sink: LiveDataChannelSink,
  maxEventBytes: number,
): LiveDataChannelLink {
  const permissions = dataChannelPermissions(session.resource);
  const port: LivePort = {
    role: 'data_channel',
    send: (data) => sink.send(data),
    close: () => sink.close(),
    accepts: (event) => serverEventAllowed(permissions, event),
  };
  const info = permissions.restricted
    ? {
        type: 'info',
        code: 'data_channel_permissions',
        message:
          'This data channel is restricted by client.data_channel: some client events are refused and some server events are not delivered.',
      }
    : null;
  session.attachChannel(port, info);
  return {
    receive(message) {
      let event: Json;
      try {
        event = parseLiveFrame(Buffer.from(message, 'utf8'), false, maxEventBytes);
      } catch (error) {
        if (error instanceof LiveProtocolError) session.sendError(port, error);
        return;
      }
      const type = String(event.type);
      if (permissions.client !== 'all' && !permissions.client.has(type)) {
        session.sendError(
          port,
          new LiveProtocolError(
            'event_not_allowed',
            `'${type}' is not in this session's client.data_channel.allowed_client_events.`,
            'type',
          ),
          typeof event.event_id === 'string' ? event.event_id : undefined,
        );
        return;
      }
      dispatchLiveEvent(session, port, event);
    },
    detach: () => session.detach(port),
  };
}
