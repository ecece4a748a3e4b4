import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSpeechSynthesizer,
  findEspeakModule,
  generateVoiceLikeSpeech,
  piecesFromWordEvents,
  resampleLinear,
  splitWords,
} from './speech.js';
import { EnergyVad } from './vad.js';

function rmsDbfs(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += (sample / 32768) ** 2;
  return 10 * Math.log10(sum / samples.length);
}

describe('transcript pieces', () => {
  it('split text into contiguous pieces that concatenate back to it', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(splitWords(text).join('')).toBe(text);
      }),
    );
  });

  it('map espeak word events to contiguous, ordered pieces whatever the positions', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 80 }), fc.nat(5000)), { maxLength: 20 }),
        (text, words) => {
          const pieces = piecesFromWordEvents(text, words.flat(), 24000);
          expect(pieces.map((piece) => piece.text).join('')).toBe(text);
          for (let i = 1; i < pieces.length; i++)
            expect(pieces[i]!.startSample).toBeGreaterThanOrEqual(pieces[i - 1]!.startSample);
        },
      ),
    );
  });
});

describe('speech synthesis', () => {
  it('generates a voice-like fallback signal that VAD hears as speech', () => {
    const clip = generateVoiceLikeSpeech('Hello there, how are you today?', 'alloy');
    expect(clip.samples.length / 24000).toBeGreaterThan(1);
    expect(rmsDbfs(clip.samples)).toBeGreaterThan(-35);
    expect(clip.pieces.map((piece) => piece.text).join('')).toBe('Hello there, how are you today?');
    const vad = new EnergyVad(24000, {
      threshold: 0.5,
      prefixPaddingMs: 300,
      silenceDurationMs: 500,
    });
    expect(vad.push(clip.samples, 0, 0).map((event) => event.type)).toContain('speech_started');
  });

  it('resamples by the rate ratio', () => {
    expect(resampleLinear(new Int16Array(22050), 22050, 24000).length).toBe(24000);
  });

  it.runIf(findEspeakModule() !== null)(
    'speaks with espeak-ng in a worker, with word timings in step',
    async () => {
      const synthesizer = await createSpeechSynthesizer('espeak-ng');
      try {
        const clip = await synthesizer.synthesize(
          'The weather in Paris is sunny today.',
          'alloy',
          1,
        );
        expect(clip.engine).toBe('espeak-ng');
        expect(clip.samples.length / 24000).toBeGreaterThan(1.2);
        expect(rmsDbfs(clip.samples)).toBeGreaterThan(-40);
        expect(clip.pieces.map((piece) => piece.text).join('')).toBe(
          'The weather in Paris is sunny today.',
        );
        expect(clip.pieces.length).toBeGreaterThanOrEqual(6);
        expect(clip.pieces.at(-1)!.startSample).toBeGreaterThan(12000);
        expect(
          await synthesizer.synthesize('The weather in Paris is sunny today.', 'alloy', 1),
        ).toBe(clip);
        const echo = await synthesizer.synthesize(
          'The weather in Paris is sunny today.',
          'echo',
          1,
        );
        expect(Buffer.from(echo.samples.buffer).equals(Buffer.from(clip.samples.buffer))).toBe(
          false,
        );
      } finally {
        await synthesizer.close();
      }
    },
  );
});
