import { cleanup } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import type { MessageItem } from '@parley/core';
import {
  assistantMessage,
  createFakeVoiceSession,
  type FakeVoiceSession,
  userMessage,
} from '@parley/core/test-utils';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { useHeardSplit } from './use-heard-split.js';
import { VoiceSessionProvider } from './voice-session-provider.js';
import { actFrame } from './test-utils/frames.js';

// Animation frames are fake in every suite of this package (test-utils/frames.setup.ts).
afterEach(cleanup);

function withSession(session: FakeVoiceSession) {
  return ({ children }: { children: ReactNode }) => (
    <VoiceSessionProvider session={session}>{children}</VoiceSessionProvider>
  );
}

const text = 'The weather in Paris is sunny today.';

/** The first message of the session's snapshot, as a component would get it from `items`. */
function firstMessage(session: FakeVoiceSession): MessageItem {
  return session.getSnapshot().items[0] as MessageItem;
}

describeEachReactMode('useHeardSplit', ({ renderHook }) => {
  it('has heard all of a user message and of an assistant item that is not playing', () => {
    const session = createFakeVoiceSession({
      items: [userMessage('u1', 'Hello'), assistantMessage('a1', text)],
    });
    const { result } = renderHook(
      () => [0, 1].map((index) => useHeardSplit(session.getSnapshot().items[index]!)),
      { wrapper: withSession(session) },
    );
    expect(result.current).toEqual([
      { heard: 'Hello', unheard: '', cut: false },
      { heard: text, unheard: '', cut: false },
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('follows the playhead once per frame while the item plays, re-rendering once per word', () => {
    const session = createFakeVoiceSession({ items: [assistantMessage('a1', text)] });
    session.setPlayhead('a1', { heardMs: 0, receivedMs: 2000 });
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        return useHeardSplit(firstMessage(session));
      },
      { wrapper: withSession(session) },
    );
    expect(result.current).toEqual({ heard: '', unheard: text, cut: false });

    const before = renders;
    actFrame(() => {
      session.setPlayhead('a1', { heardMs: 1000, receivedMs: 2000 });
      vi.advanceTimersToNextFrame();
    });
    expect(result.current).toEqual({
      heard: 'The weather in',
      unheard: ' Paris is sunny today.',
      cut: false,
    });
    const afterMove = renders;
    expect(afterMove).toBeGreaterThan(before);

    // Frames where the split stays inside the same word render nothing.
    actFrame(() => {
      session.setPlayhead('a1', { heardMs: 1010, receivedMs: 2000 });
      vi.advanceTimersToNextFrame();
      vi.advanceTimersToNextFrame();
    });
    expect(renders).toBe(afterMove);

    // Playback ends: everything heard, and no frame is requested any more.
    actFrame(() => {
      session.setPlayhead('a1', { heardMs: 2000, receivedMs: 2000, playing: false });
      vi.advanceTimersToNextFrame();
    });
    expect(result.current).toEqual({ heard: text, unheard: '', cut: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts following when a snapshot change says the item plays', () => {
    const session = createFakeVoiceSession({
      items: [assistantMessage('a1', 'Our', { streaming: true })],
    });
    const { result } = renderHook(() => useHeardSplit(firstMessage(session)), {
      wrapper: withSession(session),
    });
    expect(vi.getTimerCount()).toBe(0);
    actFrame(() => {
      session.setPlayhead('a1', { heardMs: 0, receivedMs: 500 });
      session.setSnapshot({ items: [assistantMessage('a1', 'Our fees', { streaming: true })] });
    });
    expect(result.current).toEqual({ heard: '', unheard: 'Our fees', cut: false });
    actFrame(() => {
      session.setPlayhead('a1', { heardMs: 400, receivedMs: 500 });
      vi.advanceTimersToNextFrame();
    });
    expect(result.current).toEqual({ heard: 'Our', unheard: ' fees', cut: false });
  });

  it('marks the part an interruption cut off', () => {
    const session = createFakeVoiceSession({
      items: [
        assistantMessage('a1', 'Our fees are paid by the seller at closing.', {
          interrupted: true,
          heardText: 'Our fees are paid',
          audioEndMs: 900,
        }),
      ],
    });
    const { result } = renderHook(() => useHeardSplit(firstMessage(session)), {
      wrapper: withSession(session),
    });
    expect(result.current).toEqual({
      heard: 'Our fees are paid',
      unheard: ' by the seller at closing.',
      cut: true,
    });
  });

  it('stops polling when unmounted', () => {
    const session = createFakeVoiceSession({ items: [assistantMessage('a1', text)] });
    session.setPlayhead('a1', { heardMs: 100, receivedMs: 2000 });
    const { unmount } = renderHook(() => useHeardSplit(firstMessage(session)), {
      wrapper: withSession(session),
    });
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
    expect(session.listenerCount().snapshot).toBe(0);
  });
});
