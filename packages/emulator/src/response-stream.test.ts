import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPhrases } from './response-stream.js';

describe('phrases for phrase-by-phrase speech', () => {
  it('are contiguous slices that concatenate back to the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const phrases = splitPhrases(text);
        expect(phrases.join('')).toBe(text);
        expect(phrases.length).toBeGreaterThan(0);
        if (text.length > 0) for (const phrase of phrases) expect(phrase.length).toBeGreaterThan(0);
      }),
    );
  });

  it('end after sentence and clause marks, and a long first phrase after its first comma', () => {
    expect(splitPhrases('Hello! I am the Parley emulator. How can I help you today?')).toEqual([
      'Hello! ',
      'I am the Parley emulator. ',
      'How can I help you today?',
    ]);
    expect(splitPhrases('You said: Hello, can you tell me about your fees?')).toEqual([
      'You said: ',
      'Hello, can you tell me about your fees?',
    ]);
    expect(splitPhrases('Well, the weather in Paris is sunny, and warm.')).toEqual([
      'Well, ',
      'the weather in Paris is sunny, and warm.',
    ]);
    expect(splitPhrases('Yes, sure.')).toEqual(['Yes, sure.']);
    expect(splitPhrases('I heard 2.5 seconds of speech.')).toEqual([
      'I heard 2.5 seconds of speech.',
    ]);
    expect(splitPhrases('')).toEqual(['']);
  });
});
