// Live turn latency on the session timeline the transcript fragments carry: end of the user's
// last fragment → start of the agent's first fragment after it, tool time on the same clock.
import { describe, expect, it } from 'vitest';
import type { ConversationRecorder } from '../conversation-recorder.js';
import type { TurnMeasure } from '../turn-tracker.js';
import { LiveTurnLatency } from './live-turn-latency.js';

function setup() {
  const stored: TurnMeasure[] = [];
  let wall = 10_000;
  const recorder = {
    turn: (measure: TurnMeasure | null) => {
      if (measure) stored.push(measure);
    },
  } as unknown as ConversationRecorder;
  const latency = new LiveTurnLatency(recorder, () => wall);
  return { stored, latency, advance: (ms: number) => (wall += ms) };
}

describe('Live turn latency', () => {
  it('measures from the end of the user speech to the first agent words, per turn, with tool time', () => {
    const { stored, latency, advance } = setup();
    // A greeting before any user turn is no turn.
    latency.fragment('assistant', 0, 800);
    latency.fragment('user', 1000, 1300);
    latency.fragment('user', 1300, 1650); // the turn ends at 1650
    advance(100);
    latency.toolStarted('call_1');
    advance(400);
    latency.toolFinished('call_1');
    latency.fragment('assistant', 2480, 2900); // answers 830 ms after the speech ended
    latency.fragment('assistant', 2900, 3300);
    expect(stored).toEqual([]);
    // The next user turn closes the answered one.
    latency.fragment('user', 5000, 5600);
    latency.fragment('assistant', 6100, 6500);
    latency.close();
    expect(stored).toEqual([
      { seq: 1, firstAudioMs: 830, toolMs: 400, toolCalls: 1, responses: 1 },
      { seq: 2, firstAudioMs: 500, toolMs: 0, toolCalls: 0, responses: 1 },
    ]);
  });

  it('stores no turn the agent never answered', () => {
    const { stored, latency } = setup();
    latency.fragment('user', 1000, 1500);
    latency.close();
    expect(stored).toEqual([]);
  });
});
