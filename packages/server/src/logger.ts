/** A minimal structured logger; pass your own (pino, console…) through the server options. */

/** Log sink. Fields never contain secrets. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function format(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  const parts = Object.entries(fields).map(([key, value]) => {
    const text =
      value instanceof Error
        ? value.message
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    return `${key}=${text}`;
  });
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** Logs one line per message to the console. */
export function consoleLogger(): Logger {
  return {
    info: (message, fields) => console.log(`[parley] ${message}${format(fields)}`),
    warn: (message, fields) => console.warn(`[parley] ${message}${format(fields)}`),
    error: (message, fields) => console.error(`[parley] ${message}${format(fields)}`),
  };
}

/** Discards everything (tests). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
