/**
 * The GPT-Live session a browser's WebRTC call is created with: the relay's startup config (the
 * published instructions, voice and delegation) without an audio format (WebRTC negotiates Opus),
 * and `client.data_channel` permissions that leave the browser what a visitor needs, as the relay's
 * allowlist does (live-protocol.md §3.5): mute and unmute, and the events its transcript, tool
 * cards and usage show. Instructions, delegation, context appends and history stay the server's.
 */
import type { Tool } from '@parley/core';
import type { LiveInputItem } from '../relay/live/live-resume-input.js';
import { liveSessionStart, type LiveStartConfig } from '../relay/live/live-session-start.js';
import type { AgentConfig } from '../schemas.js';

/** What the browser's data channel may send: nothing that changes the agent. */
export const LIVE_CHANNEL_CLIENT_EVENTS: readonly string[] = [
  'session.input_audio.mute',
  'session.input_audio.unmute',
];

/** What the browser's data channel receives (its transcript, mute state, tool cards, usage, the end). */
export const LIVE_CHANNEL_SERVER_EVENTS: ReadonlyArray<
  string | { type: string; response_event: string }
> = [
  'session.started',
  'session.input_transcript.delta',
  'session.output_transcript.delta',
  'session.input_audio.muted',
  'session.input_audio.unmuted',
  'session.delegation.created',
  { type: 'response.event', response_event: 'response.output_item.added' },
  { type: 'response.event', response_event: 'response.output_item.done' },
  'session.usage.updated',
  'session.closed',
  'error',
  'info',
];

/** The `session` of `POST /v1/live/sessions` for a WebRTC call. */
export type LiveCallConfig = Omit<LiveStartConfig, 'audio' | 'input'> & {
  /**
   * A resumed conversation's history (`liveResumeInput`): GPT-Live takes it only at startup, and
   * the create request of a WebRTC session is that startup (`input` of the official
   * `SessionCreateParams.session`, live-protocol.md §3.1). Absent on a new conversation.
   */
  input?: LiveInputItem[];
  audio: { output: { voice: string } };
  client: {
    data_channel: {
      allowed_client_events: string[];
      allowed_server_events: Array<string | { type: string; response_event: string }>;
    };
  };
};

/** The published agent's WebRTC session (see the module comment). */
export function liveCallConfig(
  config: AgentConfig,
  tools: readonly Tool[],
  now: Date,
): LiveCallConfig {
  const { audio, input: _history, ...start } = liveSessionStart(config, tools, now);
  return {
    ...start,
    audio: { output: audio.output },
    client: {
      data_channel: {
        allowed_client_events: [...LIVE_CHANNEL_CLIENT_EVENTS],
        allowed_server_events: [...LIVE_CHANNEL_SERVER_EVENTS],
      },
    },
  };
}

/** A tool as compared: kind and name (parameters may be normalised upstream). */
function toolKeys(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .map((tool: unknown) => {
      const { type, name } = (tool && typeof tool === 'object' ? tool : {}) as Record<
        string,
        unknown
      >;
      return JSON.stringify([type ?? 'function', name ?? null]);
    })
    .sort();
}

/**
 * The parts of the published delegation that `seen` (a `session.updated` session) holds
 * differently: its type, the backend model, its instructions, its tools. Empty when as published.
 */
export function delegationDrift(published: LiveCallConfig['delegation'], seen: unknown): string[] {
  const session = (seen && typeof seen === 'object' ? seen : {}) as Record<string, unknown>;
  const delegation = (session.delegation ?? {}) as Record<string, unknown>;
  if (delegation.type !== published.type) return ['delegation.type'];
  if (published.type !== 'responses') return [];
  const responses = (delegation.responses ?? {}) as Record<string, unknown>;
  const drift: string[] = [];
  if (responses.model !== published.responses.model) drift.push('delegation.responses.model');
  if ((responses.instructions ?? null) !== (published.responses.instructions ?? null))
    drift.push('delegation.responses.instructions');
  const expected = toolKeys(published.responses.tools);
  const actual = toolKeys(responses.tools);
  if (expected.length !== actual.length || expected.some((key, index) => key !== actual[index]))
    drift.push('delegation.responses.tools');
  return drift;
}
