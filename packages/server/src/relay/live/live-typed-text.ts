/**
 * Text the visitor typed in a GPT-Live conversation, the one way both transports send it: the Live
 * relay (a `response.item.create` from the browser's socket) and a WebRTC call's sideband (the
 * browser's `POST /api/calls/{callId}/text`, as its data channel may not carry it). The text is
 * stored as a completed user message, ends the visitor's turn for its latency, and goes upstream
 * by the session's delegation (live-protocol.md §6.5): under Responses delegation a user message
 * for the backend model, which the caller then continues with one `response.create`; under client
 * delegation, where the voice has no user-message channel, silent context labelled as typed, and
 * this server's backend answers it.
 */
import { randomBytes } from 'node:crypto';
import { MAX_TYPED_TEXT } from '../../schemas.js';
import type { ConversationRecorder } from '../conversation-recorder.js';
import type { LiveClientDelegations } from './live-client-delegations.js';
import type { LiveRecorder } from './live-recorder.js';
import type { LiveStartConfig } from './live-session-start.js';

type Json = Record<string, unknown>;

/** Live's longest append, in characters, with room for the label (about 350 tokens). */
const MAX_TYPED_CONTEXT = 1400;

/** What sending typed text needs of its conversation. */
export interface TypedTextHost {
  delegation: LiveStartConfig['delegation'];
  live: LiveRecorder;
  recorder: ConversationRecorder;
  /** Client delegation's backend (null under Responses delegation). */
  clientDelegations: LiveClientDelegations | null;
  toUpstream(event: Json): void;
}

/** What {@link sendTypedText} did. */
export interface TypedTextSent {
  /** The stored user item. */
  itemId: string;
  /** True under Responses delegation: the backend answers after one `response.create`. */
  awaitsResponse: boolean;
}

/**
 * Stores `text` (cut at {@link MAX_TYPED_TEXT}) as the visitor's message and sends it upstream
 * (see the module comment); `withId` adds the client's event id, when it gave one.
 */
export function sendTypedText(
  host: TypedTextHost,
  typed: string,
  withId: (body: Json) => Json = (body) => body,
): TypedTextSent {
  const text = typed.slice(0, MAX_TYPED_TEXT);
  const itemId = `typed_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  host.live.typed();
  host.recorder.item({
    id: itemId,
    type: 'message',
    role: 'user',
    status: 'completed',
    content: [{ type: 'input_text', text }],
  });
  if (host.delegation.type === 'responses') {
    host.toUpstream(
      withId({
        type: 'response.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      }),
    );
    return { itemId, awaitsResponse: true };
  }
  host.toUpstream(
    withId({
      type: 'session.thinking.append',
      delegation_id: null,
      content: `The visitor typed: ${text.slice(0, MAX_TYPED_CONTEXT)}`,
    }),
  );
  host.clientDelegations?.onTypedText(itemId, text);
  return { itemId, awaitsResponse: false };
}
