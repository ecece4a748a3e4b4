import { act, cleanup } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import type { AudioLevels } from '@parley/core';
import { createFakeVoiceSession, type FakeVoiceSession } from '@parley/core/test-utils';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { silentAudioLevels, useAudioLevels } from './use-audio-levels.js';
import { VoiceSessionProvider } from './voice-session-provider.js';

// Animation frames are fake in every suite of this package (test-utils/frames.setup.ts).
afterEach(cleanup);

function withSession(session: FakeVoiceSession) {
  return ({ children }: { children: ReactNode }) => (
    <VoiceSessionProvider session={session}>{children}</VoiceSessionProvider>
  );
}

function levels(input: number, output = 0): AudioLevels {
  return {
    input: { rms: input, peak: input },
    output: { rms: output, peak: output },
    inputSpeaking: input > 0.1,
  };
}

describeEachReactMode('useAudioLevels', ({ renderHook }) => {
  it('starts silent', () => {
    const { result } = renderHook(() => useAudioLevels(), {
      wrapper: withSession(createFakeVoiceSession()),
    });
    expect(result.current).toBe(silentAudioLevels);
  });

  it('publishes only the latest report, once per animation frame', () => {
    const session = createFakeVoiceSession();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        return useAudioLevels();
      },
      { wrapper: withSession(session) },
    );
    const before = renders;
    act(() => {
      for (let report = 1; report <= 10; report += 1) session.emitLevels(levels(report / 10, 0.5));
    });
    expect(renders).toBe(before);
    expect(result.current).toBe(silentAudioLevels);
    act(() => {
      vi.advanceTimersToNextFrame();
    });
    expect(result.current.input.rms).toBe(1);
    expect(result.current.output.rms).toBe(0.5);
    const afterFrame = renders;
    expect(afterFrame).toBeGreaterThan(before);
    act(() => {
      vi.advanceTimersToNextFrame();
    });
    expect(renders).toBe(afterFrame);
  });

  it('listens once while mounted and cancels its pending frame on unmount', () => {
    const session = createFakeVoiceSession();
    const { unmount } = renderHook(() => useAudioLevels(), { wrapper: withSession(session) });
    expect(session.listenerCount().levels).toBe(1);
    session.emitLevels(levels(0.3));
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(session.listenerCount().levels).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
