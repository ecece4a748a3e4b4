import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import {
  createFakeVoiceSession,
  type FakeVoiceSession,
  userMessage,
} from '@parley/core/test-utils';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { useVoiceSession } from './use-voice-session.js';
import { flushVoiceUpdates } from './frame.js';
import { VoiceSessionProvider } from './voice-session-provider.js';
import { actFrame, actFrameAsync } from './test-utils/frames.js';

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
    actFrame(() => session.setSnapshot({ turn: 'agent_speaking', items: [userMessage('item_1')] }));
    expect(result.current.turn).toBe('agent_speaking');
    expect(result.current.items).toEqual([userMessage('item_1')]);
    expect(result.current.session).toBe(session);
  });

  it('renders a burst of session changes once, on the next animation frame', () => {
    const session = createFakeVoiceSession();
    let renders = 0;
    const { result } = renderHook(
      () => {
        renders += 1;
        return useVoiceSession();
      },
      { wrapper: withSession(session) },
    );
    const initialRenders = renders;
    // A server's burst: speech stopped, committed, item added, response created...
    act(() => {
      session.setSnapshot({ turn: 'thinking' });
      session.setSnapshot({ items: [userMessage('item_1')] });
      session.setSnapshot({ turn: 'agent_speaking' });
    });
    expect(renders).toBe(initialRenders);
    expect(result.current.turn).toBe('listening');
    act(() => {
      vi.advanceTimersToNextFrame();
    });
    expect(result.current.turn).toBe('agent_speaking');
    expect(result.current.items).toEqual([userMessage('item_1')]);
    // StrictMode renders each update twice; either way it is one update, not three.
    expect(renders - initialRenders).toBeLessThanOrEqual(2);
  });

  it('renders pending changes at once with flushVoiceUpdates (for tests)', () => {
    const session = createFakeVoiceSession();
    const { result } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    act(() => {
      session.setSnapshot({ status: 'connected' });
      flushVoiceUpdates();
    });
    expect(result.current.status).toBe('connected');
    // Nothing is left pending: the next frame renders nothing new.
    const rendered = result.current;
    act(() => {
      vi.advanceTimersToNextFrame();
    });
    expect(result.current).toBe(rendered);
  });

  it('still delivers changes when frames stop, as in a hidden tab', async () => {
    const session = createFakeVoiceSession();
    const { result } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    act(() => session.setSnapshot({ status: 'closed' }));
    expect(result.current.status).toBe('idle');
    // No frame is advanced: the fallback timer (NOTIFY_INTERVAL_MS) delivers it.
    await waitFor(() => expect(result.current.status).toBe('closed'), { timeout: 1000 });
  });

  it('keeps the same result object while the snapshot is unchanged', () => {
    const session = createFakeVoiceSession();
    const { result, rerender } = renderHook(() => useVoiceSession(), {
      wrapper: withSession(session),
    });
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    actFrame(() => session.setSnapshot({ muted: true }));
    expect(result.current).not.toBe(first);
    expect(result.current.connect).toBe(first.connect);
  });

  it('passes commands through to the session', async () => {
    const session = createFakeVoiceSession();
    const { result } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    await actFrameAsync(() => result.current.connect());
    actFrame(() => {
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

  it("passes GPT-Live's appendContext and fork through with their arguments", async () => {
    const session = createFakeVoiceSession();
    const append = vi.spyOn(session, 'appendContext');
    const fork = vi.spyOn(session, 'fork');
    const { result } = renderHook(() => useVoiceSession(), { wrapper: withSession(session) });
    actFrame(() => {
      result.current.appendContext('commentary', 'Staging is healthy.', { delegationId: 'item_1' });
      result.current.appendContext('thinking', 'The visitor is on the pricing page.');
    });
    await actFrameAsync(() => result.current.fork({ store: false }));
    expect(append.mock.calls).toEqual([
      ['commentary', 'Staging is healthy.', { delegationId: 'item_1' }],
      ['thinking', 'The visitor is on the pricing page.', undefined],
    ]);
    expect(fork.mock.calls).toEqual([[{ store: false }]]);
    expect(session.commands).toEqual([
      'appendContext:commentary:Staging is healthy.',
      'appendContext:thinking:The visitor is on the pricing page.',
      'fork',
    ]);
  });

  it('opens one socket per click of "Start conversation" and closes it with "End conversation"', async () => {
    const session = createFakeVoiceSession();
    render(
      <VoiceSessionProvider session={session}>
        <StartButton />
      </VoiceSessionProvider>,
    );
    await actFrameAsync(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Start conversation' }));
      await Promise.resolve();
    });
    expect(session.socketsOpened).toBe(1);
    expect(session.microphonesOpened).toBe(1);
    await actFrameAsync(async () => {
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
