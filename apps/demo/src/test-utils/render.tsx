// Renders demo components around a scripted session (core's `@parley/core/test-utils` fake),
// with and without StrictMode, like the binding's own suites.
import { StrictMode } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { VoiceSessionProvider } from '@parley/react';
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
