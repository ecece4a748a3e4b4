// Property: whatever order the recorded events arrive in, mixed with the app's commands, audio
// callbacks, tool results, drops and timers, the machine never becomes inconsistent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseServerEvent, type ServerEvent, type UnknownEvent } from '../protocol/index.js';
import { fixtureNames, loadFixture } from '../test-utils/fixtures.js';
import { server } from '../test-utils/session-kit.js';
import type { MachineEffect } from './effects.js';
import type { MachineEvent } from './events.js';
import { reduce } from './reducer.js';
import { initialState, type MachineState } from './state.js';

const recorded = fixtureNames().map((name) => {
  const fixture = loadFixture(name);
  const events = fixture.serverEvents.flatMap((line) => {
    const parsed = parseServerEvent(line.text, { dialect: fixture.dialect });
    return parsed.success ? [parsed.event] : [];
  });
  return { name, dialect: fixture.dialect, events };
});

/**
 * The recordings carry no audio deltas (WebRTC) and few tool calls; a synthetic GA stream built
 * from the same event shapes adds them: a spoken answer with audio, then a tool call.
 */
function syntheticStream(): {
  name: string;
  dialect: 'ga';
  events: (ServerEvent | UnknownEvent)[];
} {
  const raw: object[] = [
    server.sessionCreated(),
    server.speechStarted('item_u1'),
    server.speechStopped('item_u1'),
    server.userItem('item_u1'),
    server.responseCreated('resp_1'),
    server.assistantItem('resp_1', 'item_a1'),
    server.audioPart('resp_1', 'item_a1'),
    ...[0, 1, 2, 3].flatMap((chunk) => [
      server.transcriptDelta('resp_1', 'item_a1', `word${chunk} `),
      server.audioDelta('resp_1', 'item_a1', 2400),
    ]),
    server.audioDone('resp_1', 'item_a1'),
    server.assistantItemDone('resp_1', 'item_a1', 'word0 word1 word2 word3 '),
    server.responseDone('resp_1'),
    server.speechStarted('item_u2'),
    server.speechStopped('item_u2'),
    server.userItem('item_u2', 'item_a1'),
    server.responseCreated('resp_2'),
    ...server.functionCall('resp_2', 'item_f1', 'call_1', 'transferToSupervisor', '{}'),
    server.responseDone('resp_2'),
    server.responseCreated('resp_3'),
    server.assistantItem('resp_3', 'item_a3'),
    server.audioDelta('resp_3', 'item_a3', 4800),
    server.responseDone('resp_3'),
  ];
  const events = raw.flatMap((event) => {
    const parsed = parseServerEvent(event);
    return parsed.success ? [parsed.event] : [];
  });
  if (events.length !== raw.length) throw new Error('the synthetic stream must parse completely');
  return { name: 'synthetic', dialect: 'ga', events };
}

const fixtures = [...recorded, syntheticStream()];

type Step =
  | { kind: 'server' }
  | { kind: 'interrupt' }
  | { kind: 'text' }
  | { kind: 'ptt'; pressed: boolean }
  | { kind: 'tool_result' }
  | { kind: 'playback_started' }
  | { kind: 'playback_idle'; samples: number }
  | { kind: 'flushed'; samples: number }
  | { kind: 'drop' }
  | { kind: 'timer'; timer: 'reconnect' | 'idle' | 'rollover' }
  | { kind: 'benign_race' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'server' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'interrupt' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'text' } as const) },
  { weight: 1, arbitrary: fc.boolean().map((pressed) => ({ kind: 'ptt', pressed }) as const) },
  { weight: 2, arbitrary: fc.constant({ kind: 'tool_result' } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: 'playback_started' } as const) },
  {
    weight: 1,
    arbitrary: fc.nat(100_000).map((samples) => ({ kind: 'playback_idle', samples }) as const),
  },
  {
    weight: 1,
    arbitrary: fc.nat(100_000).map((samples) => ({ kind: 'flushed', samples }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'drop' } as const) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('reconnect', 'idle', 'rollover')
      .map((timer) => ({ kind: 'timer', timer }) as const),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'benign_race' } as const) },
);

/** A fixture's events in a random order: nearly in order (late and early by a few), or shuffled. */
function reorder(
  events: (ServerEvent | UnknownEvent)[],
): fc.Arbitrary<(ServerEvent | UnknownEvent)[]> {
  const nearly = fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: events.length, maxLength: events.length })
    .map((jitter) =>
      events
        .map((event, index) => ({ event, key: index + (jitter[index] ?? 0) }))
        .sort((a, b) => a.key - b.key)
        .map(({ event }) => event),
    );
  return fc.oneof(nearly, fc.shuffledSubarray(events, { minLength: 0, maxLength: events.length }));
}

const scenario = fc.constantFrom(...fixtures).chain((fixture) =>
  fc.record({
    fixture: fc.constant(fixture),
    events: reorder(fixture.events),
    steps: fc.array(step, { minLength: 1, maxLength: 400 }),
  }),
);

interface Audit {
  creates: number;
  followUps: number;
}

function check(
  before: MachineState,
  after: MachineState,
  effects: MachineEffect[],
  audit: Audit,
): void {
  const snapshot = after.snapshot;
  // No agent_speaking without an active response or audio still audible.
  if (snapshot.turn === 'agent_speaking') {
    expect(after.activeResponseId !== null || after.playback !== null).toBe(true);
  }
  // No item twice, and the index agrees with the list.
  const ids = snapshot.items.map((item) => item.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(after.records.length).toBe(snapshot.items.length);
  snapshot.items.forEach((item, position) => {
    expect(after.index.get(item.id)).toBe(position);
    expect(after.records[position]?.view).toBe(item);
  });
  expect(after.index.size).toBe(ids.length);
  // Connected means a live upstream session.
  if (snapshot.status === 'connected')
    expect(after.link === 'open' && after.sessionCreated).toBe(true);
  let creates = 0;
  for (const effect of effects) {
    if (effect.type === 'send' && effect.event.type === 'response.create') {
      creates += 1;
      // Never overlaps an active response, never two in flight.
      expect(after.activeResponseId).toBeNull();
      expect(after.createInFlight?.eventId).toBe(effect.event.event_id);
      expect(creates).toBe(1);
    }
    if (effect.type === 'send' && effect.event.type === 'response.cancel') {
      // Only while a response is (believed) active.
      expect(before.activeResponseId !== null || after.activeResponseId !== null).toBe(true);
    }
    if (effect.type === 'tool_run') {
      // No tool call without its response: the call is an item of a response the machine knows.
      const record = after.records[after.index.get(effect.itemId) ?? -1];
      expect(record?.view.type).toBe('function_call');
      expect(record?.view.responseId !== null && after.responses.has(record!.view.responseId)).toBe(
        true,
      );
      expect(after.runningCalls.has(effect.callId)).toBe(true);
    }
  }
  audit.creates += creates;
  // A response whose tool calls all finished asks for exactly one follow-up.
  for (const response of after.responses.values()) {
    if (response.done && response.status === 'completed' && response.clientCalls.length > 0) {
      const pending = response.clientCalls.some((callId) => after.runningCalls.has(callId));
      if (!pending && after.wantConnected) expect(response.followedUp).toBe(true);
    }
  }
  const followUps = [...after.responses.values()].filter((response) => response.followedUp).length;
  expect(followUps).toBeGreaterThanOrEqual(0);
  audit.followUps = Math.max(audit.followUps, followUps);
}

describe('random interleavings of recorded events', () => {
  it('never leave the machine inconsistent', () => {
    fc.assert(
      fc.property(scenario, ({ fixture, events, steps }) => {
        let state = initialState({
          config: { idleTimeoutMs: 60_000 },
          tools: [{ type: 'function', name: 'transferToSupervisor', parameters: {} }],
        });
        let at = 0;
        const audit: Audit = { creates: 0, followUps: 0 };
        const apply = (event: MachineEvent) => {
          const result = reduce(state, event);
          check(state, result.state, result.effects, audit);
          state = result.state;
        };
        apply({ type: 'connect', idPrefix: 'evt_', at });
        apply({
          type: 'credentials_ready',
          dialect: fixture.dialect,
          serverRunsTools: false,
          model: null,
          at,
        });
        apply({ type: 'transport_open', at });
        let cursor = 0;
        for (const next of steps) {
          at += 7;
          switch (next.kind) {
            case 'server': {
              const event = events[cursor++];
              if (event) apply({ type: 'server', event, at, wallAt: 1_767_000_000_000 + at });
              break;
            }
            case 'interrupt':
              apply({ type: 'interrupt', at });
              break;
            case 'text':
              apply({ type: 'send_text', text: 'hi', itemId: `item_text_${at}`, at, wallAt: at });
              break;
            case 'ptt':
              apply({ type: 'push_to_talk', pressed: next.pressed, at });
              break;
            case 'tool_result': {
              const callId = state.runningCalls.keys().next().value;
              if (callId !== undefined)
                apply({ type: 'tool_result', callId, output: '{}', error: null, at });
              break;
            }
            case 'playback_started': {
              const itemId = state.playback?.itemId;
              if (itemId) apply({ type: 'playback_started', itemId, at });
              break;
            }
            case 'playback_idle': {
              const itemId = state.playback?.itemId;
              if (itemId) {
                apply({
                  type: 'playback_idle',
                  position: { itemId, playedSamples: next.samples, outputLatencyMs: 0 },
                  at,
                });
              }
              break;
            }
            case 'flushed': {
              const itemId = state.bargeIn?.itemId;
              apply({
                type: 'playback_flushed',
                position: itemId
                  ? { itemId, playedSamples: next.samples, outputLatencyMs: 10 }
                  : null,
                at,
              });
              break;
            }
            case 'drop':
              if (state.link !== 'none') {
                apply({
                  type: 'transport_closed',
                  code: 1006,
                  reason: '',
                  initiatedLocally: false,
                  at,
                  random: 0.3,
                });
              }
              break;
            case 'timer':
              apply({ type: 'timer', timer: next.timer, at });
              if (next.timer === 'reconnect' && state.link === 'opening') {
                apply({
                  type: 'credentials_ready',
                  dialect: fixture.dialect,
                  serverRunsTools: false,
                  model: null,
                  at,
                });
                apply({ type: 'transport_open', at });
                const created = events.find((event) => event.type === 'session.created');
                if (created) apply({ type: 'server', event: created, at, wallAt: at });
              }
              break;
            case 'benign_race': {
              const inFlight = state.createInFlight ?? state.recentCreate;
              const parsed = parseServerEvent({
                type: 'error',
                event_id: `event_race_${at}`,
                error: {
                  type: 'invalid_request_error',
                  code: 'conversation_already_has_active_response',
                  message: 'Conversation already has an active response in progress: resp_race.',
                  event_id: inFlight?.eventId ?? null,
                },
              });
              if (parsed.success) apply({ type: 'server', event: parsed.event, at, wallAt: at });
              break;
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
