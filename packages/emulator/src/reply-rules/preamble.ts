import { REALTIME_MODELS } from '@parley/core';
import type { ReplyPlan } from '../responder.js';

/** What a reasoning model says before a tool call, in the same response. */
export const PREAMBLE = 'One moment, let me check that.';

/**
 * Whether `model` is of the gpt-realtime-2 family (core's catalog marks them `reasoning`; dated
 * snapshots and unknown `gpt-realtime-2…` names count too).
 */
export function speaksPreambles(model: string): boolean {
  return (
    REALTIME_MODELS.some((entry) => entry.reasoning && model.startsWith(entry.id)) ||
    /^gpt-realtime-2(\b|[.-])/.test(model)
  );
}

/**
 * The outputs of one response, in order. The deterministic preamble rule: on a gpt-realtime-2
 * family model, a response that calls a function first says {@link PREAMBLE} as its own assistant
 * message (output_index 0, the call at 1, the order of the recorded function-call session).
 * Other models, and replies without a call, keep one output.
 */
export function responseSteps(plan: ReplyPlan, model: string, enabled = true): ReplyPlan[] {
  if (enabled && plan.kind === 'function_call' && speaksPreambles(model))
    return [{ kind: 'message', text: PREAMBLE }, plan];
  return [plan];
}
