/** Faults injected into a connection, to test how clients cope. All are off by default. */
export interface FaultOptions {
  /** Close the socket after this many server events (with `closeCode` / `closeReason`). */
  closeAfterEvents?: number;
  /** Close the socket this many milliseconds after it opened. */
  closeAfterMs?: number;
  /** Close code for the two options above (default 1011). */
  closeCode?: number;
  /** Close reason for the two options above. */
  closeReason?: string;
  /** Delay every server event by this many milliseconds (order is kept). */
  delayMs?: number;
  /** Send an `error` event after this many server events. */
  errorAfterEvents?: number;
  /** `error.code` of the injected error (default `server_error`). */
  errorCode?: string;
  /** `error.type` of the injected error (default `server_error`). */
  errorType?: string;
  /** `error.message` of the injected error. */
  errorMessage?: string;
  /** Stop sending anything (socket stays open) after this many server events. */
  stallAfterEvents?: number;
  /** Answer the WebSocket handshake with this HTTP status instead of upgrading. */
  rejectStatus?: number;
  /** The first this many input transcriptions fail (`…input_audio_transcription.failed`). */
  transcriptionFailures?: number;
}

const QUERY_KEYS: Record<string, keyof FaultOptions> = {
  fault_close_after_events: 'closeAfterEvents',
  fault_close_after_ms: 'closeAfterMs',
  fault_close_code: 'closeCode',
  fault_close_reason: 'closeReason',
  fault_delay_ms: 'delayMs',
  fault_error_after_events: 'errorAfterEvents',
  fault_error_code: 'errorCode',
  fault_error_type: 'errorType',
  fault_error_message: 'errorMessage',
  fault_stall_after_events: 'stallAfterEvents',
  fault_reject_status: 'rejectStatus',
  fault_transcription_failures: 'transcriptionFailures',
};

const STRING_KEYS = new Set<keyof FaultOptions>([
  'closeReason',
  'errorCode',
  'errorType',
  'errorMessage',
]);

/** The query parameters that set faults per connection (`?fault_delay_ms=50`, …). */
export const FAULT_QUERY_PARAMETERS = Object.keys(QUERY_KEYS);

/**
 * Reads per-connection faults from query parameters (see {@link FAULT_QUERY_PARAMETERS}) over
 * the server-wide defaults. Invalid numbers are ignored.
 */
export function faultsFromQuery(
  params: URLSearchParams,
  defaults: FaultOptions = {},
): FaultOptions {
  const faults: FaultOptions = { ...defaults };
  const target = faults as Record<string, string | number>;
  for (const [param, key] of Object.entries(QUERY_KEYS)) {
    const raw = params.get(param);
    if (raw === null) continue;
    if (STRING_KEYS.has(key)) target[key] = raw;
    else {
      const value = Number(raw);
      if (Number.isFinite(value) && value >= 0) target[key] = value;
    }
  }
  return faults;
}
