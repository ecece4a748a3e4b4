import { describe, expect, it } from 'vitest';
import { LevelMeter } from './level-meter.js';
import { floatToPcm16 } from '@parley/core';
import { Pcm16Framer } from './pcm16-framer.js';
import { EnergyVoiceActivity } from './voice-activity.js';

describe('Pcm16Framer', () => {
  it('cuts any block sizes into frames of exactly frameSamples, in order', () => {
    const frames: { frame: Int16Array; first: number }[] = [];
    const framer = new Pcm16Framer(480, (frame, first) => frames.push({ frame, first }));
    const ramp = Float32Array.from({ length: 1500 }, (_, index) => (index % 1000) / 1000);
    framer.push(ramp.subarray(0, 128));
    framer.push(ramp.subarray(128, 1000));
    framer.push(ramp.subarray(1000));
    expect(frames.map(({ frame }) => frame.length)).toEqual([480, 480, 480]);
    expect(frames.map(({ first }) => first)).toEqual([0, 480, 960]);
    expect(framer.pending).toBe(60);
    const joined = frames.flatMap(({ frame }) => Array.from(frame));
    expect(joined).toEqual(Array.from(floatToPcm16(ramp.subarray(0, 1440))));
  });

  it('hands out a fresh buffer per frame so it can be transferred', () => {
    const frames: Int16Array[] = [];
    const framer = new Pcm16Framer(4, (frame) => frames.push(frame));
    framer.push(new Float32Array(8).fill(0.5));
    expect(frames[0]!.buffer).not.toBe(frames[1]!.buffer);
  });

  it('flushes a partial frame and discards one on request', () => {
    const frames: Int16Array[] = [];
    const framer = new Pcm16Framer(480, (frame) => frames.push(frame));
    framer.push(new Float32Array(100).fill(0.1));
    framer.flush();
    framer.push(new Float32Array(100).fill(0.1));
    framer.discard();
    framer.flush();
    expect(frames.map((frame) => frame.length)).toEqual([100]);
  });

  it('converts like core: clamped, -1 → -32768, 1 → 32767, NaN → silence', () => {
    const frames: Int16Array[] = [];
    const framer = new Pcm16Framer(8, (frame) => frames.push(frame));
    framer.push(Float32Array.from([-2, -1, -0.5, 0, 0.5, 1, 2, Number.NaN]));
    expect(Array.from(frames[0]!)).toEqual([-32768, -32768, -16384, 0, 16384, 32767, 32767, 0]);
  });

  it('rejects a frame length that is not a positive integer', () => {
    expect(() => new Pcm16Framer(0, () => undefined)).toThrow(RangeError);
  });
});

describe('LevelMeter', () => {
  it('reports RMS and peak once per window', () => {
    const meter = new LevelMeter(24000, 10); // 240-sample windows
    const sine = Float32Array.from(
      { length: 240 },
      (_, index) => 0.5 * Math.sin((2 * Math.PI * index) / 24),
    );
    expect(meter.push(sine.subarray(0, 128))).toBeNull();
    const reading = meter.push(sine.subarray(128));
    expect(reading?.rms).toBeCloseTo(0.5 / Math.SQRT2, 3);
    expect(reading?.peak).toBeCloseTo(0.5, 3);
  });
});

describe('EnergyVoiceActivity', () => {
  it('turns on for speech-level input after the attack time and off after the hangover', () => {
    const voice = new EnergyVoiceActivity({ attackMs: 60, hangoverMs: 300 });
    for (let ms = 0; ms < 1000; ms += 33) voice.update(0.002, 33); // quiet room
    expect(voice.update(0.1, 33)).toBe(false);
    expect(voice.update(0.1, 33)).toBe(true);
    for (let ms = 0; ms < 264; ms += 33) expect(voice.update(0.002, 33)).toBe(true);
    expect(voice.update(0.002, 33)).toBe(true);
    expect(voice.update(0.002, 33)).toBe(false);
  });

  it('does not report a steady loud noise as speech once it has learned the floor', () => {
    const voice = new EnergyVoiceActivity();
    let lastHint = true;
    for (let ms = 0; ms < 20000; ms += 33) lastHint = voice.update(0.05, 33);
    expect(lastHint).toBe(false);
    // Speech well above that noise still counts.
    voice.update(0.4, 33);
    expect(voice.update(0.4, 33)).toBe(true);
  });

  it('ignores a single click', () => {
    const voice = new EnergyVoiceActivity();
    for (let ms = 0; ms < 1000; ms += 33) voice.update(0.001, 33);
    expect(voice.update(0.5, 33)).toBe(false);
    expect(voice.update(0.001, 33)).toBe(false);
  });
});
