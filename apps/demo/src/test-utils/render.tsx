// Renders demo components around a scripted session (the React binding's test fake), with and
// without StrictMode, like the binding's own suites.
import { StrictMode } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import { VoiceSessionProvider } from '@parley/react';
import type { VoiceSession } from '@parley/core';

export {
  createFakeSession,
  idleSnapshot,
  userMessage,
} from '../../../../packages/react/src/test-utils/fake-session.js';
export type { FakeSession } from '../../../../packages/react/src/test-utils/fake-session.js';

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
