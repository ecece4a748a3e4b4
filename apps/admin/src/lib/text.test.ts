import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countWords, csvField, documentTitle, toCsv } from './text.js';

describe('countWords', () => {
  it('counts words, keeping contractions and numbers whole', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  You are Ava, a friendly agent.  ')).toBe(6);
    expect(countWords("Don't promise prices; call 555-0100.")).toBe(5);
    expect(countWords('Réponds en français — toujours.')).toBe(4);
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes and newlines', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
  });

  it('neutralises spreadsheet formulas', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1 555')).toBe("'+1 555");
  });

  it('writes a header and one line per row', () => {
    const csv = toCsv(
      [{ name: 'Ann', email: 'ann@example.com' }],
      [
        { header: 'Name', value: (row) => row.name },
        { header: 'Email', value: (row) => row.email },
      ],
    );
    expect(csv).toBe('Name,Email\r\nAnn,ann@example.com\r\n');
  });

  it('round-trips any text through a standard CSV reading', () => {
    const read = (field: string) => {
      const unquoted = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
      return unquoted.startsWith("'") && /^'[=+\-@\t\r]/.test(unquoted)
        ? unquoted.slice(1)
        : unquoted;
    };
    // Text that itself starts with an apostrophe is ambiguous to this reader, so it is left out.
    const text = fc.string().filter((value) => !value.startsWith("'"));
    fc.assert(
      fc.property(text, (value) => read(csvField(value)) === value),
      { numRuns: 500 },
    );
  });
});

describe('documentTitle', () => {
  it('names an uploaded document after its first heading, not its file', () => {
    expect(documentTitle('office.md', 'Intro text\n\n## Office hours\n\nMonday to Friday.')).toBe(
      'Office hours',
    );
    expect(documentTitle('office.md', '# Fees #\nBuyer representation is free.')).toBe('Fees');
    expect(documentTitle('notes.txt', 'Parking\n=======\nBehind the building.')).toBe('Parking');
  });

  it('falls back to the file name without its extension', () => {
    expect(documentTitle('office.md', 'Monday to Friday, 8 to 6.')).toBe('office');
    expect(documentTitle('FAQ.markdown', '')).toBe('FAQ');
  });
});
