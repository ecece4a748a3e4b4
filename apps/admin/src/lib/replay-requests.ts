// The replay's two requests, started together (and by the conversation page alongside its own).
import { recordingAnswerSchema, timelineSchema } from '@parley/server/schemas';
import type { RecordingAnswer, Timeline } from '@parley/server/schemas';
import { api } from './api.js';

export interface ReplayRequests {
  recording: Promise<RecordingAnswer>;
  timeline: Promise<Timeline>;
}

/** Starts both requests at once; each promise settles on its own. */
export function replayRequests(conversationId: string): ReplayRequests {
  const path = `/conversations/${encodeURIComponent(conversationId)}`;
  const requests = {
    recording: api.get(`${path}/recording`, recordingAnswerSchema),
    timeline: api.get(`${path}/timeline`, timelineSchema),
  };
  // Not unhandled if the page fails before the replay mounts; the component still sees the error.
  for (const request of Object.values(requests)) request.catch(() => {});
  return requests;
}
