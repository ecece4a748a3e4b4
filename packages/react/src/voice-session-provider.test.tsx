import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { createFakeVoiceSession, type FakeVoiceSession } from '@parley/core/test-utils';
import { actFrameAsync } from './test-utils/frames.js';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { VoiceSessionProvider } from './voice-session-provider.js';
import { useVoiceSession } from './use-voice-session.js';

afterEach(cleanup);

/** Lets the provider's microtask-deferred connect/disconnect run, and the next frame render it. */
async function settle(): Promise<void> {
  await actFrameAsync(() => Promise.resolve());
}

function Status(): React.ReactNode {
  const { status } = useVoiceSession();
  return <p>status: {status}</p>;
}

describeEachReactMode('VoiceSessionProvider', ({ render: renderInMode }) => {
  it('creates one session from `create` and does not connect it without autoConnect', async () => {
    const created: FakeVoiceSession[] = [];
    renderInMode(
      <VoiceSessionProvider
        create={() => (created.push(createFakeVoiceSession()), created.at(-1)!)}
      >
        <Status />
      </VoiceSessionProvider>,
    );
    await settle();
    expect(screen.getByText('status: idle')).toBeTruthy();
    expect(created.reduce((sum, session) => sum + session.socketsOpened, 0)).toBe(0);
  });

  it('opens exactly one socket and one microphone with autoConnect', async () => {
    const created: FakeVoiceSession[] = [];
    renderInMode(
      <VoiceSessionProvider
        autoConnect
        create={() => (created.push(createFakeVoiceSession()), created.at(-1)!)}
      >
        <Status />
      </VoiceSessionProvider>,
    );
    await settle();
    expect(screen.getByText('status: connected')).toBeTruthy();
    const opened = created.map((session) => [session.socketsOpened, session.microphonesOpened]);
    expect(opened.filter(([sockets]) => sockets! > 0)).toEqual([[1, 1]]);
    expect(created.every((session) => session.socketsClosed === 0)).toBe(true);
    expect(created.flatMap((session) => session.commands)).toEqual(['connect']);
  });

  it('disconnects the session it owns when unmounted, releasing socket and microphone', async () => {
    const session = createFakeVoiceSession();
    const view = renderInMode(
      <VoiceSessionProvider autoConnect create={() => session}>
        <Status />
      </VoiceSessionProvider>,
    );
    await settle();
    expect(session.socketsOpened).toBe(1);
    view.unmount();
    await settle();
    expect(session.socketsClosed).toBe(1);
    expect(session.microphonesReleased).toBe(1);
    expect(session.listenerCount().snapshot).toBe(0);
  });

  it('never connects or disconnects a session passed in by the caller', async () => {
    const session = createFakeVoiceSession();
    await session.connect();
    const view = renderInMode(
      <VoiceSessionProvider session={session}>
        <Status />
      </VoiceSessionProvider>,
    );
    await settle();
    view.unmount();
    await settle();
    expect(session.commands).toEqual(['connect']);
    expect(session.socketsClosed).toBe(0);
  });

  it('starts a fresh session when its key changes and closes the old one', async () => {
    const created: FakeVoiceSession[] = [];
    const create = (): FakeVoiceSession => (
      created.push(createFakeVoiceSession()),
      created.at(-1)!
    );
    const view = renderInMode(
      <VoiceSessionProvider key="a" autoConnect create={create}>
        <Status />
      </VoiceSessionProvider>,
    );
    await settle();
    const first = created.find((session) => session.socketsOpened === 1)!;
    view.rerender(
      <VoiceSessionProvider key="b" autoConnect create={create}>
        <Status />
      </VoiceSessionProvider>,
    );
    await settle();
    expect(first.socketsClosed).toBe(1);
    const open = created.filter(
      (session) => session.socketsOpened === 1 && session.socketsClosed === 0,
    );
    expect(open).toHaveLength(1);
    expect(open[0]).not.toBe(first);
  });
});

it('explains the mistake when a hook is used outside a provider', () => {
  const consoleError = console.error;
  console.error = () => undefined;
  try {
    expect(() => render(<Status />)).toThrow('inside <VoiceSessionProvider>');
  } finally {
    console.error = consoleError;
  }
});
