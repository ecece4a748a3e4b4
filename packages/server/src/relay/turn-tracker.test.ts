import { describe, expect, it } from 'vitest';
import { TurnTracker } from './turn-tracker.js';

function tracker(textOutput = false) {
  let now = 0;
  const turns = new TurnTracker(textOutput, () => now);
  return { turns, at: (ms: number) => (now = ms) };
}

describe('TurnTracker', () => {
  it('measures end of speech to first audio and closes the turn at the next one', () => {
    const { turns, at } = tracker();
    at(1_000);
    expect(turns.userTurnEnded(true)).toBeNull();
    at(1_010);
    expect(turns.userTurnEnded(false)).toBeNull(); // the commit after speech stopped
    at(1_450);
    turns.output('text'); // a transcript delta is not audio
    at(1_480);
    turns.output('audio');
    at(1_900);
    turns.output('audio');
    turns.responseDone();
    at(5_000);
    expect(turns.userTurnEnded(true)).toEqual({
      seq: 1,
      firstAudioMs: 480,
      toolMs: 0,
      toolCalls: 0,
      responses: 1,
    });
  });

  it('adds the time tools took and counts every response of the turn', () => {
    const { turns, at } = tracker();
    at(0);
    turns.userTurnEnded(true);
    at(300);
    turns.toolStarted('call_1');
    turns.toolStarted('call_2');
    turns.responseDone();
    at(500);
    turns.toolFinished('call_1');
    at(900);
    turns.toolFinished('call_2');
    turns.toolFinished('call_2'); // a second output of the same call adds nothing
    at(1_200);
    turns.output('audio');
    turns.responseDone();
    expect(turns.close()).toEqual({
      seq: 1,
      firstAudioMs: 1_200,
      toolMs: 800,
      toolCalls: 2,
      responses: 2,
    });
  });

  it('moves the start when speech stops again before any reply, and stores no empty turn', () => {
    const { turns, at } = tracker();
    at(100);
    turns.userTurnEnded(true);
    at(2_000);
    expect(turns.userTurnEnded(true)).toBeNull();
    at(2_300);
    turns.output('audio');
    turns.responseDone();
    expect(turns.close()?.firstAudioMs).toBe(300);
    expect(turns.close()).toBeNull();
  });

  it('counts text as the first output of a text agent, and ignores output outside a turn', () => {
    const { turns, at } = tracker(true);
    turns.output('audio'); // the greeting: no user turn yet
    at(10);
    turns.userTurnEnded(false);
    at(70);
    turns.output('text');
    turns.responseDone();
    expect(turns.close()).toMatchObject({ seq: 1, firstAudioMs: 60 });
  });
});
