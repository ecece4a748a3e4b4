// Renders demo components around a scripted session (core's `@parley/core/test-utils` fake),
// with and without StrictMode, like the binding's own suites.
import { StrictMode } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { act, render } from '@testing-library/react';
import { VoiceSessionProvider, flushVoiceUpdates } from '@parley/react';
import type { VoiceSession } from '@parley/core';

export function renderWithSession(
  ui: ReactElement,
  session: VoiceSession,
  { strict = false }: { strict?: boolean } = {},
): ReturnType<typeof render> {
  const wrapper = ({ children }: { children: ReactNode }): ReactNode => {
    const tree = <VoiceSessionProvider session={session}>{children}</VoiceSessionProvider>;
    return strict ? <StrictMode>{tree}</StrictMode> : tree;
  };
  return render(ui, { wrapper });
}

/**
 * `act()` for a change to the session: the hooks deliver changes on the next animation frame, so
 * the pending ones are flushed before act() returns and the test can assert on the result.
 */
export function actOnSession(change: () => unknown): void {
  act(() => {
    change();
    flushVoiceUpdates();
  });
}

/** {@link actOnSession} for a change that settles asynchronously. */
export async function actOnSessionAsync(change: () => Promise<unknown>): Promise<void> {
  await act(async () => {
    await change();
  });
  act(() => flushVoiceUpdates());
}
