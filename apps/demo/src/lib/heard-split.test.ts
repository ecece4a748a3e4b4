import { describe, expect, it } from 'vitest';
import { splitHeard } from './heard-split.js';

describe('splitHeard', () => {
  const text = 'The weather in Paris is sunny today.';

  it('has heard nothing before playback starts', () => {
    expect(splitHeard(text, 0, 2000)).toEqual({ heard: '', ahead: text });
  });

  it('has heard everything once the received audio has played', () => {
    expect(splitHeard(text, 2000, 2000)).toEqual({ heard: text, ahead: '' });
  });

  it('cuts at a word boundary, never inside a word', () => {
    const { heard, ahead } = splitHeard(text, 1000, 2000);
    expect(heard + ahead).toBe(text);
    expect(heard).toBe('The weather in');
    expect(ahead.startsWith(' ')).toBe(true);
  });

  it('keeps the whole text in one of the parts for any position', () => {
    for (let played = 0; played <= 2100; played += 70) {
      const { heard, ahead } = splitHeard(text, played, 2000);
      expect(heard + ahead).toBe(text);
    }
  });
});
