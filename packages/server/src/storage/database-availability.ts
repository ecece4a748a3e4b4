/**
 * Telling "the database is away" apart from every other failure: a dropped or refused
 * connection, a PostgreSQL restart or failover, a connect or statement timeout. Routes answer
 * those with 503 (the client may retry; a load balancer may take the instance out of rotation),
 * and the relay keeps such writes queued and retries them instead of dropping them.
 */

/** Node socket error codes of a connection that failed or dropped. */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or cannot take the request now: connection
 * exceptions (class 08), admin/crash shutdown and "cannot connect now" (57P01–57P03), a cancelled
 * statement (57014: the statement timeout), too many connections (53300).
 */
const postgresCodes = new Set(['57P01', '57P02', '57P03', '57014', '53300']);

/** Messages node-postgres uses for its own client-side timeouts and dropped connections. */
const driverMessages = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Client was closed',
  'timeout expired',
];

/** True when `error` says the database could not be reached (and may come back), not that a query was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof DatabaseUnavailableError) return true;
    if (typeof current !== 'object') return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (socketCodes.has(code) || postgresCodes.has(code) || code.startsWith('08')) return true;
    }
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && driverMessages.some((text) => message.includes(text))) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The database did not answer (start-up or a request); the message is safe to show. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}
