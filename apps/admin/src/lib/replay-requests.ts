// The conversation page's requests: the conversation itself and the replay's two, started
// together (no waterfall behind the conversation's answer). When the console opens on a
// conversation, they start at once, alongside `GET /me`, instead of after it.
import {
  conversationDetailSchema,
  recordingAnswerSchema,
  timelineSchema,
} from '@parley/server/schemas';
import type { ConversationDetail, RecordingAnswer, Timeline } from '@parley/server/schemas';
import { api } from './api.js';

export interface ReplayRequests {
  recording: Promise<RecordingAnswer>;
  timeline: Promise<Timeline>;
}

/** Starts both replay requests at once; each promise settles on its own. */
export function replayRequests(conversationId: string): ReplayRequests {
  const path = `/conversations/${encodeURIComponent(conversationId)}`;
  return quiet({
    recording: api.get(`${path}/recording`, recordingAnswerSchema),
    timeline: api.get(`${path}/timeline`, timelineSchema),
  });
}

/** Everything the conversation page asks for. */
export interface ConversationRequests {
  detail: Promise<ConversationDetail>;
  replay: ReplayRequests;
}

let early: { id: string; requests: ConversationRequests } | null = null;

/**
 * The page's requests: the ones `prefetchConversation` started for this id (once), else new ones.
 */
export function conversationRequests(conversationId: string): ConversationRequests {
  const started = early?.id === conversationId ? early.requests : null;
  early = null;
  if (started) return started;
  const path = `/conversations/${encodeURIComponent(conversationId)}`;
  return {
    detail: quiet({ detail: api.get(path, conversationDetailSchema) }).detail,
    replay: replayRequests(conversationId),
  };
}

/** Starts a conversation page's requests before the page mounts (at the console's start). */
export function prefetchConversation(conversationId: string): void {
  early = null;
  early = { id: conversationId, requests: conversationRequests(conversationId) };
}

/** Forgets prefetched requests (they were sent without a session: the answers are refusals). */
export function dropPrefetched(): void {
  early = null;
}

/** Not unhandled if the page fails before the replay mounts; the component still sees the error. */
function quiet<T extends Record<string, Promise<unknown>>>(requests: T): T {
  for (const request of Object.values(requests)) request.catch(() => {});
  return requests;
}
