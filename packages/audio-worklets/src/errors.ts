import { ParleyError } from '@parley/core';

/**
 * `code`s of the {@link ParleyError}s this package throws or emits. Reason `permission` for
 * {@link AudioErrorCode.permissionDenied}, `audio` for the rest.
 */
export const AudioErrorCode = {
  /** The user or the browser refused microphone access. */
  permissionDenied: 'microphone_permission_denied',
  /** No microphone, or none with the requested `deviceId`. */
  notFound: 'microphone_not_found',
  /** The microphone exists but could not be opened (another app holds it, or a hardware error). */
  inUse: 'microphone_in_use',
  /** The open microphone went away (unplugged, revoked) and no other could be opened. */
  disconnected: 'microphone_disconnected',
  /** No `getUserMedia`, `AudioContext` or `AudioWorklet` (old browser or an insecure page). */
  unsupported: 'audio_unsupported',
  /** The AudioContext could not be created or started. */
  contextFailed: 'audio_context_failed',
  /** A worklet module could not be loaded (wrong URL, blocked by CSP, network). */
  workletLoadFailed: 'audio_worklet_load_failed',
  /** A worklet threw while processing. */
  processorFailed: 'audio_processor_failed',
  /** The output device could not be selected. */
  outputDeviceFailed: 'audio_output_device_failed',
} as const;

/** One of {@link AudioErrorCode}'s values. */
export type AudioErrorCode = (typeof AudioErrorCode)[keyof typeof AudioErrorCode];

/** Maps a `getUserMedia` rejection to a typed {@link ParleyError}. */
export function microphoneError(error: unknown, deviceId: string | undefined): ParleyError {
  const name = error instanceof Error || isDomException(error) ? error.name : '';
  const detail = error instanceof Error ? `: ${error.message}` : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new ParleyError('permission', `Microphone access was denied${detail}`, {
        cause: error,
        code: AudioErrorCode.permissionDenied,
      });
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new ParleyError(
        'audio',
        deviceId
          ? `Microphone ${deviceId} was not found${detail}`
          : `No microphone was found${detail}`,
        { cause: error, code: AudioErrorCode.notFound },
      );
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new ParleyError(
        'audio',
        `The microphone could not be opened; is another application using it?${detail}`,
        {
          cause: error,
          code: AudioErrorCode.inUse,
        },
      );
    case 'TypeError':
      return new ParleyError('audio', `Microphone capture is not available here${detail}`, {
        cause: error,
        code: AudioErrorCode.unsupported,
      });
    default:
      return new ParleyError('audio', `The microphone could not be opened${detail}`, {
        cause: error,
        code: AudioErrorCode.inUse,
      });
  }
}

/** Wraps any failure in a ParleyError with reason `audio` and the given code (keeps ParleyErrors). */
export function audioError(code: AudioErrorCode, message: string, cause?: unknown): ParleyError {
  if (cause instanceof ParleyError) return cause;
  const detail = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
  return new ParleyError('audio', `${message}${detail}`, { cause, code });
}

function isDomException(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}
