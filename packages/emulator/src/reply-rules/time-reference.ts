/**
 * The clock the reply rules read relative dates against ("tomorrow at 3 pm"): the instant and
 * the IANA time zone of the agent. Both come from the session instructions when they carry a
 * `Current date and time: <ISO 8601> (<time zone>)` line (the Parley server writes one), so the
 * same conversation always resolves to the same date; otherwise from the emulator's clock in
 * the emulator's own time zone.
 */

/** When "now" is and where, for reading dates. */
export interface TimeReference {
  instant: Date;
  /** IANA time zone name, e.g. `America/New_York`. */
  timeZone: string;
}

const CLOCK_LINE = /Current date and time:\s*(\S+)\s*\(([^)\s]+)\)/i;

/** True when `timeZone` is a zone name `Intl` knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The reference the instructions state, else `now` in the process's time zone. */
export function timeReferenceOf(instructions: string, now: Date): TimeReference {
  const match = CLOCK_LINE.exec(instructions);
  const fallbackZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (match) {
    const instant = new Date(match[1]!);
    const timeZone = isTimeZone(match[2]!) ? match[2]! : fallbackZone;
    if (!Number.isNaN(instant.getTime())) return { instant, timeZone };
  }
  return { instant: now, timeZone: fallbackZone };
}

/** Minutes east of UTC of `timeZone` at `instant` (New York in winter: -300). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

const pad = (value: number) => String(value).padStart(2, '0');

/** `instant` as ISO 8601 in `timeZone` with its offset, e.g. `2026-12-07T15:00:00-05:00`. */
export function formatInZone(instant: Date, timeZone: string): string {
  const offset = offsetMinutes(instant, timeZone);
  const local = new Date(instant.getTime() + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const absolute = Math.abs(offset);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`
  );
}

/** `instant` in words in `timeZone`, e.g. "Monday, December 7 at 3:00 PM". */
export function describeInZone(instant: Date, timeZone: string): string {
  const day = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'long',
    month: 'long',
    day: 'numeric',
  }).format(instant);
  const time = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: 'numeric',
    minute: '2-digit',
  }).format(instant);
  return `${day} at ${time}`;
}
