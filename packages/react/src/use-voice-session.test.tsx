import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, it } from 'vitest';
import {
  createFakeVoiceSession,
  type FakeVoiceSession,
  userMessage,
} from '@parley/core/test-utils';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { useVoiceSession } from './use-voice-session.js';
import { VoiceSessionProvider } from './voice-session-provider.js';

afterEach(cleanup);

function withSession(session: FakeVoiceSession) {
  return ({ children }: { children: ReactNode }) => (
    <VoiceSessionProvider session={session}>{children}</VoiceSessionProvider>
  );
}

function StartButton(): ReactNode {
  const { status, connect, disconnect } = useVoiceSession();
  const live = status === 'connected' || status === 'connecting';
  return (
    <button onClick={() => void (live ? disconnect() : connect())}>
      {live ? 'End conversation' : 'Start conversation'}
    </button>
  );
}

describeEachReactMode('useVoiceSession', ({ renderHook, render }) => {
  it('returns the current snapshot and follows its changes', () => {
    const session = createFakeVoiceSession();
    const { result } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    expect(result.current.status).toBe('idle');
    expect(result.current.turn).toBe('listening');
    act(() => session.setSnapshot({ turn: 'agent_speaking', items: [userMessage('item_1')] }));
    expect(result.current.turn).toBe('agent_speaking');
    expect(result.current.items).toEqual([userMessage('item_1')]);
    expect(result.current.session).toBe(session);
  });

  it('keeps the same result object while the snapshot is unchanged', () => {
    const session = createFakeVoiceSession();
    const { result, rerender } = renderHook(() => useVoiceSession(), {
      wrapper: withSession(session),
    });
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    act(() => session.setSnapshot({ muted: true }));
    expect(result.current).not.toBe(first);
    expect(result.current.connect).toBe(first.connect);
  });

  it('passes commands through to the session', async () => {
    const session = createFakeVoiceSession();
    const { result } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    await act(() => result.current.connect());
    act(() => {
      result.current.mute(true);
      result.current.sendText('hello');
      result.current.startPushToTalk();
      result.current.stopPushToTalk();
      result.current.interrupt();
      result.current.commitAudio();
    });
    expect(session.commands).toEqual([
      'connect',
      'mute:true',
      'sendText:hello',
      'startPushToTalk',
      'stopPushToTalk',
      'interrupt',
      'commitAudio',
    ]);
    expect(result.current.muted).toBe(true);
  });

  it('opens one socket per click of "Start conversation" and closes it with "End conversation"', async () => {
    const session = createFakeVoiceSession();
    render(
      <VoiceSessionProvider session={session}>
        <StartButton />
      </VoiceSessionProvider>,
    );
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }));
      await Promise.resolve();
    });
    expect(session.socketsOpened).toBe(1);
    expect(session.microphonesOpened).toBe(1);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'End conversation' }));
      await Promise.resolve();
    });
    expect(session.socketsClosed).toBe(1);
    expect(screen.getByRole('button', { name: 'Start conversation' })).toBeTruthy();
  });

  it('unsubscribes from the session when unmounted', () => {
    const session = createFakeVoiceSession();
    const { unmount } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    expect(session.listenerCount().snapshot).toBe(1);
    unmount();
    expect(session.listenerCount().snapshot).toBe(0);
  });
});
