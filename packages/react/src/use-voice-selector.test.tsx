import { cleanup } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, it } from 'vitest';
import {
  createFakeVoiceSession,
  type FakeVoiceSession,
  userMessage,
} from '@parley/core/test-utils';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { useVoiceSelector } from './use-voice-selector.js';
import { VoiceSessionProvider } from './voice-session-provider.js';
import { actFrame } from './test-utils/frames.js';

afterEach(cleanup);

function withSession(session: FakeVoiceSession) {
  return ({ children }: { children: ReactNode }) => (
    <VoiceSessionProvider session={session}>{children}</VoiceSessionProvider>
  );
}

describeEachReactMode('useVoiceSelector', ({ renderHook }) => {
  it('re-renders only when the selected value changes', () => {
    const session = createFakeVoiceSession();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        return useVoiceSelector((snapshot) => snapshot.turn === 'agent_speaking');
      },
      { wrapper: withSession(session) },
    );
    expect(result.current).toBe(false);
    const before = renders;
    actFrame(() => session.setSnapshot({ muted: true }));
    actFrame(() => session.setSnapshot({ turn: 'thinking' }));
    expect(renders).toBe(before);
    actFrame(() => session.setSnapshot({ turn: 'agent_speaking' }));
    expect(result.current).toBe(true);
    expect(renders).toBeGreaterThan(before);
  });

  it('keeps the previous selection when a custom equality says it is unchanged', () => {
    const session = createFakeVoiceSession({ items: [userMessage('a')] });
    const sameIds = (a: string[], b: string[]) =>
      a.length === b.length && a.every((id, i) => id === b[i]);
    const { result } = renderHook(
      () => useVoiceSelector((snapshot) => snapshot.items.map((item) => item.id), sameIds),
      { wrapper: withSession(session) },
    );
    const first = result.current;
    actFrame(() => session.setSnapshot({ items: [userMessage('a')], muted: true }));
    expect(result.current).toBe(first);
    actFrame(() => session.setSnapshot({ items: [userMessage('a'), userMessage('b')] }));
    expect(result.current).toEqual(['a', 'b']);
  });

  it('uses the latest selector when it depends on props', () => {
    const session = createFakeVoiceSession({ items: [userMessage('a'), userMessage('b')] });
    const { result, rerender } = renderHook(
      ({ index }: { index: number }) => useVoiceSelector((snapshot) => snapshot.items[index]?.id),
      { wrapper: withSession(session), initialProps: { index: 0 } },
    );
    expect(result.current).toBe('a');
    rerender({ index: 1 });
    expect(result.current).toBe('b');
  });
});
