/** Why a Parley operation failed. Callers switch on this, never on message text. */
export type ParleyErrorReason =
  /** A frame or event did not match the protocol (bad JSON, schema mismatch). */
  | 'protocol'
  /** The socket could not open, dropped, or the transport refused a frame. */
  | 'transport'
  /** The server (OpenAI, Azure, relay or emulator) reported an error event. */
  | 'server'
  /** Microphone or speaker access was denied by the user or the browser. */
  | 'permission'
  /** An audio device is missing, busy, or audio could not start. */
  | 'audio'
  /** A tool threw, timed out, or was given invalid arguments. */
  | 'tool'
  /** Options or configuration were invalid. */
  | 'config'
  /** Credentials could not be obtained or were rejected. */
  | 'auth'
  /** The session hit a limit (length, idle time, concurrency). */
  | 'limit'
  /** The command is not supported by this session's protocol (see `snapshot.capabilities`). */
  | 'unsupported';

/**
 * The one error class of Parley. Expected failures are state (`status: 'error'` with this error),
 * not exceptions; this class exists so that both carry the same shape.
 */
export class ParleyError extends Error {
  override readonly name: string = 'ParleyError';
  readonly reason: ParleyErrorReason;
  /** Machine-readable code where one exists (e.g. the server's `error.code`). */
  readonly code: string | undefined;

  constructor(
    reason: ParleyErrorReason,
    message: string,
    options: { cause?: unknown; code?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.code = options.code;
  }
}

/** Type guard that works across bundle copies (checks the shape, not the prototype). */
export function isParleyError(value: unknown): value is ParleyError {
  return (
    value instanceof ParleyError ||
    (value instanceof Error && value.name === 'ParleyError' && 'reason' in value)
  );
}
