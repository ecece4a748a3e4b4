import { describe, expect, it } from 'vitest';
import { extractValues } from './extract-values.js';
import { formatInZone, timeReferenceOf } from './time-reference.js';

const newYork = { instant: new Date('2026-12-06T18:05:00Z'), timeZone: 'America/New_York' };

describe('typed values', () => {
  it('finds the name, the email and the time of "call me tomorrow at 3 pm" in the agent zone', () => {
    const values = extractValues(
      'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm',
      newYork,
    );
    expect(values.personName).toBe('Dana Smith');
    expect(values.emails).toEqual(['dana@example.com']);
    expect(values.dateTimes.map((found) => found.iso)).toEqual(['2026-12-07T15:00:00-05:00']);
    // "3" of "3 pm" is a time, not an amount.
    expect(values.amounts).toEqual([]);
  });

  it('reads the same words in another zone as another instant', () => {
    const tokyo = { instant: newYork.instant, timeZone: 'Asia/Tokyo' };
    expect(extractValues('tomorrow at 3 pm', tokyo).dateTimes[0]!.iso).toBe(
      '2026-12-08T15:00:00+09:00',
    );
  });

  it('keeps the zone offset of the date itself across a daylight-saving change', () => {
    const march = { instant: new Date('2026-03-06T17:00:00Z'), timeZone: 'America/New_York' };
    expect(extractValues('March 10 at 9 am', march).dateTimes[0]!.iso).toBe(
      '2026-03-10T09:00:00-04:00',
    );
  });

  it('finds phone numbers as E.164', () => {
    expect(extractValues("I'm John Doe, reach me at (415) 555-0134", newYork).phones).toEqual([
      '+14155550134',
    ]);
    expect(extractValues('Call me on +44 20 7946 0958', newYork).phones).toEqual(['+442079460958']);
  });

  it('reads amounts in words and figures with the words around them', () => {
    const values = extractValues(
      'a property priced 400 thousand dollars with rent of 3000 a month',
      newYork,
    );
    expect(values.amounts.map((amount) => amount.value)).toEqual([400_000, 3000]);
    expect(values.amounts[0]!.context.has('price')).toBe(true);
    expect(values.amounts[1]!.context.has('rent')).toBe(true);
    expect(values.amounts[1]!.context.has('month')).toBe(true);
    const other = extractValues('price 1.2 million, rent 2.5k, 20 percent down at 6.5%', newYork);
    expect(other.amounts.map((amount) => [amount.value, amount.percent])).toEqual([
      [1_200_000, false],
      [2500, false],
      [20, true],
      [6.5, true],
    ]);
  });

  it('does not take "I\'m looking" for a name', () => {
    expect(extractValues("I'm looking for a duplex", newYork).personName).toBeUndefined();
    expect(extractValues('my name is dana smith', newYork).personName).toBe('Dana Smith');
  });
});

describe('time reference', () => {
  it('reads the clock line of the instructions, else uses the emulator clock', () => {
    const stated = timeReferenceOf(
      'You are Cap.\nCurrent date and time: 2026-12-06T13:05:00-05:00 (America/New_York)',
      new Date(0),
    );
    expect(stated.instant.toISOString()).toBe('2026-12-06T18:05:00.000Z');
    expect(stated.timeZone).toBe('America/New_York');
    expect(timeReferenceOf('You are Cap.', new Date(5)).instant.getTime()).toBe(5);
  });

  it('formats an instant with the zone offset', () => {
    expect(formatInZone(new Date('2026-07-01T12:00:00Z'), 'Europe/Paris')).toBe(
      '2026-07-01T14:00:00+02:00',
    );
  });
});
