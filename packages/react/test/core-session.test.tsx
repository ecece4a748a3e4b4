// The binding over core's real VoiceSession (its reducer, its effects, its tool runner), driven
// through core's fake transport and fake audio port: what the hook tests prove with a scripted
// session, proven again against the implementation apps actually get.
import { cleanup, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestSession, server, settle } from '@parley/core/test-utils';
import type { ConversationItem } from '@parley/core';
import {
  VoiceSessionProvider,
  useClientTool,
  useHeardSplit,
  useVoiceSelector,
  useVoiceSession,
} from '../src/index.js';
import { actFrame, actFrameAsync } from '../src/test-utils/frames.js';

afterEach(cleanup);

function Status(): ReactNode {
  const { status, turn } = useVoiceSession();
  return (
    <p>
      {status} / {turn}
    </p>
  );
}

function Interrupted(): ReactNode {
  const ids = useVoiceSelector((snapshot) =>
    snapshot.items
      .filter((item) => item.type === 'message' && item.interrupted)
      .map((item) => item.id)
      .join(','),
  );
  return <p>interrupted: {ids || 'none'}</p>;
}

const citySchema = z.object({ city: z.string() });

function WeatherTool(): null {
  useClientTool('get_weather', citySchema, ({ city }) => ({ city, temperatureC: 21 }), {
    description: 'Weather for a city',
  });
  return null;
}

function Split({ item }: { item: ConversationItem }): ReactNode {
  const { heard, unheard, cut } = useHeardSplit(item);
  return (
    <p>
      heard [{heard}] unheard [{unheard}] {cut ? 'cut' : 'live'}
    </p>
  );
}

function AgentSplit(): ReactNode {
  const item = useVoiceSelector((snapshot) => snapshot.items.find((i) => i.id === 'item_a1'));
  return item ? <Split item={item} /> : null;
}

async function flush(): Promise<void> {
  await actFrameAsync(async () => {
    await settle();
  });
}

for (const strict of [false, true]) {
  describe(`over core's VoiceSession${strict ? ' (StrictMode)' : ''}`, () => {
    function mount(ui: ReactNode) {
      return render(strict ? <StrictMode>{ui}</StrictMode> : ui);
    }

    it('opens one socket and one microphone with autoConnect, and releases both on unmount', async () => {
      const kits: ReturnType<typeof createTestSession>[] = [];
      const create = () => {
        const kit = createTestSession();
        vi.spyOn(kit.audio, 'start');
        vi.spyOn(kit.audio, 'stop');
        kits.push(kit);
        return kit.session;
      };
      const view = mount(
        <VoiceSessionProvider autoConnect create={create}>
          <Status />
        </VoiceSessionProvider>,
      );
      await flush();
      const used = kits.filter((kit) => kit.transport.connections.length > 0);
      expect(used).toHaveLength(1);
      const kit = used[0]!;
      expect(kit.transport.connections).toHaveLength(1);
      expect(kit.credentialCalls).toEqual([0]);
      actFrame(() => kit.transport.receive(server.sessionCreated()));
      await flush();
      expect(screen.getByText('connected / listening')).toBeTruthy();
      expect(kit.audio.start).toHaveBeenCalledTimes(1);

      view.unmount();
      await flush();
      expect(kit.transport.connections[0]!.state).toBe('closed');
      expect(kit.audio.stop).toHaveBeenCalled();
      expect(kit.audio.started).toBe(false);
    });

    it('renders a barge-in: the cut item is marked interrupted', async () => {
      const kit = createTestSession();
      mount(
        <VoiceSessionProvider session={kit.session}>
          <Status />
          <Interrupted />
        </VoiceSessionProvider>,
      );
      await actFrameAsync(() => kit.connect());
      const t = kit.transport;
      actFrame(() => {
        t.receive(server.speechStarted('item_u1'));
        t.receive(server.speechStopped('item_u1'));
        t.receive(server.userItem('item_u1'));
        t.receive(server.responseCreated('resp_1'));
        t.receive(server.assistantItem('resp_1', 'item_a1'));
        t.receive(server.audioPart('resp_1', 'item_a1'));
        t.receive(server.transcriptDelta('resp_1', 'item_a1', 'Once upon a time there was a fox'));
        for (let chunk = 0; chunk < 10; chunk++)
          t.receive(server.audioDelta('resp_1', 'item_a1', 4800));
      });
      expect(screen.getByText('connected / agent_speaking')).toBeTruthy();
      kit.audio.play('item_a1', 12_000);
      actFrame(() => t.receive(server.speechStarted('item_u2')));
      await flush();
      expect(screen.getByText('interrupted: item_a1')).toBeTruthy();
      expect(t.sentOf('conversation.item.truncate')).toEqual([
        expect.objectContaining({ item_id: 'item_a1', audio_end_ms: 500 }),
      ]);
    });

    it('shows what was heard of the answer as it plays, then what the barge-in cut', async () => {
      vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
      try {
        const kit = createTestSession();
        mount(
          <VoiceSessionProvider session={kit.session}>
            <AgentSplit />
          </VoiceSessionProvider>,
        );
        await actFrameAsync(() => kit.connect());
        const t = kit.transport;
        actFrame(() => {
          t.receive(server.responseCreated('resp_1'));
          t.receive(server.assistantItem('resp_1', 'item_a1'));
          t.receive(server.audioPart('resp_1', 'item_a1'));
          t.receive(
            server.transcriptDelta('resp_1', 'item_a1', 'Once upon a time there was a fox'),
          );
          for (let chunk = 0; chunk < 10; chunk++)
            t.receive(server.audioDelta('resp_1', 'item_a1', 4800));
        });
        expect(screen.getByText(/^heard \[\]/).textContent).toBe(
          'heard [] unheard [Once upon a time there was a fox] live',
        );
        actFrame(() => {
          kit.audio.play('item_a1', 12_000); // 500 of 2000 ms
          vi.advanceTimersToNextFrame();
        });
        expect(screen.getByText(/^heard/).textContent).toBe(
          'heard [Once] unheard [ upon a time there was a fox] live',
        );
        actFrame(() => {
          kit.audio.play('item_a1', 18_000); // 1250 ms
          t.receive(server.speechStarted('item_u2'));
        });
        await flush();
        expect(screen.getByText(/^heard/).textContent).toBe(
          'heard [Once upon a time] unheard [ there was a fox] cut',
        );
        // The frame already requested finds nothing playing and requests no other.
        actFrame(() => {
          vi.advanceTimersToNextFrame();
        });
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    });

    it('puts a client tool in the session configuration while the component is mounted', async () => {
      const kit = createTestSession();
      const view = mount(
        <VoiceSessionProvider session={kit.session}>
          <WeatherTool />
        </VoiceSessionProvider>,
      );
      await actFrameAsync(() => kit.connect());
      const toolNames = (event: { [key: string]: unknown }) =>
        ((event.session as { tools?: { name: string }[] } | undefined)?.tools ?? []).map(
          (tool) => tool.name,
        );
      expect(toolNames(kit.transport.sentOf('session.update').at(-1)!)).toEqual(['get_weather']);
      view.unmount();
      await flush();
      expect(toolNames(kit.transport.sentOf('session.update').at(-1)!)).toEqual([]);
    });
  });
}
