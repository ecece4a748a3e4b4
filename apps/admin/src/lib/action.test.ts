import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';
import { runAction } from './action.js';
import type { ActionFailure } from './action.js';

describe('runAction', () => {
  it('is busy while the work runs and resolves true when it completes', async () => {
    const busy: boolean[] = [];
    let release!: () => void;
    const pending = runAction(() => new Promise<void>((resolve) => (release = resolve)), {
      busy: (running) => busy.push(running),
    });
    expect(busy).toEqual([true]);
    release();
    await expect(pending).resolves.toBe(true);
    expect(busy).toEqual([true, false]);
  });

  it('reports the API field issues and the message, and clears busy after a failure', async () => {
    const busy: boolean[] = [];
    const failures: ActionFailure[] = [];
    const error = new ApiError(400, 'invalid_request', 'Check the fields', [
      { path: ['config', 'voice'], message: 'Unknown voice' },
      { path: ['config', 'voice'], message: 'second message is dropped' },
    ]);
    const ok = await runAction(() => Promise.reject(error), {
      busy: (running) => busy.push(running),
      failed: (failure) => failures.push(failure),
    });
    expect(ok).toBe(false);
    expect(busy).toEqual([true, false]);
    expect(failures).toEqual([
      { message: 'Check the fields', fieldErrors: { 'config.voice': 'Unknown voice' }, error },
    ]);
  });

  it('gives no field errors for a failure without issues, and a message for a non-Error throw', async () => {
    const failures: ActionFailure[] = [];
    await runAction(() => Promise.reject(new ApiError(401, 'unauthorized', 'Sign in')), {
      failed: (failure) => failures.push(failure),
    });
    // A rejection with a bare string, as some libraries do.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    await runAction(() => Promise.reject('offline'), {
      failed: (failure) => failures.push(failure),
    });
    expect(failures.map(({ message, fieldErrors }) => ({ message, fieldErrors }))).toEqual([
      { message: 'Sign in', fieldErrors: null },
      { message: 'offline', fieldErrors: null },
    ]);
  });

  it('never rejects, even without a failure handler', async () => {
    await expect(runAction(() => Promise.reject(new Error('ignored')))).resolves.toBe(false);
  });
});
