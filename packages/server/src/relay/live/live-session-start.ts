/** Turns a published agent config into the GPT-Live `session.start` the relay sends upstream. */
import { DEFAULT_LIVE_VOICE, LIVE_VOICES } from '@parley/core';
import type { AgentConfig } from '../../schemas.js';
import type { Tool } from '@parley/core';
import { currentTimeLine } from '../../session-config.js';
import type { LiveInputItem } from './live-resume-input.js';

/** The `session` of a Live `session.start` (the fields Parley sets). */
export interface LiveStartConfig {
  model: string;
  instructions: string;
  audio: { format: { type: 'audio/pcm'; rate: 24000 }; output: { voice: string } };
  /** A resumed conversation's history (text only), within Live's startup limits. */
  input?: LiveInputItem[];
  /** Asks GPT-Live to keep the session's recording (the agent records; imported at the end). */
  store?: true;
  delegation:
    | { type: 'client' }
    | {
        type: 'responses';
        responses: {
          model: string;
          instructions?: string;
          tools: Array<Tool | { type: 'web_search' }>;
          tool_choice: 'auto';
        };
      };
}

/**
 * The startup config: the agent's instructions (with the current time line, as for Realtime),
 * its voice when GPT-Live has it (else the default), and its tools as function tools of a
 * Responses delegation with the admin's backend model and hosted tools — GPT-Live's voice calls no
 * tools itself. Under client delegation the server answers delegations and no tools are sent.
 */
export function liveSessionStart(
  config: AgentConfig,
  tools: readonly Tool[],
  now: Date,
): LiveStartConfig {
  const voice = (LIVE_VOICES as readonly string[]).includes(config.voice)
    ? config.voice
    : DEFAULT_LIVE_VOICE;
  return {
    model: config.model,
    instructions: `${config.instructions}\n\n${currentTimeLine(now, config.timeZone)}`,
    audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice } },
    ...(config.recording.enabled ? { store: true as const } : {}),
    delegation:
      config.live.delegation === 'client'
        ? { type: 'client' }
        : {
            type: 'responses',
            responses: {
              model: config.live.backendModel,
              ...(config.live.backendInstructions === null
                ? {}
                : { instructions: config.live.backendInstructions }),
              tools: [...tools, ...config.live.hostedTools.map((type) => ({ type }))],
              tool_choice: 'auto',
            },
          },
  };
}
