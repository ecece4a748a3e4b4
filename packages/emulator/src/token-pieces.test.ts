import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenPieces } from './token-pieces.js';

describe('token pieces', () => {
  it('streams short words with their leading space and punctuation alone, as recorded', () => {
    expect(tokenPieces('Hi there!')).toEqual(['Hi', ' there', '!']);
    expect(tokenPieces('Hello! How can I help you today?')).toEqual([
      'Hello',
      '!',
      ' How',
      ' can',
      ' I',
      ' help',
      ' you',
      ' today',
      '?',
    ]);
  });

  it('cuts long words and JSON arguments into sub-word pieces of at most six characters', () => {
    expect(tokenPieces(' appointment')).toEqual([' appoin', 'tment']);
    const pieces = tokenPieces('{"email":"ada@example.com"}');
    expect(pieces.join('')).toBe('{"email":"ada@example.com"}');
    expect(Math.max(...pieces.map((piece) => piece.trim().length))).toBeLessThanOrEqual(6);
  });

  it('always concatenates back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(tokenPieces(text).join('')).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
