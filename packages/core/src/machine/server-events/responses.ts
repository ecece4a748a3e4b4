// Server events of the response family: a response's life (created, done), its output items and
// content parts, and the text, transcript, audio and function-call argument streams inside them.
import type { ServerEventOf } from '../../protocol/index.js';
import { applyItem } from '../apply-item.js';
import { mcpOf } from '../mcp-family.js';
import { appendText, finalText } from '../conversation.js';
import {
  addResponseUsage,
  applyAudioDelta,
  applyAudioDone,
  markOutput,
  setResponse,
  settleResponseItems,
  startTurnMetrics,
} from '../responses.js';
import { withView } from '../items.js';
import { touch, UNKNOWN_RESPONSE } from '../sequencing.js';
import { appendArguments, finalArguments, followUpAfterTools, startCall } from '../tool-calls.js';
import type { ServerEventHandlers, StampedTransition } from '../transition.js';

type OutputItemEvent = ServerEventOf<'response.output_item.added' | 'response.output_item.done'>;

function onOutputItem(t: StampedTransition, event: OutputItemEvent): void {
  applyItem(t, event.item, {
    final: event.type === 'response.output_item.done',
    responseId: event.response_id,
    wallAt: t.wallAt,
    positioned: false,
  });
  if (
    event.type === 'response.output_item.done' &&
    event.item.type === 'function_call' &&
    event.item.id
  ) {
    startCall(t, event.item.id, event.item.status);
  }
}

export const responseEventHandlers: ServerEventHandlers = {
  'response.created': (t, event) => onResponseCreated(t, event.response),
  'response.done': (t, event) => onResponseDone(t, event.response),
  'response.output_item.added': onOutputItem,
  'response.output_item.done': onOutputItem,
  'response.content_part.added': (t, event) => {
    const record = t.record(event.item_id);
    const modality =
      event.part.type === 'audio' || event.part.type === 'output_audio' ? 'audio' : 'text';
    if (record?.view.type === 'message' && record.view.modality !== modality) {
      t.put(withView(record, { modality }));
    }
  },
  'response.content_part.done': (t, event) => {
    const text = event.part.transcript ?? event.part.text;
    if (typeof text === 'string' && text !== '')
      finalText(t, event.item_id, text, 'assistant', t.wallAt);
  },
  'response.output_text.delta': (t, event) => {
    appendText(t, event.item_id, event.delta, 'assistant', t.wallAt, event.response_id);
    markOutput(t, event.response_id, 'text');
  },
  'response.output_audio_transcript.delta': (t, event) => {
    appendText(t, event.item_id, event.delta, 'assistant', t.wallAt, event.response_id, 'audio');
    markOutput(t, event.response_id, 'text');
  },
  'response.output_text.done': (t, event) =>
    finalText(t, event.item_id, event.text, 'assistant', t.wallAt),
  'response.output_audio_transcript.done': (t, event) =>
    finalText(t, event.item_id, event.transcript, 'assistant', t.wallAt),
  'response.output_audio.delta': (t, event) => applyAudioDelta(t, event, t.wallAt),
  'response.output_audio.done': (t, event) => applyAudioDone(t, event.item_id),
  'response.function_call_arguments.delta': (t, event) =>
    appendArguments(t, event.item_id, event.call_id, event.response_id, event.delta, t.wallAt),
  'response.function_call_arguments.done': (t, event) =>
    finalArguments(
      t,
      event.item_id,
      event.call_id,
      event.response_id,
      event.arguments,
      event.name,
      t.wallAt,
    ),
};

function onResponseCreated(
  t: StampedTransition,
  created: ServerEventOf<'response.created'>['response'],
): void {
  // The official types make the id optional: a response without one is still the one going on.
  const response = { ...created, id: created.id ?? UNKNOWN_RESPONSE };
  // Out-of-band responses (`conversation: "none"`) do not hold the conversation.
  if (response.conversation_id === null) {
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
    if (t.online) t.send({ type: 'response.cancel', response_id: response.id });
  }
  if (!existing) startTurnMetrics(t, response.id, t.state.turnStart);
  t.state.turnStart = null;
  touch(t);
}

function onResponseDone(
  t: StampedTransition,
  done: ServerEventOf<'response.done'>['response'],
): void {
  // Without an id (optional in the official types) the done is the active response's: the turn
  // must end, or it would stay on "thinking" for good.
  const response = { ...done, id: done.id ?? t.state.activeResponseId ?? UNKNOWN_RESPONSE };
  const status = response.status ?? 'completed';
  if (response.conversation_id === null || t.state.outOfBand.includes(response.id)) {
    if (response.usage) addResponseUsage(t, response.usage, response.id);
    return;
  }
  for (const output of response.output ?? []) {
    if (output.type === 'unparsed') continue;
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
