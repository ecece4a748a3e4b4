// The machine when the transport carries the audio as media (WebRTC): no audio deltas, the
// server's output_audio_buffer.* events say what is audible, and barge-in goes through the server.
import { describe, expect, it } from 'vitest';
import { createMachineHarness } from '../test-utils/machine-harness.js';
import type { MessageItem } from '../types.js';
import { heardSplit, itemPlayhead } from './heard.js';

const TEXT = 'Our fees are paid by the seller at closing, so there is nothing to pay today.';

/** A harness connected over WebRTC, with a reply whose transcript has arrived in full. */
function speakingOverMedia() {
  const machine = createMachineHarness();
  machine.dispatch({ type: 'connect', idPrefix: 'evt_', at: 0 });
  machine.dispatch({
    type: 'credentials_ready',
    dialect: 'ga',
    serverRunsTools: true,
    managedSession: true,
    model: null,
    at: 0,
  });
  machine.dispatch({ type: 'transport_open', transport: 'webrtc', media: true, at: 0 });
  machine.server({
    type: 'session.created',
    event_id: 'e0',
    session: { type: 'realtime', id: 'sess_1', model: 'gpt-realtime' },
  });
  machine.server({
    type: 'response.created',
    event_id: 'e1',
    response: { id: 'resp_1', object: 'realtime.response', status: 'in_progress', output: [] },
  });
  machine.server({
    type: 'response.output_item.added',
    event_id: 'e2',
    response_id: 'resp_1',
    output_index: 0,
    item: { id: 'item_a', type: 'message', role: 'assistant', status: 'in_progress', content: [] },
  });
  machine.server({
    type: 'response.output_audio_transcript.delta',
    event_id: 'e3',
    response_id: 'resp_1',
    item_id: 'item_a',
    output_index: 0,
    content_index: 0,
    delta: TEXT,
  });
  machine.server({ type: 'output_audio_buffer.started', event_id: 'e4', response_id: 'resp_1' });
  return machine;
}

const item = (machine: ReturnType<typeof createMachineHarness>) =>
  machine.snapshot.items.find((entry) => entry.id === 'item_a') as MessageItem;

describe('audio as media (WebRTC)', () => {
  it('puts the transport and no fallback reason on the snapshot', () => {
    const machine = speakingOverMedia();
    expect(machine.snapshot.transport).toBe('webrtc');
    expect(machine.snapshot.transportFallbackReason).toBeNull();
    expect(machine.snapshot.turn).toBe('agent_speaking');
  });

  it('says why an auto transport fell back to WebSocket', () => {
    const machine = createMachineHarness();
    machine.dispatch({ type: 'connect', idPrefix: 'evt_', at: 0 });
    machine.dispatch({
      type: 'credentials_ready',
      dialect: 'ga',
      serverRunsTools: false,
      model: null,
      at: 0,
    });
    machine.dispatch({
      type: 'transport_open',
      transport: 'websocket',
      media: false,
      fallbackReason: 'ice_failed',
      at: 0,
    });
    // Shown with the connected status, not before.
    expect(machine.snapshot.transport).toBeNull();
    machine.server({
      type: 'session.created',
      event_id: 'e0',
      session: { type: 'realtime', id: 'sess_1', model: 'gpt-realtime' },
    });
    expect(machine.snapshot.status).toBe('connected');
    expect(machine.snapshot.transport).toBe('websocket');
    expect(machine.snapshot.transportFallbackReason).toBe('ice_failed');
  });

  it('interrupts with response.cancel then output_audio_buffer.clear, and never flushes or truncates itself', () => {
    const machine = speakingOverMedia();
    machine.advance(1500);
    machine.dispatch({ type: 'interrupt', at: 0 });
    expect(machine.sent().map((event) => event.type)).toEqual([
      'response.cancel',
      'output_audio_buffer.clear',
    ]);
    expect(machine.effectsOf('audio_flush')).toEqual([]);
    expect(machine.sent('conversation.item.truncate')).toEqual([]);
  });

  it('marks what was heard at once, then where the server truncated', () => {
    const machine = speakingOverMedia();
    machine.advance(1500);
    machine.dispatch({ type: 'interrupt', at: 0 });
    expect(item(machine).interrupted).toBe(true);
    expect(item(machine).audioEndMs).toBe(1500);
    const local = heardSplit(item(machine));
    expect(local.cut).toBe(true);
    expect(local.heard.length).toBeGreaterThan(0);
    expect(local.heard.length).toBeLessThan(TEXT.length);
    machine.server({ type: 'output_audio_buffer.cleared', event_id: 'e5', response_id: 'resp_1' });
    machine.server({
      type: 'conversation.item.truncated',
      event_id: 'e6',
      item_id: 'item_a',
      content_index: 0,
      audio_end_ms: 1400,
    });
    expect(item(machine).audioEndMs).toBe(1400);
    const server = heardSplit(item(machine));
    expect(server.heard + server.unheard).toBe(TEXT);
    expect(server.heard.length).toBeLessThanOrEqual(local.heard.length);
    machine.server({
      type: 'response.done',
      event_id: 'e7',
      response: { id: 'resp_1', object: 'realtime.response', status: 'cancelled', output: [] },
    });
    expect(machine.snapshot.turn).toBe('listening');
  });

  it("leaves the VAD's barge-in to the server: nothing sent, the item marked at what played", () => {
    const machine = speakingOverMedia();
    machine.advance(800);
    machine.server({
      type: 'input_audio_buffer.speech_started',
      event_id: 'e5',
      audio_start_ms: 100,
      item_id: 'item_u',
    });
    expect(machine.sent()).toEqual([]);
    expect(item(machine).audioEndMs).toBe(800);
  });

  it('moves the playhead with the time played, and learns the speaking rate from a reply heard in full', () => {
    const machine = speakingOverMedia();
    machine.advance(1000);
    const playhead = itemPlayhead(machine.state, 'item_a', null, machine.now);
    expect(playhead?.playing).toBe(true);
    expect(playhead?.heardMs).toBe(1000);
    expect(playhead!.receivedMs).toBeGreaterThan(1000);
    const partial = heardSplit(item(machine), playhead);
    expect(partial.heard.length).toBeGreaterThan(0);
    expect(partial.unheard.length).toBeGreaterThan(0);
    machine.advance(4000);
    machine.server({
      type: 'response.done',
      event_id: 'e7',
      response: { id: 'resp_1', object: 'realtime.response', status: 'completed', output: [] },
    });
    machine.server({ type: 'output_audio_buffer.stopped', event_id: 'e8', response_id: 'resp_1' });
    expect(item(machine).audioMs).toBe(5000);
    expect(machine.state.spokenRate).toEqual({ chars: TEXT.length, ms: 5000 });
    expect(itemPlayhead(machine.state, 'item_a', null, machine.now)).toBeNull();
    expect(heardSplit(item(machine)).heard).toBe(TEXT);
  });
});
