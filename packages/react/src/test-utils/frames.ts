// The hooks deliver session changes on the next animation frame (see ../frame.ts). The tests fake
// requestAnimationFrame (frames.setup.ts) and step frames explicitly: a test that renders after a
// change shows the frame it waited for, and one that forgets to wait fails.
import { act } from '@testing-library/react';
import { vi } from 'vitest';

/** Runs `change` inside act(), then the next animation frame, when the hooks deliver it. */
export function actFrame(change: () => unknown): void {
  act(() => {
    change();
  });
  act(() => {
    vi.advanceTimersToNextFrame();
  });
}

/** {@link actFrame} for a change that settles asynchronously. */
export async function actFrameAsync(change: () => Promise<unknown>): Promise<void> {
  await act(async () => {
    await change();
  });
  act(() => {
    vi.advanceTimersToNextFrame();
  });
}
