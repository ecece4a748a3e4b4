// Realtime events of the response family: a response's life (started, done), the modality of its
// content parts, and the audio and function-call argument streams inside them (text streams and
// output items are the conversation family's, ./items.ts).
import { applyItem } from '../apply-item.js';
import { mcpOf } from '../mcp-family.js';
import {
  addResponseUsage,
  applyAudioDelta,
  applyAudioDone,
  setResponse,
  settleResponseItems,
  startTurnMetrics,
} from '../responses.js';
import { withView } from '../items.js';
import { touch, UNKNOWN_RESPONSE } from '../sequencing.js';
import { appendArguments, finalArguments, followUpAfterTools } from '../tool-calls.js';
import type { NeutralEventHandlers, RealtimeEventOf, StampedTransition } from '../transition.js';

export const responseEventHandlers: NeutralEventHandlers = {
  response_started: onResponseStarted,
  response_done: onResponseDone,
  output_modality: (t, { itemId, modality }) => {
    const record = t.record(itemId);
    if (record?.view.type === 'message' && record.view.modality !== modality) {
      t.put(withView(record, { modality }));
    }
  },
  audio_delta: (t, event) => applyAudioDelta(t, event.itemId, event.responseId, event.audio),
  audio_done: (t, event) => applyAudioDone(t, event.itemId),
  arguments: (t, { itemId, callId, responseId, text, done, name }) =>
    done
      ? finalArguments(t, itemId, callId, responseId, text, name, t.wallAt)
      : appendArguments(t, itemId, callId, responseId, text, t.wallAt),
};

function onResponseStarted(
  t: StampedTransition,
  started: RealtimeEventOf<'response_started'>,
): void {
  // The official types make the id optional: a response without one is still the one going on.
  const response = { id: started.id ?? UNKNOWN_RESPONSE };
  // Out-of-band responses (`conversation: "none"`) do not hold the conversation.
  if (started.outOfBand) {
    t.state.outOfBand = [...t.state.outOfBand.slice(-7), response.id];
    return;
  }
  const existing = t.state.responses.get(response.id);
  setResponse(t, {
    id: response.id,
    done: existing?.done ?? false,
    status: existing?.status ?? 'in_progress',
    hasOutput: existing?.hasOutput ?? false,
    clientCalls: existing?.clientCalls ?? [],
    turnStart: t.state.turnStart,
    followedUp: existing?.followedUp ?? false,
  });
  if (existing?.done !== true) t.state.activeResponseId = response.id;
  if (t.state.createInFlight !== null) {
    t.state.recentCreate = t.state.createInFlight;
    t.state.createInFlight = null;
  }
  t.state.awaitingResponse = false;
  if (t.state.cancelOnCreated) {
    t.state.cancelOnCreated = false;
    t.state.silencedResponseId = response.id;
    if (t.online) t.command({ kind: 'cancel_response', responseId: response.id });
  }
  if (!existing) startTurnMetrics(t, response.id, t.state.turnStart);
  t.state.turnStart = null;
  touch(t);
}

function onResponseDone(t: StampedTransition, done: RealtimeEventOf<'response_done'>): void {
  // Without an id (optional in the official types) the done is the active response's: the turn
  // must end, or it would stay on "thinking" for good.
  const response = { ...done, id: done.id ?? t.state.activeResponseId ?? UNKNOWN_RESPONSE };
  const status = response.status;
  if (response.outOfBand || t.state.outOfBand.includes(response.id)) {
    if (response.usage) addResponseUsage(t, response.usage, response.id);
    return;
  }
  for (const output of response.output) {
    if (output.id !== undefined && (t.has(output.id) || output.type === 'message')) {
      applyItem(t, output, {
        final: true,
        responseId: response.id,
        wallAt: t.wallAt,
        positioned: false,
      });
    }
  }
  settleResponseItems(t, response.id, status);
  if (status !== 'completed') mcpOf(t.state)?.cancelCalls(t, response.id);
  if (response.usage) addResponseUsage(t, response.usage, response.id);
  const existing = t.state.responses.get(response.id);
  setResponse(t, {
    id: response.id,
    done: true,
    status,
    hasOutput: existing?.hasOutput ?? false,
    clientCalls: existing?.clientCalls ?? [],
    turnStart: existing?.turnStart ?? null,
    followedUp: existing?.followedUp ?? false,
  });
  if (t.state.activeResponseId === response.id || t.state.activeResponseId === UNKNOWN_RESPONSE) {
    t.state.activeResponseId = null;
  }
  if (t.state.createInFlight === null) t.state.recentCreate = null;
  touch(t);
  followUpAfterTools(t, response.id);
}
