import { createLiveEventId } from './live-ids.js';

/** The `error` event of GPT-Live: `{type:'error', event_id, error:{type, code, message, param?, client_event_id?}, client_event_id?}`. */
export interface LiveErrorEvent {
  type: 'error';
  event_id: string;
  error: { type: string; code: string; message: string; param?: string; client_event_id?: string };
  client_event_id?: string;
}

/**
 * An error the Live emulator reports, shaped like GPT-Live's: unlike Realtime's, `code` is always
 * a string, `param` is absent rather than null, and the client's id is `client_event_id` (inside
 * and beside `error`).
 */
export class LiveProtocolError extends Error {
  override readonly name = 'LiveProtocolError';

  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly type = 'invalid_request_error',
  ) {
    super(message);
  }

  /** The wire event, echoing the client event's id when it had one. */
  toEvent(clientEventId?: string | null): LiveErrorEvent {
    const error: LiveErrorEvent['error'] = {
      type: this.type,
      code: this.code,
      message: this.message,
    };
    if (this.param !== undefined) error.param = this.param;
    const event: LiveErrorEvent = { type: 'error', event_id: createLiveEventId(), error };
    if (typeof clientEventId === 'string') {
      error.client_event_id = clientEventId;
      event.client_event_id = clientEventId;
    }
    return event;
  }

  /** The HTTP body of the same error (`{error:{message, type, param, code}}`). */
  toHttpBody(): { error: { message: string; type: string; param: string | null; code: string } } {
    return {
      error: { message: this.message, type: this.type, param: this.param ?? null, code: this.code },
    };
  }
}

/** `unknown_parameter` for a field the strict Live schema does not have. */
export function unknownParameter(param: string): LiveProtocolError {
  return new LiveProtocolError('unknown_parameter', `Unknown parameter: '${param}'.`, param);
}

/** `missing_required_parameter`. */
export function missingParameter(param: string): LiveProtocolError {
  return new LiveProtocolError(
    'missing_required_parameter',
    `Missing required parameter: '${param}'.`,
    param,
  );
}

/** `invalid_type` naming what was expected. */
export function invalidType(param: string, expected: string, value: unknown): LiveProtocolError {
  const got =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'object'
          ? 'an object'
          : `a ${typeof value}`;
  return new LiveProtocolError(
    'invalid_type',
    `Invalid type for '${param}': expected ${expected}, but got ${got} instead.`,
    param,
  );
}

/** `invalid_value` listing the supported values. */
export function invalidValue(
  param: string,
  value: unknown,
  supported: readonly string[],
): LiveProtocolError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new LiveProtocolError(
    'invalid_value',
    `Invalid value: '${shown}'. Supported values are: ${supported.map((v) => `'${v}'`).join(', ')}.`,
    param,
  );
}
