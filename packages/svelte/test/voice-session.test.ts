import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { ParleyError, isParleyError } from '@parley/core';
import type { VoiceSessionSnapshot } from '@parley/core';
import { createVoiceSession } from '../src/index.js';
import type { ClientTool, SvelteVoiceSession } from '../src/index.js';
import {
  FakeClock,
  FakeVoiceSession,
  assistantMessage,
  fakeLevels as levels,
} from '@parley/core/test-utils';
import StatusView from './components/StatusView.svelte';
import StoreView from './components/StoreView.svelte';
import Owner from './components/Owner.svelte';
import ToolHost from './components/ToolHost.svelte';
import LevelsView from './components/LevelsView.svelte';
import HeardView from './components/HeardView.svelte';
import Orphan from './components/Orphan.svelte';

const created: SvelteVoiceSession[] = [];
function wrap(
  fake: FakeVoiceSession,
  extra: { levelsIntervalMs?: number; heardIntervalMs?: number; clock?: FakeClock } = {},
) {
  const voice = createVoiceSession({ voiceSession: fake, ...extra });
  created.push(voice);
  return voice;
}

afterEach(() => {
  for (const voice of created.splice(0)) voice.destroy();
});

const tool = (name: string) =>
  ({
    name,
    description: name,
    parameters: { type: 'object' },
    execute: () => 'ok',
  }) as unknown as ClientTool;

describe('createVoiceSession', () => {
  it('renders the status and turn and updates them when the session changes', () => {
    const fake = new FakeVoiceSession();
    render(StatusView, { voice: wrap(fake) });
    expect(screen.getByTestId('status').textContent).toBe('idle');

    fake.setSnapshot({ status: 'connected', turn: 'user_speaking' });
    flushSync();
    expect(screen.getByTestId('status').textContent).toBe('connected');
    expect(screen.getByTestId('turn').textContent).toBe('user_speaking');
  });

  it('shows streaming items as the transcript grows', () => {
    const fake = new FakeVoiceSession();
    render(StatusView, { voice: wrap(fake) });
    const item = { id: 'item_1', type: 'message', role: 'assistant', transcript: 'Hel' };
    fake.setSnapshot({ items: [item] } as unknown as Partial<VoiceSessionSnapshot>);
    flushSync();
    expect(screen.getByTestId('item').textContent).toContain('"Hel"');

    fake.setSnapshot({
      items: [{ ...item, transcript: 'Hello there' }],
    } as unknown as Partial<VoiceSessionSnapshot>);
    flushSync();
    expect(screen.getAllByTestId('item')).toHaveLength(1);
    expect(screen.getByTestId('item').textContent).toContain('Hello there');
  });

  it('does not re-run effects when the session notifies without a new snapshot', () => {
    const fake = new FakeVoiceSession();
    const onRender = vi.fn();
    render(StatusView, { voice: wrap(fake), onRender });
    expect(onRender).toHaveBeenCalledTimes(1);

    fake.notifyUnchanged();
    flushSync();
    expect(onRender).toHaveBeenCalledTimes(1);

    fake.setSnapshot({ status: 'connecting' });
    flushSync();
    expect(onRender).toHaveBeenCalledTimes(2);
  });

  it('re-runs an effect only when a field it reads changes', () => {
    const fake = new FakeVoiceSession();
    const onRender = vi.fn();
    render(StatusView, { voice: wrap(fake), onRender });
    fake.setSnapshot({ items: [{ id: 'item_1' }] } as unknown as Partial<VoiceSessionSnapshot>);
    fake.setSnapshot({ muted: true });
    flushSync();
    expect(onRender).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('muted').textContent).toBe('muted');

    fake.setSnapshot({ turn: 'thinking' });
    flushSync();
    expect(onRender).toHaveBeenCalledTimes(2);
  });

  it('shows the error the session reports', () => {
    const fake = new FakeVoiceSession();
    render(StatusView, { voice: wrap(fake) });
    fake.setSnapshot({
      status: 'error',
      error: new ParleyError('permission', 'Microphone permission denied'),
    });
    flushSync();
    expect(screen.getByRole('alert').textContent).toBe('Microphone permission denied');
  });

  it('reads the current snapshot outside any effect, without subscribing', () => {
    const fake = new FakeVoiceSession();
    const voice = wrap(fake);
    fake.setSnapshot({ status: 'reconnecting' });
    expect(voice.status).toBe('reconnecting');
    expect(voice.snapshot).toBe(fake.snapshot);
    expect(fake.listenerCount().snapshot).toBe(0);
  });

  it('unsubscribes from the session when the last reader is destroyed', () => {
    const fake = new FakeVoiceSession();
    const { unmount } = render(StatusView, { voice: wrap(fake) });
    expect(fake.listenerCount().snapshot).toBeGreaterThan(0);
    unmount();
    flushSync();
    expect(fake.listenerCount().snapshot).toBe(0);
  });

  it('forwards commands to the session', async () => {
    const fake = new FakeVoiceSession();
    const voice = wrap(fake);
    await voice.connect();
    voice.sendText('hello');
    voice.interrupt();
    voice.mute(true);
    voice.startPushToTalk();
    voice.stopPushToTalk();
    voice.updateSession({});
    await voice.disconnect();
    expect(fake.commands).toEqual([
      'connect',
      'sendText:hello',
      'interrupt',
      'mute:true',
      'startPushToTalk',
      'stopPushToTalk',
      'updateSession',
      'disconnect',
    ]);
    expect(voice.muted).toBe(true);
  });
});

describe('store contract', () => {
  it('calls subscribers at once and on every new snapshot, and stops after unsubscribe', () => {
    const fake = new FakeVoiceSession();
    const voice = wrap(fake);
    const seen: string[] = [];
    const unsubscribe = voice.subscribe((snapshot) => seen.push(snapshot.status));
    fake.setSnapshot({ status: 'connecting' });
    fake.notifyUnchanged();
    fake.setSnapshot({ status: 'connected' });
    unsubscribe();
    fake.setSnapshot({ status: 'closed' });
    expect(seen).toEqual(['idle', 'connecting', 'connected']);
    expect(fake.listenerCount().snapshot).toBe(0);
  });

  it('works with $store syntax in a component', () => {
    const fake = new FakeVoiceSession();
    render(StoreView, { voice: wrap(fake) });
    expect(screen.getByTestId('store-status').textContent).toBe('idle');
    fake.setSnapshot({ status: 'connected' });
    flushSync();
    expect(screen.getByTestId('store-status').textContent).toBe('connected');
  });
});

describe('audio levels', () => {
  it('throttles level updates to one per interval and delivers the latest value', () => {
    const fake = new FakeVoiceSession();
    const clock = new FakeClock();
    render(LevelsView, { voice: wrap(fake, { levelsIntervalMs: 50, clock }) });
    const meter = () => screen.getByTestId<HTMLMeterElement>('input-level').value;
    expect(meter()).toBe(0);

    fake.emitLevels(levels(0.2));
    flushSync();
    expect(meter()).toBe(0.2);

    for (let step = 1; step <= 10; step++) {
      clock.advance(3);
      fake.emitLevels(levels(0.2 + step * 0.01));
    }
    flushSync();
    expect(meter()).toBe(0.2);

    clock.advance(50);
    flushSync();
    expect(meter()).toBeCloseTo(0.3);
    expect(screen.getByTestId('speaking').textContent).toBe('speaking');
  });

  it('listens for levels only while something reads them', () => {
    const fake = new FakeVoiceSession();
    const clock = new FakeClock();
    const voice = wrap(fake, { clock });
    const status = render(StatusView, { voice });
    expect(fake.listenerCount().levels).toBe(0);

    const meter = render(LevelsView, { voice });
    expect(fake.listenerCount().levels).toBe(1);
    fake.emitLevels(levels(0.5));
    fake.emitLevels(levels(0.6));
    meter.unmount();
    flushSync();
    expect(fake.listenerCount().levels).toBe(0);
    expect(clock.pending().length).toBe(0);
    status.unmount();
  });

  it('stops listening for levels for good once destroyed', () => {
    const fake = new FakeVoiceSession();
    const voice = createVoiceSession({ voiceSession: fake });
    const seen: number[] = [];
    const stop = voice.levelsStore.subscribe((value) => seen.push(value.input.rms));
    voice.destroy();
    expect(fake.listenerCount().levels).toBe(0);
    const again = voice.levelsStore.subscribe((value) => seen.push(value.input.rms));
    fake.emitLevels(levels(0.9));
    expect(fake.listenerCount().levels).toBe(0);
    expect(seen).toEqual([0, 0]);
    stop();
    again();
  });

  it('offers levels as a store too', () => {
    const fake = new FakeVoiceSession();
    const clock = new FakeClock();
    render(StoreView, { voice: wrap(fake, { clock }) });
    fake.emitLevels(levels(0.4));
    flushSync();
    expect(screen.getByTestId('store-level').textContent).toBe('0.4');
  });
});

describe('heard', () => {
  const text = 'The weather in Paris is sunny today.';
  const parts = (id: string) => {
    const item = screen.getByTestId(`heard-${id}`);
    return {
      said: item.querySelector('.said')?.textContent,
      unheard: item.querySelector('.unheard')?.textContent ?? null,
      cut: item.querySelector('.cut') !== null,
    };
  };

  it('follows the playhead while the agent speaks, then shows everything heard', () => {
    const fake = new FakeVoiceSession({
      turn: 'agent_speaking',
      items: [assistantMessage('a1', text, { streaming: true })],
    });
    fake.setPlayhead('a1', { heardMs: 0, receivedMs: 2000 });
    const clock = new FakeClock();
    const voice = wrap(fake, { clock, heardIntervalMs: 50 });
    render(HeardView, { voice });
    expect(parts('a1')).toEqual({ said: '', unheard: text, cut: false });

    fake.setPlayhead('a1', { heardMs: 1000, receivedMs: 2000 });
    clock.advance(49);
    flushSync();
    expect(parts('a1').said).toBe('');
    clock.advance(1);
    flushSync();
    expect(parts('a1')).toEqual({
      said: 'The weather in',
      unheard: ' Paris is sunny today.',
      cut: false,
    });

    // Playback ends: the turn changes, everything is heard, and the polling stops.
    fake.setPlayhead('a1', { heardMs: 2000, receivedMs: 2000, playing: false });
    fake.setSnapshot({ turn: 'listening' });
    flushSync();
    expect(parts('a1')).toEqual({ said: text, unheard: null, cut: false });
    clock.advance(50);
    expect(clock.pending()).toEqual([]);
  });

  it('strikes the part an interruption cut off', () => {
    const fake = new FakeVoiceSession({
      items: [
        assistantMessage('a1', 'Our fees are paid by the seller at closing.', {
          interrupted: true,
          heardText: 'Our fees are paid',
          audioEndMs: 900,
        }),
      ],
    });
    const clock = new FakeClock();
    render(HeardView, { voice: wrap(fake, { clock }) });
    expect(parts('a1')).toEqual({
      said: 'Our fees are paid',
      unheard: ' by the seller at closing.',
      cut: true,
    });
    expect(clock.pending()).toEqual([]);
  });

  it('reads the split once outside an effect, and stops polling on destroy', () => {
    const fake = new FakeVoiceSession({
      turn: 'agent_speaking',
      items: [assistantMessage('a1', text)],
    });
    fake.setPlayhead('a1', { heardMs: 1000, receivedMs: 2000 });
    const clock = new FakeClock();
    const voice = wrap(fake, { clock });
    expect(voice.heard(fake.snapshot.items[0]!).heard).toBe('The weather in');
    expect(clock.pending()).toEqual([]);
    render(HeardView, { voice });
    expect(clock.pending()).toEqual([50]);
    voice.destroy();
    expect(clock.pending()).toEqual([]);
  });
});

describe('client tools', () => {
  it('registers the tools given in options and unregisters them on destroy', () => {
    const fake = new FakeVoiceSession();
    const voice = createVoiceSession({
      voiceSession: fake,
      tools: [tool('lookup_order'), tool('open_page')],
    });
    expect([...fake.tools.keys()]).toEqual(['lookup_order', 'open_page']);
    voice.destroy();
    expect(fake.tools.size).toBe(0);
  });

  it('keeps a tool registered in a component only while that component lives', () => {
    const fake = new FakeVoiceSession();
    const voice = wrap(fake);
    const lookup = tool('lookup_order');
    const view = render(ToolHost, { voice, tool: lookup, show: true });
    expect(fake.tools.get('lookup_order')).toBe(lookup);

    void view.rerender({ show: false });
    flushSync();
    expect(fake.tools.has('lookup_order')).toBe(false);
  });

  it('returns an unregister function that is safe to call twice', () => {
    const fake = new FakeVoiceSession();
    const voice = wrap(fake);
    const unregister = voice.registerTool(tool('a'));
    unregister();
    const again = tool('a');
    voice.registerTool(again);
    unregister();
    expect(fake.tools.get('a')).toBe(again);
  });
});

describe('context and lifecycle', () => {
  it('shares the session with descendants through context', async () => {
    const fake = new FakeVoiceSession();
    render(Owner, { options: { voiceSession: fake } });
    expect(screen.getByTestId('child-status').textContent).toBe('idle');
    await fireEvent.click(screen.getByText('Start'));
    flushSync();
    expect(screen.getByTestId('child-status').textContent).toBe('connected');
    await fireEvent.click(screen.getByText('Mute'));
    flushSync();
    expect(screen.getByText('Unmute')).toBeTruthy();
  });

  it('throws a clear ParleyError when no ancestor set a session', () => {
    let caught: unknown;
    try {
      render(Orphan);
    } catch (error) {
      caught = error;
    }
    expect(isParleyError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/setVoiceSessionContext/);
  });

  it('leaves a session it was given connected when the component is destroyed', async () => {
    const fake = new FakeVoiceSession();
    const view = render(Owner, { options: { voiceSession: fake, tools: [tool('t')] } });
    await fireEvent.click(screen.getByText('Start'));
    view.unmount();
    flushSync();
    expect(fake.commands).toEqual(['connect']);
    expect(fake.tools.size).toBe(0);
    expect(fake.listenerCount().snapshot).toBe(0);
  });
});
