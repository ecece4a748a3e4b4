import { describe, expect, it } from 'vitest';
import {
  clock,
  columnsOf,
  currentLine,
  decodePeaks,
  noRecordingText,
  percent,
  transcriptLines,
} from './replay.js';

describe('replay helpers', () => {
  it('decodes peaks and reduces them to the loudest per column', () => {
    const levels = decodePeaks(btoa(String.fromCharCode(0, 255, 51, 102)));
    expect([...levels].map((level) => Math.round(level * 100))).toEqual([0, 100, 20, 40]);
    expect([...columnsOf(levels, 2)].map((level) => Math.round(level * 100))).toEqual([100, 40]);
    expect(columnsOf(levels, 0)).toHaveLength(0);
  });

  it('places and formats positions', () => {
    expect(clock(65_432)).toBe('1:05.4');
    expect(percent(250, 1000)).toBe(25);
    expect(percent(2000, 1000)).toBe(100);
    expect(percent(-5, 1000)).toBe(0);
  });

  it('says why there is no player', () => {
    expect(noRecordingText('webrtc')).toContain('WebRTC');
    expect(noRecordingText('expired')).toContain('retention');
    expect(noRecordingText('not_recorded')).toContain('not recorded');
  });

  it('keeps messages with text as lines and finds the one playing', () => {
    const lines = transcriptLines([
      { kind: 'item', atMs: 100, itemId: 'a', role: 'user', type: 'message', text: 'hi' },
      {
        kind: 'tool_call',
        atMs: 150,
        callId: 'c',
        name: 't',
        arguments: '{}',
        output: null,
        outcome: 'ok',
        durationMs: 5,
      },
      { kind: 'item', atMs: 200, itemId: 'b', role: 'assistant', type: 'message', text: 'hello' },
      { kind: 'item', atMs: 300, itemId: 'c', role: 'assistant', type: 'message', text: null },
    ]);
    expect(lines.map((line) => line.itemId)).toEqual(['a', 'b']);
    expect(currentLine(lines, 50)).toBe(-1);
    expect(currentLine(lines, 250)).toBe(1);
  });
});
