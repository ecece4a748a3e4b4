import { describe, expect, it } from 'vitest';
import { formatCost, formatDuration, formatJson, formatSeconds } from './format.js';

describe('formatDuration', () => {
  it('shows milliseconds under a second and seconds above', () => {
    expect(formatDuration(412.4)).toBe('412 ms');
    expect(formatDuration(1440)).toBe('1.4 s');
    expect(formatDuration(12_400)).toBe('12 s');
  });
  it('shows an em dash for unknown values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatCost', () => {
  it('keeps fractions of a cent visible', () => {
    expect(formatCost(0.00421)).toBe('$0.0042');
    expect(formatCost(0.127)).toBe('$0.127');
    expect(formatCost(1.271)).toBe('$1.27');
    expect(formatCost(0)).toBe('$0.00');
    expect(formatCost(null)).toBe('—');
  });
});

describe('formatJson', () => {
  it('indents JSON and leaves other text alone', () => {
    expect(formatJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(formatJson('not json')).toBe('not json');
    expect(formatJson(null)).toBe('');
  });
});

describe('formatSeconds', () => {
  it('shows tenths of a second under a minute, then minutes and seconds', () => {
    expect(formatSeconds(0)).toBe('0.0 s');
    expect(formatSeconds(42.46)).toBe('42.5 s');
    expect(formatSeconds(187)).toBe('3 min 07 s');
    expect(formatSeconds(Number.NaN)).toBe('—');
  });
});
