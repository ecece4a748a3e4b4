// A response's life in the conversation: its assistant audio, the turn's latency metrics, its usage
// and cost, and the items it leaves behind when it ends. Items themselves are in conversation.ts.
import type { Usage } from '../protocol/index.js';
import type { TurnMetrics } from '../types.js';
import { messageFor, store } from './conversation.js';
import { SAMPLES_PER_MS, base64Samples, withView } from './items.js';
import { addUsage, modelCost, tokenUsageOf } from './pricing.js';
import type { ResponseRecord } from './state.js';
import type { StampedTransition, Transition } from './transition.js';

/** Responses kept after they are done (for late events and tool batches). */
const KEPT_RESPONSES = 32;

// ── audio ──

/** Counts and (unless silenced) plays one assistant audio delta. */
export function applyAudioDelta(
  t: StampedTransition,
  itemId: string,
  responseId: string,
  audio: string,
): void {
  const record = messageFor(t, itemId, 'assistant', t.wallAt, responseId);
  if (record.view.type !== 'message') return;
  const audioSamples = record.audioSamples + base64Samples(audio);
  // `audioMs` is published when the audio is done, not per chunk: no re-render per audio delta.
  t.put(
    record.view.modality === 'audio'
      ? { ...record, audioSamples }
      : withView({ ...record, audioSamples }, { modality: 'audio' }),
  );
  markOutput(t, responseId, 'audio');
  const silenced = record.view.interrupted || t.state.silencedResponseId === responseId;
  if (!silenced) {
    t.effect({ type: 'audio_enqueue', itemId, audio });
    if (t.state.playback?.itemId !== itemId) {
      t.state.playback = { itemId, responseId };
    }
  }
}

/** The server finished sending an item's audio. */
export function applyAudioDone(t: Transition, itemId: string): void {
  const record = t.record(itemId);
  if (!record || record.audioDone) return;
  t.put(
    withView(
      { ...record, audioDone: true },
      { audioMs: Math.round(record.audioSamples / SAMPLES_PER_MS) },
    ),
  );
  // The player may already have played everything: then nothing is audible any more.
  const idle = t.state.lastIdle;
  if (
    t.state.playback?.itemId === itemId &&
    idle !== null &&
    idle.itemId === itemId &&
    idle.playedSamples >= record.audioSamples
  ) {
    t.state.playback = null;
  }
}

/** A response produced output: the agent is speaking (and the turn's first output is timed). */
export function markOutput(t: Transition, responseId: string, kind: 'audio' | 'text'): void {
  const response = t.state.responses.get(responseId);
  if (response && !response.hasOutput) setResponse(t, { ...response, hasOutput: true });
  t.updateTurn(responseId, (turn) =>
    turn.firstAudioReceivedAt !== null || (kind === 'text' && responseHasAudio(t, responseId))
      ? turn
      : withLatency(t, { ...turn, firstAudioReceivedAt: t.at }),
  );
}

function responseHasAudio(t: Transition, responseId: string): boolean {
  return t.allRecords.some(
    (record) =>
      record.view.type === 'message' &&
      record.view.responseId === responseId &&
      record.view.modality === 'audio',
  );
}

/** Fills in derived latencies and keeps the running means. */
export function withLatency(t: Transition, turn: TurnMetrics): TurnMetrics {
  const start = turn.userStoppedAt;
  let next = turn;
  const sums = { ...t.state.latencySums };
  if (start !== null && turn.firstAudioReceivedAt !== null && turn.timeToFirstAudioMs === null) {
    const value = Math.round(turn.firstAudioReceivedAt - start);
    next = { ...next, timeToFirstAudioMs: value };
    sums.audio += value;
    sums.audioCount += 1;
  }
  if (start !== null && turn.firstAudioPlayedAt !== null && turn.timeToFirstPlayMs === null) {
    const value = Math.round(turn.firstAudioPlayedAt - start);
    next = { ...next, timeToFirstPlayMs: value };
    sums.play += value;
    sums.playCount += 1;
  }
  if (next !== turn) {
    t.state.latencySums = sums;
    const metrics = t.snapshot.metrics;
    t.set('metrics', {
      ...metrics,
      meanTimeToFirstAudioMs: sums.audioCount > 0 ? sums.audio / sums.audioCount : null,
      meanTimeToFirstPlayMs: sums.playCount > 0 ? sums.play / sums.playCount : null,
    });
  }
  return next;
}

/** The first sample of a response was played (locally or by the WebRTC server buffer). */
export function markPlayed(t: Transition, responseId: string | null): void {
  t.updateTurn(responseId, (turn) =>
    turn.firstAudioPlayedAt !== null ? turn : withLatency(t, { ...turn, firstAudioPlayedAt: t.at }),
  );
}

// ── responses ──

export function setResponse(t: Transition, response: ResponseRecord): void {
  const responses = new Map(t.state.responses);
  responses.set(response.id, response);
  if (responses.size > KEPT_RESPONSES) {
    for (const [id, candidate] of responses) {
      if (responses.size <= KEPT_RESPONSES) break;
      if (candidate.done && id !== t.state.activeResponseId) responses.delete(id);
    }
  }
  t.state.responses = responses;
}

/** Starts the metrics entry of a new response (bounded history). */
export function startTurnMetrics(
  t: Transition,
  responseId: string,
  userStoppedAt: number | null,
): void {
  const metrics = t.snapshot.metrics;
  const entry: TurnMetrics = {
    responseId,
    userStoppedAt,
    firstAudioReceivedAt: null,
    firstAudioPlayedAt: null,
    timeToFirstAudioMs: null,
    timeToFirstPlayMs: null,
    tools: [],
    usage: null,
    costUsd: null,
  };
  const turns = [...metrics.turns, entry];
  if (turns.length > t.state.config.metricsHistory)
    turns.splice(0, turns.length - t.state.config.metricsHistory);
  t.set('metrics', { ...metrics, turns, turnCount: metrics.turnCount + 1 });
}

/** Adds a finished response's usage to the totals and prices it. */
export function addResponseUsage(
  t: Transition,
  usage: Usage,
  responseId: string | null = null,
): void {
  const tokens = tokenUsageOf(usage);
  const current = t.snapshot.usage;
  const model = t.snapshot.model;
  const cost = modelCost(tokens, model, t.state.config.prices);
  t.set('usage', {
    ...current,
    responses: current.responses + 1,
    total: addUsage(current.total, tokens),
    lastResponse: tokens,
    model,
    costUsd: cost === null ? current.costUsd : (current.costUsd ?? 0) + cost,
  });
  t.updateTurn(responseId, (turn) => ({ ...turn, usage: tokens, costUsd: cost }));
}

/**
 * Closes out the items of a finished response: after a cancel or failure its open messages end
 * `incomplete` and its unfinished calls `cancelled`; after a success, messages whose own `done`
 * event never came are completed (the response's word is final).
 */
export function settleResponseItems(t: Transition, responseId: string, status: string): void {
  const completed = status === 'completed';
  for (const record of t.allRecords) {
    const view = record.view;
    if (view.responseId !== responseId) continue;
    if (
      view.type === 'message' &&
      view.role === 'assistant' &&
      (view.status === 'in_progress' || view.streaming)
    ) {
      store(
        t,
        withView(record, {
          audioMs: Math.round(record.audioSamples / SAMPLES_PER_MS),
          status: completed ? 'completed' : 'incomplete',
          streaming: false,
          interrupted: (!completed && status === 'cancelled') || view.interrupted,
        }),
      );
    } else if (!completed && view.type === 'function_call' && view.status === 'streaming') {
      store(t, withView(record, { status: 'cancelled' }));
    }
  }
}
