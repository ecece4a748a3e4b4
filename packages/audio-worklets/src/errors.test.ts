import { isParleyError } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';
import { AudioErrorCode, audioError, microphoneError } from './errors.js';

function domError(name: string): Error {
  const error = new Error(`${name} happened`);
  error.name = name;
  return error;
}

describe('microphoneError', () => {
  it.each([
    ['NotAllowedError', 'permission', AudioErrorCode.permissionDenied],
    ['SecurityError', 'permission', AudioErrorCode.permissionDenied],
    ['NotFoundError', 'audio', AudioErrorCode.notFound],
    ['OverconstrainedError', 'audio', AudioErrorCode.notFound],
    ['NotReadableError', 'audio', AudioErrorCode.inUse],
    ['AbortError', 'audio', AudioErrorCode.inUse],
    ['TypeError', 'audio', AudioErrorCode.unsupported],
  ])('maps %s to reason %s and code %s, keeping the cause', (name, reason, code) => {
    const cause = domError(name);
    const error = microphoneError(cause, 'mic-1');
    expect(isParleyError(error)).toBe(true);
    expect(error.reason).toBe(reason);
    expect(error.code).toBe(code);
    expect(error.cause).toBe(cause);
  });

  it('names the requested device when it was not found', () => {
    expect(microphoneError(domError('NotFoundError'), 'usb-headset').message).toContain(
      'usb-headset',
    );
  });

  it('handles rejections that are not Error objects', () => {
    expect(microphoneError({ name: 'NotAllowedError' }, undefined).reason).toBe('permission');
    expect(microphoneError('weird', undefined).code).toBe(AudioErrorCode.inUse);
  });
});

describe('audioError', () => {
  it('wraps a failure with reason audio and the code, and keeps an existing ParleyError', () => {
    const wrapped = audioError(AudioErrorCode.contextFailed, 'Could not start', new Error('boom'));
    expect(wrapped).toMatchObject({
      reason: 'audio',
      code: 'audio_context_failed',
      message: 'Could not start: boom',
    });
    expect(audioError(AudioErrorCode.workletLoadFailed, 'again', wrapped)).toBe(wrapped);
  });
});

describe('Emitter', () => {
  it('keeps calling the other listeners when one throws, and reports the throw', () => {
    const reported: unknown[] = [];
    const emitter = new Emitter<{ tick: (value: number) => void }>((error) => reported.push(error));
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('listener bug');
    });
    const off = emitter.on('tick', (value) => seen.push(value));
    emitter.emit('tick', 1);
    off();
    emitter.emit('tick', 2);
    expect(seen).toEqual([1]);
    expect(reported).toHaveLength(2);
  });
});
