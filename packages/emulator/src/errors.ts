/** The `error` object of a Realtime `error` event. */
export interface RealtimeErrorBody {
  type: string;
  code: string | null;
  message: string;
  param: string | null;
  event_id: string | null;
}

/** An error the emulator reports to the client, shaped like the real server's. */
export class EmulatorProtocolError extends Error {
  override readonly name = 'EmulatorProtocolError';
  readonly code: string;
  readonly param: string | null;
  readonly type: string;

  constructor(
    code: string,
    message: string,
    param: string | null = null,
    type = 'invalid_request_error',
  ) {
    super(message);
    this.code = code;
    this.param = param;
    this.type = type;
  }

  /** The wire body, echoing the client event's id. */
  toBody(clientEventId: string | null): RealtimeErrorBody {
    return {
      type: this.type,
      code: this.code,
      message: this.message,
      param: this.param,
      event_id: clientEventId,
    };
  }
}

/** Describes a JSON value's type the way the real server's validation messages do. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/** Builds the `invalid_value` error listing the supported values. */
export function invalidValue(
  param: string,
  value: unknown,
  supported: readonly string[],
): EmulatorProtocolError {
  const list =
    supported.length <= 1
      ? `'${supported[0] ?? ''}'`
      : `${supported
          .slice(0, -1)
          .map((v) => `'${v}'`)
          .join(', ')}, and '${supported[supported.length - 1]!}'`;
  return new EmulatorProtocolError(
    'invalid_value',
    `Invalid value: '${typeof value === 'string' ? value : JSON.stringify(value)}'. Supported values are: ${list}.`,
    param,
  );
}

/**
 * The error for a required field that is absent (`missing_required_parameter`) or of the wrong
 * type (`invalid_type`, naming `expected` and what came), with the real server's texts.
 */
export function missingOrInvalidType(
  value: unknown,
  param: string,
  expected: string,
): EmulatorProtocolError {
  return value === undefined
    ? new EmulatorProtocolError(
        'missing_required_parameter',
        `Missing required parameter: '${param}'.`,
        param,
      )
    : new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`,
        param,
      );
}
