// Responses with several assistant messages: the gpt-realtime-2 family says a short preamble
// ("One moment, let me check that.") at output_index 0 and calls a tool at 1 in the same response,
// then answers in the response after the tool output. Each message is its own item with its own
// heard split; a barge-in truncates the message actually playing, and no other.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MessageItem } from '../types.js';
import { defineTool } from '../tools/define-tool.js';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';

const PREAMBLE = 'One moment, let me check that.';
const ANSWER = 'The branch in Oslo is open from nine to five today.';

/** The index-aware events of one assistant audio message (the kit's builders assume index 0). */
function message(responseId: string, itemId: string, outputIndex: number, text: string) {
  const at = { response_id: responseId, item_id: itemId, output_index: outputIndex };
  return {
    added: server.assistantItem(responseId, itemId, outputIndex),
    part: { ...server.audioPart(responseId, itemId), output_index: outputIndex },
    transcript: { ...server.transcriptDelta(responseId, itemId, text), ...at },
    audio: (samples: number) => ({ ...server.audioDelta(responseId, itemId, samples), ...at }),
    audioDone: { ...server.audioDone(responseId, itemId), ...at },
    done: {
      ...server.assistantItemDone(responseId, itemId, text),
      output_index: outputIndex,
    },
  };
}

/**
 * A spoken turn answered with a preamble (1 s of audio), then a call of `lookup` in the same
 * response. `finish` ends that response (else it is still streaming the preamble).
 */
async function preambleTurn(options: {
  finish: boolean;
  outputLatencyMs?: number;
  model?: string;
}) {
  const tool = defineTool({
    name: 'lookup',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, hours: '9 to 5' }),
  });
  const kit = createTestSession({ tools: [tool] });
  kit.audio.outputLatencyMs = options.outputLatencyMs ?? 0;
  await kit.connect(options.model ? { model: options.model } : {});
  const t = kit.transport;
  t.receive(server.speechStarted('item_u1'));
  t.receive(server.speechStopped('item_u1'));
  t.receive(server.userItem('item_u1'));
  kit.clock.advance(300);
  t.receive(server.responseCreated('resp_1'));
  const preamble = message('resp_1', 'item_p', 0, PREAMBLE);
  t.receive(preamble.added);
  t.receive(preamble.part);
  t.receive(preamble.transcript);
  kit.clock.advance(200);
  for (let chunk = 0; chunk < 5; chunk++) t.receive(preamble.audio(4800));
  if (options.finish) {
    t.receive(preamble.audioDone);
    t.receive(preamble.done);
    for (const event of server.functionCall(
      'resp_1',
      'item_f',
      'call_1',
      'lookup',
      '{"city":"Oslo"}',
      1,
    ))
      t.receive(event);
    t.receive(server.responseDone('resp_1'));
    await settle();
  }
  return kit;
}

/** The answer after the tool output: response 2, one message of 2 s of audio. */
function answer(kit: Awaited<ReturnType<typeof preambleTurn>>, finish: boolean) {
  const t = kit.transport;
  t.receive(server.responseCreated('resp_2'));
  const reply = message('resp_2', 'item_a', 0, ANSWER);
  t.receive(reply.added);
  t.receive(reply.part);
  t.receive(reply.transcript);
  for (let chunk = 0; chunk < 10; chunk++) t.receive(reply.audio(4800));
  if (finish) {
    t.receive(reply.audioDone);
    t.receive(reply.done);
    t.receive(server.responseDone('resp_2'));
  }
}

const messageOf = (kit: Awaited<ReturnType<typeof preambleTurn>>, id: string) =>
  kit.session.getSnapshot().items.find((item) => item.id === id) as MessageItem;

describe('a preamble before a tool call, in the same response', () => {
  it('keeps each message as its own item, sends the output then one response.create, and times the turn to the preamble', async () => {
    const kit = await preambleTurn({ finish: true });
    const t = kit.transport;
    expect(t.sentOf('conversation.item.create')).toEqual([
      expect.objectContaining({
        item: expect.objectContaining({ type: 'function_call_output', call_id: 'call_1' }),
      }),
    ]);
    expect(t.sentOf('response.create')).toHaveLength(1);
    kit.clock.advance(1500); // the tool's round trip: the answer starts 2 s after the user stopped
    answer(kit, true);
    const items = kit.session.getSnapshot().items;
    expect(items.map((item) => [item.type, item.id])).toEqual([
      ['message', 'item_u1'],
      ['message', 'item_p'],
      ['function_call', 'item_f'],
      ['message', 'item_a'],
    ]);
    expect(messageOf(kit, 'item_p')).toMatchObject({
      text: PREAMBLE,
      responseId: 'resp_1',
      audioMs: 1000,
      interrupted: false,
    });
    expect(messageOf(kit, 'item_a')).toMatchObject({ text: ANSWER, responseId: 'resp_2' });
    // The user waited for the preamble's first audio, not for the answer after the tool.
    const [turn, followUp] = kit.session.getSnapshot().metrics.turns;
    expect(turn).toMatchObject({ responseId: 'resp_1', timeToFirstAudioMs: 500 });
    // The answer's response is not timed again from the user's stop (it would read 2000 ms).
    expect(followUp).toMatchObject({ responseId: 'resp_2', timeToFirstAudioMs: null });
    expect(kit.session.getSnapshot().metrics.meanTimeToFirstAudioMs).toBe(500);
  });

  it('a barge-in during the preamble truncates the preamble where it was heard, and nothing else', async () => {
    const kit = await preambleTurn({ finish: false, outputLatencyMs: 20 });
    const t = kit.transport;
    kit.audio.play('item_p', 12_000); // 500 ms rendered
    t.receive(server.speechStarted('item_u2'));
    await settle();
    expect(t.sentOf('conversation.item.truncate')).toEqual([
      expect.objectContaining({ item_id: 'item_p', audio_end_ms: 480 }),
    ]);
    t.receive(server.responseDone('resp_1', 'cancelled'));
    await settle();
    expect(messageOf(kit, 'item_p')).toMatchObject({
      interrupted: true,
      audioEndMs: 480,
      heardText: 'One moment,',
    });
    // The call never came: nothing runs and nothing follows.
    expect(t.sentOf('response.create')).toHaveLength(0);
    expect(kit.session.getSnapshot().items.some((item) => item.type === 'function_call')).toBe(
      false,
    );
  });

  it('a barge-in during the answer after the tool truncates the answer, not the heard preamble', async () => {
    const kit = await preambleTurn({ finish: true });
    kit.audio.play('item_p', 24_000);
    answer(kit, false);
    kit.audio.play('item_a', 6_000); // 250 ms of the answer
    kit.transport.receive(server.speechStarted('item_u2'));
    await settle();
    expect(kit.transport.sentOf('conversation.item.truncate')).toEqual([
      expect.objectContaining({ item_id: 'item_a', audio_end_ms: 250 }),
    ]);
    kit.transport.receive(server.responseDone('resp_2', 'cancelled'));
    expect(messageOf(kit, 'item_p')).toMatchObject({ interrupted: false, audioEndMs: null });
    expect(messageOf(kit, 'item_a')).toMatchObject({ interrupted: true, audioEndMs: 250 });
  });

  it('a barge-in after the server finished sending truncates the answer still playing', async () => {
    const kit = await preambleTurn({ finish: true });
    kit.audio.play('item_p', 24_000);
    answer(kit, true);
    kit.audio.play('item_a', 24_000); // 1 of 2 s heard, all of it sent
    expect(kit.session.getSnapshot().turn).toBe('agent_speaking');
    kit.transport.receive(server.speechStarted('item_u2'));
    await settle();
    expect(kit.transport.sentOf('conversation.item.truncate')).toEqual([
      expect.objectContaining({ item_id: 'item_a', audio_end_ms: 1000 }),
    ]);
    expect(kit.transport.sentOf('response.cancel')).toHaveLength(0);
    expect(messageOf(kit, 'item_a').heardText).toBe('The branch in Oslo is');
    expect(messageOf(kit, 'item_p').interrupted).toBe(false);
  });

  it('a barge-in while the preamble still plays, the answer already sent behind it, truncates the preamble where heard and the unheard answer at 0', async () => {
    const kit = await preambleTurn({ finish: true });
    answer(kit, true);
    kit.audio.play('item_p', 12_000); // half the preamble heard; the answer is queued behind it
    kit.transport.receive(server.speechStarted('item_u2'));
    await settle();
    expect(kit.transport.sentOf('conversation.item.truncate')).toEqual([
      expect.objectContaining({ item_id: 'item_p', audio_end_ms: 500 }),
      expect.objectContaining({ item_id: 'item_a', audio_end_ms: 0 }),
    ]);
    expect(kit.transport.sentOf('response.cancel')).toHaveLength(0);
    expect(messageOf(kit, 'item_p')).toMatchObject({ interrupted: true, audioEndMs: 500 });
    expect(messageOf(kit, 'item_p').heardText).toMatch(/^One moment,/);
    expect(messageOf(kit, 'item_a')).toMatchObject({
      interrupted: true,
      audioEndMs: 0,
      heardText: '',
    });
  });

  it("costs every response of the turn at the model's own prices, the preamble response included", async () => {
    const kit = await preambleTurn({ finish: false, model: 'gpt-realtime-2.1' });
    const t = kit.transport;
    const preamble = message('resp_1', 'item_p', 0, PREAMBLE);
    t.receive(preamble.audioDone);
    t.receive(preamble.done);
    for (const event of server.functionCall(
      'resp_1',
      'item_f',
      'call_1',
      'lookup',
      '{"city":"Oslo"}',
      1,
    ))
      t.receive(event);
    const usage = (textOut: number, audioOut: number) => ({
      total_tokens: 100 + textOut + audioOut,
      input_tokens: 100,
      output_tokens: textOut + audioOut,
      input_token_details: { text_tokens: 40, audio_tokens: 60, cached_tokens: 0 },
      output_token_details: { text_tokens: textOut, audio_tokens: audioOut },
    });
    t.receive(server.responseDone('resp_1', 'completed', usage(30, 50)));
    await settle();
    answer(kit, false);
    const reply = message('resp_2', 'item_a', 0, ANSWER);
    t.receive(reply.audioDone);
    t.receive(reply.done);
    t.receive(server.responseDone('resp_2', 'completed', usage(20, 100)));
    // gpt-realtime-2.1 ($/1M): text in 4, audio in 32, text out 24 (gpt-realtime: 16), audio out 64.
    const cost = (textOut: number, audioOut: number) =>
      (40 * 4 + 60 * 32 + textOut * 24 + audioOut * 64) / 1_000_000;
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.usage.costUsd).toBeCloseTo(cost(30, 50) + cost(20, 100), 12);
    expect(snapshot.metrics.turns.map((turn) => turn.costUsd)).toEqual([
      cost(30, 50),
      cost(20, 100),
    ]);
  });

  it('bills nothing for a preamble response cancelled before its output, which reports no usage', async () => {
    const kit = await preambleTurn({ finish: false, model: 'gpt-realtime-2.1' });
    kit.transport.receive(server.responseDone('resp_1', 'cancelled', null));
    await settle();
    expect(kit.session.getSnapshot().usage).toMatchObject({ costUsd: null, responses: 0 });
  });
});
