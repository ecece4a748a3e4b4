import { describe, expect, it } from 'vitest';
import type { MessageItem } from '../types.js';
import { assistantMessage, userMessage } from '../test-utils/items.js';
import { FakeAudioPort } from '../test-utils/fake-audio-port.js';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';
import { heardSplit, splitHeardText, type ItemPlayhead } from './heard.js';

describe('splitHeardText', () => {
  const text = 'The weather in Paris is sunny today.';

  it('has heard nothing before playback starts', () => {
    expect(splitHeardText(text, 0, 2000)).toEqual({ heard: '', unheard: text, cut: false });
  });

  it('has heard everything once the received audio has played', () => {
    expect(splitHeardText(text, 2000, 2000)).toEqual({ heard: text, unheard: '', cut: false });
    expect(splitHeardText(text, 2500, 2000).heard).toBe(text);
  });

  it('has heard nothing when no audio was received yet', () => {
    expect(splitHeardText(text, 500, 0)).toEqual({ heard: '', unheard: text, cut: false });
    expect(splitHeardText(text, Number.NaN, 2000).heard).toBe('');
  });

  it('cuts at a word boundary, never inside a word', () => {
    const { heard, unheard } = splitHeardText(text, 1000, 2000);
    expect(heard).toBe('The weather in');
    expect(unheard).toBe(' Paris is sunny today.');
  });

  it('treats tabs, line breaks and no-break spaces as word boundaries', () => {
    expect(splitHeardText('one\ttwo\nthree\u00a0four', 9, 18).heard).toBe('one\ttwo');
  });

  it('keeps the whole text in one of the parts for any position', () => {
    for (let played = 0; played <= 2100; played += 70) {
      const { heard, unheard } = splitHeardText(text, played, 2000);
      expect(heard + unheard).toBe(text);
      expect(heard === '' || text[heard.length] === undefined || text[heard.length] === ' ').toBe(
        true,
      );
    }
  });

  it('never moves backwards as the playhead moves forwards', () => {
    let previous = 0;
    for (let played = 0; played <= 2000; played += 10) {
      const length = splitHeardText(text, played, 2000).heard.length;
      expect(length).toBeGreaterThanOrEqual(previous);
      previous = length;
    }
  });
});

describe('heardSplit', () => {
  const text = 'Our fees are paid by the seller at closing.';
  const playing = (heardMs: number, receivedMs = 2000): ItemPlayhead => ({
    itemId: 'a1',
    heardMs,
    receivedMs,
    audioDone: true,
    playing: true,
  });

  it('splits a playing assistant item at the playhead', () => {
    expect(heardSplit(assistantMessage('a1', text), playing(1000))).toEqual({
      heard: 'Our fees are paid by',
      unheard: ' the seller at closing.',
      cut: false,
    });
  });

  it('marks the part an interruption cut off, from the truncation', () => {
    const item = assistantMessage('a1', text, {
      interrupted: true,
      heardText: 'Our fees are paid',
      audioEndMs: 900,
    });
    // The cut wins over any playhead: that audio will never play.
    expect(heardSplit(item, playing(1900))).toEqual({
      heard: 'Our fees are paid',
      unheard: ' by the seller at closing.',
      cut: true,
    });
  });

  it('re-splits an interrupted item whose text changed after the truncation', () => {
    const item = assistantMessage('a1', `Well. ${text}`, {
      interrupted: true,
      heardText: 'Our fees are',
      audioEndMs: 1000,
      audioMs: 2000,
    });
    const split = heardSplit(item);
    expect(split.cut).toBe(true);
    expect(split.heard + split.unheard).toBe(`Well. ${text}`);
    expect(split.heard).toBe('Well. Our fees are paid');
  });

  it('shows an interrupted item without audio as heard', () => {
    const item = assistantMessage('a1', 'Sure', {
      interrupted: true,
      modality: 'text',
      audioMs: 0,
    });
    expect(heardSplit(item)).toEqual({ heard: 'Sure', unheard: '', cut: false });
  });

  it('has heard everything of an item that is not playing, or without a playhead', () => {
    const item = assistantMessage('a1', text);
    expect(heardSplit(item)).toEqual({ heard: text, unheard: '', cut: false });
    expect(heardSplit(item, { ...playing(100), playing: false }).heard).toBe(text);
    expect(heardSplit(item, { ...playing(100), itemId: 'other' }).heard).toBe(text);
  });

  it('has heard every user message and tool call', () => {
    expect(heardSplit(userMessage('u1', 'Hello'), playing(0))).toEqual({
      heard: 'Hello',
      unheard: '',
      cut: false,
    });
    const call = {
      type: 'function_call',
      id: 'c1',
      callId: 'call_1',
      name: 'lookup',
      arguments: '{}',
      status: 'completed',
      executor: 'client',
      output: null,
      error: null,
      durationMs: null,
      responseId: null,
      createdAt: 0,
    } as const;
    expect(heardSplit(call)).toEqual({ heard: '{}', unheard: '', cut: false });
  });
});

describe('VoiceSession.playhead', () => {
  async function speaking(outputLatencyMs = 0) {
    const audio = new FakeAudioPort({ outputLatencyMs });
    const kit = createTestSession({ audio });
    await kit.connect();
    const t = kit.transport;
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    t.receive(server.audioPart('resp_1', 'item_a1'));
    t.receive(server.transcriptDelta('resp_1', 'item_a1', 'Once upon a time there was a fox'));
    return { ...kit, audio };
  }

  const message = (session: { getSnapshot(): { items: readonly unknown[] } }) =>
    session.getSnapshot().items.find((item) => (item as MessageItem).id === 'item_a1') as
      MessageItem | undefined;

  it('is null for unknown items, user items and items without audio', async () => {
    const kit = await speaking();
    expect(kit.session.playhead('nope')).toBeNull();
    expect(kit.session.playhead('item_a1')).toBeNull();
  });

  it('follows the received audio and the AudioPort playhead, minus the output latency', async () => {
    const kit = await speaking(40);
    const t = kit.transport;
    for (let chunk = 0; chunk < 5; chunk++) t.receive(server.audioDelta('resp_1', 'item_a1', 4800));
    // 24 000 samples received = 1000 ms, still streaming, nothing rendered yet.
    expect(kit.session.playhead('item_a1')).toEqual({
      itemId: 'item_a1',
      heardMs: 0,
      receivedMs: 1000,
      audioDone: false,
      playing: true,
    });
    const item = message(kit.session)!;
    expect(heardSplit(item, kit.session.playhead('item_a1')).heard).toBe('');

    kit.audio.play('item_a1', 12_960); // 540 ms rendered, 500 ms heard
    expect(kit.session.playhead('item_a1')?.heardMs).toBe(500);
    expect(heardSplit(item, kit.session.playhead('item_a1'))).toEqual({
      heard: 'Once upon a time',
      unheard: ' there was a fox',
      cut: false,
    });

    for (let chunk = 0; chunk < 5; chunk++) t.receive(server.audioDelta('resp_1', 'item_a1', 4800));
    t.receive(server.audioDone('resp_1', 'item_a1'));
    expect(kit.session.playhead('item_a1')).toMatchObject({ receivedMs: 2000, audioDone: true });
    expect(heardSplit(message(kit.session)!, kit.session.playhead('item_a1')).heard).toBe('Once');

    kit.audio.play('item_a1', 48_000 - 12_960);
    kit.audio.drain();
    expect(kit.session.playhead('item_a1')).toMatchObject({ playing: false });
    expect(heardSplit(message(kit.session)!, kit.session.playhead('item_a1'))).toEqual({
      heard: 'Once upon a time there was a fox',
      unheard: '',
      cut: false,
    });
  });

  it('agrees with the truncation after a barge-in', async () => {
    const kit = await speaking();
    for (let chunk = 0; chunk < 10; chunk++)
      kit.transport.receive(server.audioDelta('resp_1', 'item_a1', 4800));
    kit.audio.play('item_a1', 30_000);
    kit.session.interrupt();
    await settle();
    const item = message(kit.session)!;
    expect(item.interrupted).toBe(true);
    const split = heardSplit(item, kit.session.playhead('item_a1'));
    expect(split).toEqual({
      heard: item.heardText,
      unheard: item.text.slice(item.heardText!.length),
      cut: true,
    });
    expect(split.heard).toBe('Once upon a time');
    expect(kit.session.playhead('item_a1')?.playing).toBe(false);
  });
});
