/**
 * Finds the values a visitor types that tools take as arguments: email addresses, phone numbers
 * (libphonenumber-js), dates and times (chrono-node, read in the agent's time zone), a person's
 * name, and amounts with the words around them (compromise reads "400 thousand dollars", "$1.2
 * million", "20 percent"). Deterministic: the same text and time reference give the same values.
 */
import * as chrono from 'chrono-node';
import nlp from 'compromise';
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { formatInZone, offsetMinutes, type TimeReference } from './time-reference.js';
import { stemOf, wordsOf } from './word-stems.js';

/** A number the visitor typed, with what it seems to be about. */
export interface TypedAmount {
  value: number;
  /** Typed as a percentage ("20 percent", "6.5%"). */
  percent: boolean;
  /** Stems of the words just before and after it ("priced", "rent", "a month"). */
  context: Set<string>;
}

/** A date and time the visitor typed. */
export interface TypedDateTime {
  /** ISO 8601 in the agent's time zone with its offset. */
  iso: string;
  instant: Date;
  /** The words it was read from ("tomorrow at 3 pm"). */
  text: string;
}

/** Everything found in one message. */
export interface TypedValues {
  emails: string[];
  /** E.164 (`+14155550134`). */
  phones: string[];
  personName: string | undefined;
  /** A place named in the text ("Paris"). */
  place: string | undefined;
  dateTimes: TypedDateTime[];
  amounts: TypedAmount[];
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const NAME_INTRO =
  /\b(?:my name is|my name's|name is|name's|i am|i'm|this is|it's|call me)\s+([\p{L}][\p{L}'’-]*(?:\s+[\p{L}][\p{L}'’-]*){0,3})/iu;
/** Words that end a name ("Dana Smith and my email…"). */
const NAME_STOP = new Set(
  'and or but my i from with here calling at on in please phone email number looking interested about from, so the a an'.split(
    ' ',
  ),
);
/** Phrases after "I'm" that are not names. */
const NOT_A_NAME = new Set(
  'looking interested calling trying wondering thinking not just going hoping having feeling sick happy fine good done after ready available free busy here'.split(
    ' ',
  ),
);
const MULTIPLIERS: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  million: 1e6,
};

type Span = readonly [number, number];
const overlaps = (spans: readonly Span[], start: number, end: number) =>
  spans.some(([from, to]) => start < to && end > from);
const capitalise = (word: string) =>
  word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);

function personNameIn(text: string): string | undefined {
  const match = NAME_INTRO.exec(text);
  if (match) {
    const words: string[] = [];
    for (const word of match[1]!.split(/\s+/)) {
      if (NAME_STOP.has(word.toLowerCase())) break;
      words.push(word);
    }
    const explicit = /name/i.test(match[0]);
    const first = words[0]?.toLowerCase() ?? '';
    // "I'm looking for…" is not a name; "my name is dana" is, whatever its case.
    const plausible =
      words.length > 0 &&
      !NOT_A_NAME.has(first) &&
      (explicit || words.every((word) => /^\p{Lu}/u.test(word)));
    if (plausible) return words.map(capitalise).join(' ');
  }
  const person = nlp(text).people().json() as { text: string }[];
  const found = person[0]?.text.replace(/[^\p{L}'’ -]/gu, '').trim();
  return found ? found : undefined;
}

function placeIn(text: string): string | undefined {
  const places = nlp(text).places().json() as { text: string }[];
  const found = places[0]?.text.replace(/[^\p{L}'’ .-]/gu, '').trim();
  return found ? found : undefined;
}

function dateTimesIn(text: string, reference: TimeReference, taken: Span[]): TypedDateTime[] {
  const zoneOffset = offsetMinutes(reference.instant, reference.timeZone);
  const results = chrono.parse(
    text,
    { instant: reference.instant, timezone: zoneOffset },
    { forwardDate: true },
  );
  const found: TypedDateTime[] = [];
  for (const result of results) {
    if (overlaps(taken, result.index, result.index + result.text.length)) continue;
    // A bare number ("3") is not a date; chrono needs a day or a time of day.
    if (!result.start.isCertain('day') && !result.start.isCertain('hour')) {
      if (!result.start.isCertain('weekday')) continue;
    }
    let instant = result.start.date();
    // The offset is the zone's at the reference; correct it when the date is across a DST change.
    const shift = offsetMinutes(instant, reference.timeZone) - zoneOffset;
    if (shift !== 0) instant = new Date(instant.getTime() - shift * 60_000);
    taken.push([result.index, result.index + result.text.length]);
    found.push({ iso: formatInZone(instant, reference.timeZone), instant, text: result.text });
  }
  return found;
}

function amountsIn(text: string, taken: readonly Span[]): TypedAmount[] {
  const numbers = nlp(text).numbers().json({ offset: true }) as {
    text: string;
    offset: { start: number; length: number };
    number: { num: number; unit: string; suffix: string };
  }[];
  const amounts: TypedAmount[] = [];
  for (const entry of numbers) {
    const start = entry.offset.start;
    const end = start + entry.offset.length;
    if (overlaps(taken, start, end) || !Number.isFinite(entry.number.num)) continue;
    const unit = entry.number.unit.toLowerCase();
    const value = entry.number.num * (MULTIPLIERS[unit] ?? 1);
    const percent = entry.number.suffix === '%' || /^(percent|per cent|pct)$/.test(unit);
    const before = wordsOf(text.slice(Math.max(0, start - 40), start)).slice(-4);
    const after = wordsOf(text.slice(end, end + 24)).slice(0, 3);
    const context = new Set([...before, ...after, unit].filter(Boolean).map(stemOf));
    amounts.push({ value, percent, context });
  }
  return amounts;
}

/** The values in `text`, with relative dates read against `reference`. */
export function extractValues(text: string, reference: TimeReference): TypedValues {
  const taken: Span[] = [];
  const emails: string[] = [];
  for (const match of text.matchAll(EMAIL)) {
    emails.push(match[0].replace(/\.$/, ''));
    taken.push([match.index, match.index + match[0].length]);
  }
  const phones: string[] = [];
  for (const phone of findPhoneNumbersInText(text, 'US')) {
    if (overlaps(taken, phone.startsAt, phone.endsAt)) continue;
    phones.push(phone.number.number);
    taken.push([phone.startsAt, phone.endsAt]);
  }
  const dateTimes = dateTimesIn(text, reference, taken);
  return {
    emails,
    phones,
    personName: personNameIn(text),
    place: placeIn(text),
    dateTimes,
    amounts: amountsIn(text, taken),
  };
}
