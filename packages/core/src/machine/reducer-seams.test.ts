// The reducer's seams (issue 14 §5, issue 16 §1): Realtime events, decoded by the Realtime adapter,
// dispatched through per-family handler tables keyed by neutral kind; the session's counters
// posted as an event (one writer for the snapshot); and the selectors the session reads instead of
// the machine's internal flags.
import { describe, expect, it } from 'vitest';
import { initialState, type MachineState } from './state.js';
import { reduce } from './reducer.js';
import { canSendAudio, wantsMicrophoneAudio } from './selectors.js';
import { sessionEventHandlers } from './server-events/session.js';
import { itemEventHandlers } from './server-events/items.js';
import { responseEventHandlers } from './server-events/responses.js';
import { audioBufferEventHandlers } from './server-events/audio-buffers.js';
import { mcpEventHandlers } from './server-events/mcp.js';
import type { ServerEvent } from '../protocol/index.js';

function connected(): MachineState {
  let state = initialState();
  const step = (event: Parameters<typeof reduce>[1]) => {
    state = reduce(state, event).state;
  };
  step({ type: 'connect', idPrefix: 'evt_', at: 0 });
  step({
    type: 'credentials_ready',
    dialect: 'ga',
    serverRunsTools: false,
    model: 'gpt-realtime',
    at: 1,
  });
  step({ type: 'transport_open', at: 2 });
  const created = {
    type: 'session.created',
    event_id: 'event_1',
    session: { type: 'realtime', id: 'sess_1', model: 'gpt-realtime' },
  } as unknown as ServerEvent;
  step({ type: 'server', event: created, at: 3, wallAt: 1_000 });
  return state;
}

describe('Realtime event handler families', () => {
  it('never claim the same neutral kind twice', () => {
    const families = [
      sessionEventHandlers,
      itemEventHandlers,
      responseEventHandlers,
      audioBufferEventHandlers,
      // The lazily loaded MCP family is looked up after the eager table: it must not shadow it.
      mcpEventHandlers,
    ];
    const types = families.flatMap((family) => Object.keys(family));
    expect(new Set(types).size).toBe(types.length);
    expect(types).toContain('response_done');
    expect(types).toContain('session_started');
  });

  it('stamp items with the wall time the event carried', () => {
    const state = reduce(connected(), {
      type: 'server',
      event: {
        type: 'conversation.item.added',
        event_id: 'event_2',
        previous_item_id: null,
        item: {
          id: 'item_1',
          type: 'message',
          role: 'user',
          status: 'completed',
          content: [{ type: 'input_text', text: 'hi' }],
        },
      } as unknown as ServerEvent,
      at: 10,
      wallAt: 42_000,
    }).state;
    expect(state.snapshot.items[0]?.createdAt).toBe(42_000);
  });
});

describe('session counters event', () => {
  it('writes the counters into the snapshot diagnostics', () => {
    const before = connected();
    const { state, effects } = reduce(before, {
      type: 'session_counters',
      listenerErrors: 2,
      droppedAudioFrames: 7,
      at: 20,
    });
    expect(state.snapshot.diagnostics.listenerErrors).toBe(2);
    expect(state.snapshot.diagnostics.droppedAudioFrames).toBe(7);
    expect(state.snapshot.diagnostics.malformedEvents).toBe(
      before.snapshot.diagnostics.malformedEvents,
    );
    expect(effects).toEqual([]);
  });

  it('keeps the snapshot identity when the counters did not change', () => {
    const before = connected();
    const { state } = reduce(before, {
      type: 'session_counters',
      listenerErrors: 0,
      droppedAudioFrames: 0,
      at: 20,
    });
    expect(state.snapshot).toBe(before.snapshot);
  });
});

describe('selectors', () => {
  it('let audio out only once the session is created and no update is in flight', () => {
    const idle = initialState();
    expect(canSendAudio(idle)).toBe(false);
    expect(wantsMicrophoneAudio(idle)).toBe(false);
    const ready = connected();
    expect(canSendAudio(ready)).toBe(true);
    expect(wantsMicrophoneAudio(ready)).toBe(true);
    const updating = reduce(ready, {
      type: 'update_session',
      patch: { instructions: 'Be brief.' },
      at: 30,
    }).state;
    expect(canSendAudio(updating)).toBe(false);
    expect(wantsMicrophoneAudio(updating)).toBe(true);
    const muted = reduce(ready, { type: 'mute', muted: true, at: 31 }).state;
    expect(wantsMicrophoneAudio(muted)).toBe(false);
  });
});
