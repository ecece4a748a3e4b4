// Wire events are untyped JSON here: tests read deep fields and assert their values.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeConnection, type ConnectionOptions } from './connection.js';
import { generateVoiceLikeSpeech, type SpeechSynthesizer } from './speech.js';

type WireEvent = Record<string, any> & { type: string };

const synthesizer: SpeechSynthesizer = {
  engine: 'generated',
  synthesize: (text, voice, speed) => Promise.resolve(generateVoiceLikeSpeech(text, voice, speed)),
  close: () => Promise.resolve(),
};

function harness(overrides: Partial<ConnectionOptions> = {}) {
  const events: WireEvent[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  const connection = new RealtimeConnection({
    dialect: 'ga',
    model: 'gpt-realtime',
    intent: 'realtime',
    synthesizer,
    speechRate: 1,
    maxSessionMs: 3_600_000,
    faults: {},
    emitConversationCreated: false,
    maxEventBytes: 16 * 1024 * 1024,
    send: (data) => events.push(JSON.parse(data) as WireEvent),
    close: (code, reason) => closes.push({ code, reason }),
    ...overrides,
  });
  connection.start();
  const send = (event: Record<string, unknown>) =>
    connection.handleFrame(JSON.stringify(event), false);
  const types = (from = 0) => events.slice(from).map((event) => event.type);
  const last = (type: string) => [...events].reverse().find((event) => event.type === type);
  return { connection, events, closes, send, types, last };
}

const silence = (ms: number) => Buffer.alloc((24000 * 2 * ms) / 1000);
const speech = (text = 'hello there my friend') =>
  Buffer.from(generateVoiceLikeSpeech(text, 'alloy').samples.buffer);
const append = (send: (event: Record<string, unknown>) => void, pcm: Buffer) => {
  for (let offset = 0; offset < pcm.length; offset += 960)
    send({
      type: 'input_audio_buffer.append',
      audio: pcm.subarray(offset, offset + 960).toString('base64'),
    });
};
const userText = (text: string) => ({
  type: 'conversation.item.create',
  item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
});

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date', 'performance'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('server VAD turns', () => {
  it('commits a spoken turn and answers, with positions on the session-wide timeline', async () => {
    const { send, types, last, events } = harness();
    append(send, Buffer.concat([silence(1000), speech(), silence(400)]));
    const started = last('input_audio_buffer.speech_started')!;
    const stopped = last('input_audio_buffer.speech_stopped')!;
    expect(started.audio_start_ms).toBe(700); // 1000 ms of silence minus 300 ms prefix padding
    expect(stopped.audio_end_ms).toBeGreaterThan(started.audio_start_ms);
    expect(types()).toEqual([
      'session.created',
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
    ]);
    await vi.advanceTimersByTimeAsync(150);
    expect(types().slice(7, 10)).toEqual([
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(last('response.done')!.response.status).toBe('completed');
    const firstEnd = stopped.audio_end_ms as number;
    const mark = events.length;
    append(send, Buffer.concat([silence(500), speech('again'), silence(400)]));
    const second = events
      .slice(mark)
      .find((event) => event.type === 'input_audio_buffer.speech_started')!;
    expect(second.audio_start_ms).toBeGreaterThan(firstEnd);
  });

  it('gives the same turn boundaries however the audio is chunked', () => {
    const pcm = Buffer.concat([silence(600), speech(), silence(500)]);
    const boundaries = [960, 4800, 333 * 2].map((chunk) => {
      const { send, events } = harness();
      for (let offset = 0; offset < pcm.length; offset += chunk)
        send({
          type: 'input_audio_buffer.append',
          audio: pcm.subarray(offset, offset + chunk).toString('base64'),
        });
      return events
        .filter((event) => event.type.startsWith('input_audio_buffer.speech'))
        .map((event) => event.audio_start_ms ?? event.audio_end_ms);
    });
    expect(boundaries[1]).toEqual(boundaries[0]);
    expect(boundaries[2]).toEqual(boundaries[0]);
  });

  it('cancels the active response when the user barges in (turn_detected), closing the item as incomplete', async () => {
    const { send, types, last, events } = harness();
    send(userText('Tell me a long story about boats and the sea'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(500);
    expect(types()).toContain('response.output_audio.delta');
    const mark = events.length;
    append(send, Buffer.concat([silence(300), speech('stop')]));
    const after = types(mark).filter((type) => type !== 'input_audio_buffer.speech_stopped');
    expect(after.slice(0, 7)).toEqual([
      'input_audio_buffer.speech_started',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const done = last('response.done')!;
    expect(done.response.status_details).toEqual({ type: 'cancelled', reason: 'turn_detected' });
    expect(done.response.output[0].status).toBe('incomplete');
    await vi.advanceTimersByTimeAsync(5000);
    expect(types(mark).filter((type) => type === 'response.output_audio.delta')).toEqual([]);
  });

  it('cancels a response with no output when the user speaks before its first token, as recorded', async () => {
    const { send, types, last } = harness();
    append(send, Buffer.concat([silence(300), speech(), silence(400)]));
    expect(last('response.created')).toBeDefined();
    const mark = types().length;
    append(send, Buffer.concat([speech('and also')]));
    const done = last('response.done')!;
    expect(done.response).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
      output: [],
    });
    // Recorded cancels before any output bill nothing (all-zero usage, 4 of 4).
    expect(done.response.usage).toMatchObject({
      total_tokens: 0,
      input_tokens: 0,
      output_tokens: 0,
    });
    // beta-webrtc-session-function-call.jsonl: response.created → speech_started → response.done.
    const recorded = readFileSync(
      fileURLToPath(
        new URL(
          '../../../../shared/fixtures/beta-webrtc-session-function-call.jsonl',
          import.meta.url,
        ),
      ),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    const at = recorded.findIndex(
      (type, index) =>
        type === 'input_audio_buffer.speech_started' &&
        recorded[index - 1] === 'response.created' &&
        recorded[index + 1] === 'response.done',
    );
    expect(at).toBeGreaterThan(0);
    expect([types()[mark - 1], ...types(mark).slice(0, 2)]).toEqual(recorded.slice(at - 1, at + 2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(types(mark)).not.toContain('response.output_item.added');
  });

  it('keeps answering when interrupt_response is off, and reports the overlap at end of speech', async () => {
    const { send, last, events } = harness();
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', interrupt_response: false } } },
      },
    });
    send(userText('Tell me a long story about boats and the sea and the wind'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(300);
    append(send, Buffer.concat([silence(300), speech('wait'), silence(400)]));
    expect(last('response.done')).toBeUndefined();
    expect(last('error')!.error.code).toBe('conversation_already_has_active_response');
    expect(events.filter((event) => event.type === 'input_audio_buffer.committed')).toHaveLength(1);
  });

  it('commits without answering when create_response is off', () => {
    const { send, types } = harness();
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: {
            turn_detection: {
              type: 'server_vad',
              create_response: false,
              silence_duration_ms: 500,
            },
          },
        },
      },
    });
    append(send, Buffer.concat([silence(300), speech(), silence(700)]));
    expect(types()).toContain('input_audio_buffer.committed');
    expect(types()).not.toContain('response.created');
  });

  it('ignores audio under the threshold', () => {
    const { send, types } = harness();
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', threshold: 1 } } },
      },
    });
    append(send, Buffer.concat([silence(300), speech(), silence(700)]));
    expect(types()).not.toContain('input_audio_buffer.speech_started');
  });

  it('approximates semantic_vad with an eagerness-dependent pause', () => {
    const { send, types, last } = harness();
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'low' } } },
      },
    });
    expect(last('session.updated')!.session.audio.input.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'low',
      create_response: true,
      interrupt_response: true,
    });
    append(send, Buffer.concat([silence(300), speech(), silence(800)]));
    expect(types()).not.toContain('input_audio_buffer.speech_stopped');
    append(send, silence(600));
    expect(types()).toContain('input_audio_buffer.speech_stopped');
  });

  it('prompts the user after idle_timeout_ms of silence following the answer', async () => {
    const { send, types } = harness({ speechRate: Infinity });
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 6000 } } },
      },
    });
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    expect(types()).toContain('response.done');
    await vi.advanceTimersByTimeAsync(6100);
    const after = types(types().indexOf('response.done') + 1);
    expect(after.slice(0, 4)).toEqual([
      'rate_limits.updated',
      'input_audio_buffer.timeout_triggered',
      'input_audio_buffer.committed',
      'conversation.item.added',
    ]);
    expect(after).toContain('response.created');
  });
});

describe('manual turns and the input buffer', () => {
  it('refuses to commit under 100 ms, then commits without starting a response', () => {
    const { send, last, types } = harness();
    send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    });
    expect(last('session.updated')!.session.audio.input.turn_detection).toBeNull();
    append(send, speech().subarray(0, 2400));
    send({ type: 'input_audio_buffer.commit', event_id: 'evt_1' });
    expect(last('error')!.error).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      event_id: 'evt_1',
    });
    expect(last('error')!.error.message).toContain('buffer only has 50.00ms of audio');
    append(send, speech());
    send({ type: 'input_audio_buffer.commit' });
    expect(last('input_audio_buffer.committed')).toBeDefined();
    expect(last('conversation.item.done')!.item.content).toEqual([
      { type: 'input_audio', transcript: null },
    ]);
    expect(types()).not.toContain('response.created');
    append(send, speech());
    send({ type: 'input_audio_buffer.clear' });
    send({ type: 'input_audio_buffer.commit' });
    expect(types().slice(-2)).toEqual(['input_audio_buffer.cleared', 'error']);
  });

  it('transcribes committed audio asynchronously, with supplied words or a duration stand-in', async () => {
    const { send, events, last } = harness();
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model: 'whisper-1' }, turn_detection: null } },
      },
    });
    append(send, silence(1500));
    send({ type: 'input_audio_buffer.commit' });
    send({ type: 'emulator.transcript', text: 'book a table for two' });
    append(send, silence(500));
    send({ type: 'input_audio_buffer.commit' });
    expect(last('conversation.item.input_audio_transcription.completed')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(100);
    const completed = events.filter(
      (event) => event.type === 'conversation.item.input_audio_transcription.completed',
    );
    expect(completed.map((event) => event.transcript)).toEqual([
      '[speech 1.5 s]',
      'book a table for two',
    ]);
    expect(completed[0]!.usage).toEqual({ type: 'duration', seconds: 2 });
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(20_000);
    // The supplied words are understood like typed text (no tool here, so an honest "not sure").
    expect(last('response.done')!.response.output[0].content[0].transcript).toBe(
      'I\'m not sure how to help with "book a table for two". Could you put that another way?',
    );
  });
});

describe('items', () => {
  it('creates at the root or after an item, deletes and retrieves, and errors on unknown ids', () => {
    const { send, last } = harness();
    send({
      ...userText('first'),
      item: {
        id: 'msg_1',
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'first' }],
      },
    });
    expect(last('conversation.item.added')).toMatchObject({
      previous_item_id: null,
      item: { id: 'msg_1', status: 'completed' },
    });
    send({
      type: 'conversation.item.create',
      previous_item_id: 'root',
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'sys' }] },
    });
    expect(last('conversation.item.added')!.previous_item_id).toBeNull();
    send({
      ...userText('x'),
      item: { id: 'x'.repeat(33), type: 'message', role: 'user', content: [] },
    });
    expect(last('error')!.error).toMatchObject({
      code: 'string_above_max_length',
      param: 'item.id',
    });
    send({ ...userText('x'), previous_item_id: 'nope', event_id: 'evt_p' });
    expect(last('error')!.error).toMatchObject({
      code: 'invalid_value',
      param: 'previous_item_id',
      event_id: 'evt_p',
    });
    send({ type: 'conversation.item.retrieve', item_id: 'msg_1' });
    expect(last('conversation.item.retrieved')!.item.content).toEqual([
      { type: 'input_text', text: 'first' },
    ]);
    send({ type: 'conversation.item.delete', item_id: 'msg_1' });
    expect(last('conversation.item.deleted')!.item_id).toBe('msg_1');
    send({ type: 'conversation.item.delete', item_id: 'msg_1' });
    expect(last('error')!.error.code).toBe('item_delete_invalid_item_id');
    send({ type: 'conversation.item.retrieve', item_id: 'msg_1' });
    expect(last('error')!.error.code).toBe('item_retrieve_invalid_item_id');
  });

  it('requires a matching call for a function_call_output and refuses client-made assistant audio', () => {
    const { send, last } = harness();
    send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_missing', output: '{}' },
    });
    expect(last('error')!.error).toMatchObject({ code: 'invalid_value', param: 'item.call_id' });
    send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', audio: '' }] },
    });
    expect(last('error')!.error.param).toBe('item.content[0].type');
    send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text' }] },
    });
    expect(last('error')!.error.code).toBe('missing_required_parameter');
  });
});

describe('responses', () => {
  it('streams audio at real time with the transcript in step, and counts 20 audio tokens per second', async () => {
    const { send, events, last } = harness();
    send(userText('Good morning'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(1000);
    const deltas = events.filter((event) => event.type === 'response.output_audio.delta');
    // 100 ms per delta, paced at real time: about ten in the first second.
    expect(deltas.length).toBeGreaterThanOrEqual(9);
    expect(deltas.length).toBeLessThanOrEqual(12);
    await vi.advanceTimersByTimeAsync(30_000);
    const done = last('response.done')!;
    const audioMs = events
      .filter((event) => event.type === 'response.output_audio.delta')
      .reduce((sum, event) => sum + Buffer.from(event.delta as string, 'base64').length / 48, 0);
    expect(done.response.usage.output_token_details.audio_tokens).toBe(Math.ceil(audioMs / 50));
    const transcript = events
      .filter((event) => event.type === 'response.output_audio_transcript.delta')
      .map((event) => event.delta as string)
      .join('');
    expect(transcript).toBe('Hello! How can I help you today?');
    expect(last('response.output_audio_transcript.done')!.transcript).toBe(transcript);
  });

  it('runs an out-of-band response beside the default one without adding items', async () => {
    const { send, events, last } = harness({ speechRate: 10 });
    send(userText('hi'));
    send({ type: 'response.create' });
    send({
      type: 'response.create',
      response: {
        conversation: 'none',
        output_modalities: ['text'],
        metadata: { purpose: 'summary' },
      },
    });
    send({ type: 'response.create', event_id: 'evt_third' });
    expect(last('error')!.error).toMatchObject({
      code: 'conversation_already_has_active_response',
      event_id: 'evt_third',
    });
    await vi.advanceTimersByTimeAsync(20_000);
    const done = events.filter((event) => event.type === 'response.done');
    expect(done).toHaveLength(2);
    const outOfBand = done.find((event) => event.response.conversation_id === null)!;
    expect(outOfBand.response.metadata).toEqual({ purpose: 'summary' });
    send({ type: 'conversation.item.retrieve', item_id: outOfBand.response.output[0].id });
    expect(last('error')!.error.code).toBe('item_retrieve_invalid_item_id');
  });

  it('follows scripted replies and tool calls from control messages', async () => {
    const { send, last } = harness({ speechRate: Infinity });
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        output_modalities: ['text'],
        tools: [
          {
            type: 'function',
            name: 'book_table',
            parameters: {
              type: 'object',
              properties: { guests: { type: 'integer', minimum: 1 } },
              required: ['guests'],
            },
          },
        ],
      },
    });
    send({ type: 'emulator.reply', text: 'Scripted words.' });
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    expect(last('response.output_text.done')!.text).toBe('Scripted words.');
    send({ type: 'emulator.reply', tool: 'book_table', arguments: { guests: 4 } });
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    expect(last('response.function_call_arguments.done')).toMatchObject({
      name: 'book_table',
      arguments: '{"guests":4}',
    });
    // A tool the message names without its values makes the agent ask, not invent a placeholder…
    send(userText('Please book table for us'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    expect(last('response.output_text.done')!.text).toBe(
      'To go ahead with book table, I need the guests.',
    );
    // …and runs with the values the next message gives ("2 guests").
    send(userText('For 2 guests'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    expect(last('response.function_call_arguments.done')!.arguments).toBe('{"guests":2}');
  });

  it('speaks phrase by phrase: the first delta needs only the first phrase synthesized', async () => {
    const requested: string[] = [];
    const held: Array<() => void> = [];
    const slow: SpeechSynthesizer = {
      engine: 'generated',
      // Every synthesis but the first waits until the test releases it (an engine still busy).
      synthesize: (text, voice, speed) => {
        requested.push(text);
        const clip = generateVoiceLikeSpeech(text, voice, speed);
        if (requested.length === 1) return Promise.resolve(clip);
        return new Promise((resolve) => held.push(() => resolve(clip)));
      },
      close: () => Promise.resolve(),
    };
    const { send, events, last } = harness({ synthesizer: slow, speechRate: Infinity });
    const text = 'Sure, our fees are listed on the pricing page. Plans start at ten dollars!';
    send({ type: 'emulator.reply', text });
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(50);
    expect(requested).toEqual(['Sure, ', 'our fees are listed on the pricing page. ']);
    const firstPhrase = generateVoiceLikeSpeech('Sure, ', 'alloy', 1).samples.length;
    const audio = () => events.filter((event) => event.type === 'response.output_audio.delta');
    const bytes = () =>
      audio().reduce((sum, event) => sum + Buffer.from(event.delta, 'base64').length, 0);
    expect(audio().length).toBeGreaterThan(0);
    expect(bytes()).toBe(firstPhrase * 2);
    expect(last('response.done')).toBeUndefined();
    while (held.length > 0 || !last('response.done')) {
      held.shift()?.();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(requested).toEqual([
      'Sure, ',
      'our fees are listed on the pricing page. ',
      'Plans start at ten dollars!',
    ]);
    const total = requested.reduce(
      (sum, phrase) => sum + generateVoiceLikeSpeech(phrase, 'alloy', 1).samples.length,
      0,
    );
    expect(bytes()).toBe(total * 2);
    expect(last('response.output_audio_transcript.done')!.transcript).toBe(text);
    expect(last('response.done')!.response.status).toBe('completed');
  });

  it('stops at max_output_tokens with status incomplete', async () => {
    const { send, last } = harness({ speechRate: Infinity });
    send(userText('one two three four five six seven eight nine ten eleven twelve'));
    send({
      type: 'response.create',
      response: { output_modalities: ['text'], max_output_tokens: 5 },
    });
    await vi.advanceTimersByTimeAsync(100);
    const done = last('response.done')!.response;
    expect(done.status).toBe('incomplete');
    expect(done.status_details).toEqual({ type: 'incomplete', reason: 'max_output_tokens' });
    expect(done.output[0].status).toBe('incomplete');
    expect(done.usage.output_tokens).toBeLessThanOrEqual(5);
    send({ type: 'response.create', response: { max_output_tokens: 40 } });
    await vi.advanceTimersByTimeAsync(100);
    const spoken = last('response.done')!.response;
    expect(spoken.status).toBe('incomplete');
    expect(spoken.usage.output_token_details.audio_tokens).toBeLessThanOrEqual(40);
    send({ type: 'response.create', event_id: 'evt_m', response: { max_output_tokens: 0 } });
    expect(last('error')!.error).toMatchObject({
      code: 'invalid_value',
      param: 'response.max_output_tokens',
      event_id: 'evt_m',
    });
  });

  it('runs transcription-only sessions: turns and transcripts, no responses', async () => {
    const { send, types, last } = harness({ intent: 'transcription' });
    expect(last('session.created')!.session).toMatchObject({
      type: 'transcription',
      object: 'realtime.transcription_session',
    });
    expect(last('session.created')!.session.output_modalities).toBeUndefined();
    send({
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } },
      },
    });
    expect(last('session.updated')!.session.audio.input.transcription).toEqual({
      model: 'gpt-4o-transcribe',
    });
    send({ type: 'emulator.transcript', text: 'hello transcription' });
    append(send, Buffer.concat([silence(300), speech(), silence(400)]));
    await vi.advanceTimersByTimeAsync(200);
    expect(last('conversation.item.input_audio_transcription.completed')!.transcript).toBe(
      'hello transcription',
    );
    expect(types()).not.toContain('response.created');
    send({ type: 'response.create', event_id: 'evt_r' });
    expect(last('error')!.error.event_id).toBe('evt_r');
  });

  it('locks the voice once assistant audio exists', async () => {
    const { send, last } = harness({ speechRate: Infinity });
    send({
      type: 'session.update',
      session: { type: 'realtime', audio: { output: { voice: 'marin' } } },
    });
    expect(last('session.updated')!.session.audio.output.voice).toBe('marin');
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    send({
      type: 'session.update',
      event_id: 'evt_v',
      session: { type: 'realtime', instructions: 'x', audio: { output: { voice: 'cedar' } } },
    });
    expect(last('error')!.error).toMatchObject({ code: 'cannot_update_voice', event_id: 'evt_v' });
    expect(last('session.updated')!.session.instructions).not.toBe('x');
  });
});

describe('beta dialect', () => {
  it('renames events, omits conversation.item.done, and marks items with object', async () => {
    const { send, types, last } = harness({ dialect: 'beta', speechRate: Infinity });
    expect(last('session.created')!.session.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 200,
      create_response: true,
      interrupt_response: true,
    });
    send({
      type: 'session.update',
      session: { voice: 'coral', temperature: 0.7, input_audio_format: 'g711_ulaw' },
    });
    expect(last('session.updated')!.session).toMatchObject({
      voice: 'coral',
      temperature: 0.7,
      input_audio_format: 'g711_ulaw',
    });
    send({ type: 'session.update', event_id: 'evt_b', session: { output_modalities: ['text'] } });
    expect(last('error')!.error).toMatchObject({
      code: 'unknown_parameter',
      param: 'session.output_modalities',
      event_id: 'evt_b',
    });
    send(userText('hello'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(100);
    expect(types()).toContain('response.audio.delta');
    expect(types()).toContain('response.audio_transcript.done');
    expect(types()).not.toContain('conversation.item.done');
    expect(last('conversation.item.created')!.item.object).toBe('realtime.item');
    const done = last('response.done')!.response;
    expect(done.output[0].content[0].type).toBe('audio');
    expect(done).toMatchObject({
      modalities: ['text', 'audio'],
      voice: 'coral',
      output_audio_format: 'pcm16',
      temperature: 0.7,
    });
  });
});

describe('GA fields of the official types', () => {
  it('accepts tools without type, transcription delay/keywords/languages and an MCP tool_choice without a name', () => {
    const { send, last } = harness();
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
        tool_choice: 'auto',
        audio: {
          input: {
            transcription: {
              model: 'gpt-transcribe',
              keywords: ['Parley', 'realtime'],
              languages: ['en', 'de'],
              delay: 'low',
            },
            noise_reduction: { type: 'far_field', strength: 0.5 },
          },
        },
        reasoning: { effort: 'xhigh' },
        parallel_tool_calls: false,
      },
    });
    expect(last('error')).toBeUndefined();
    const session = last('session.updated')!.session;
    // The API defaults a tool's missing `type` to `function`.
    expect(session.tools).toEqual([
      { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } },
    ]);
    expect(session.audio.input.transcription).toEqual({
      model: 'gpt-transcribe',
      keywords: ['Parley', 'realtime'],
      languages: ['en', 'de'],
      delay: 'low',
    });
    expect(session).toMatchObject({ reasoning: { effort: 'xhigh' }, parallel_tool_calls: false });
    send({
      type: 'session.update',
      event_id: 'evt_choice',
      session: { type: 'realtime', tool_choice: { type: 'mcp', server_label: 'docs', name: null } },
    });
    expect(last('error')).toBeUndefined();
    expect(last('session.updated')!.session.tool_choice).toEqual({
      type: 'mcp',
      server_label: 'docs',
      name: null,
    });
    send({
      type: 'session.update',
      event_id: 'evt_delay',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model: 'x', delay: 'slow' } } },
      },
    });
    expect(last('error')!.error).toMatchObject({
      code: 'invalid_value',
      param: 'session.audio.input.transcription.delay',
      event_id: 'evt_delay',
    });
  });

  it('refuses the beta names in a GA response.create and acts on none of them', async () => {
    const { send, events, last } = harness({ speechRate: Infinity });
    send(userText('hello'));
    for (const [key, value] of [
      ['modalities', ['text']],
      ['voice', 'verse'],
      ['output_audio_format', 'pcm16'],
      ['temperature', 0.7],
      ['max_response_output_tokens', 10],
    ] as const) {
      send({ type: 'response.create', event_id: `evt_${key}`, response: { [key]: value } });
      expect(last('error')!.error).toMatchObject({
        code: 'unknown_parameter',
        param: `response.${key}`,
        event_id: `evt_${key}`,
      });
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(events.some((event) => event.type === 'response.created')).toBe(false);
  });

  it('takes reasoning and parallel_tool_calls on response.create, and checks the effort', async () => {
    const { send, events, last } = harness({ speechRate: Infinity, model: 'gpt-realtime-2.1' });
    send(userText('hello'));
    send({
      type: 'response.create',
      event_id: 'evt_bad',
      response: { reasoning: { effort: 'maximal' } },
    });
    expect(last('error')!.error).toMatchObject({
      code: 'invalid_value',
      param: 'response.reasoning.effort',
    });
    send({
      type: 'response.create',
      response: {
        reasoning: { effort: 'minimal' },
        parallel_tool_calls: true,
        tools: [{ name: 'lookup' }],
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(last('response.done')!.response.status).toBe('completed');
    expect(events.filter((event) => event.type === 'error')).toHaveLength(1);
  });

  it('still takes the beta names on a beta response.create', async () => {
    const { send, last } = harness({ dialect: 'beta', speechRate: Infinity });
    send(userText('hello'));
    send({ type: 'response.create', response: { modalities: ['text'], temperature: 0.7 } });
    await vi.advanceTimersByTimeAsync(100);
    expect(last('error')).toBeUndefined();
    expect(last('response.done')!.response.modalities).toEqual(['text']);
  });
});

describe('input transcription outcomes', () => {
  const transcribe = (send: (event: Record<string, unknown>) => void, model: string) =>
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model }, turn_detection: null } },
      },
    });

  it('reports .failed for unreadable (clipped) audio and for an injected fault', async () => {
    const { send, events } = harness({ faults: { transcriptionFailures: 1 } });
    transcribe(send, 'gpt-4o-mini-transcribe');
    append(send, silence(500));
    send({ type: 'input_audio_buffer.commit' });
    // Full-scale PCM16 (0x7fff little-endian) throughout.
    append(send, Buffer.alloc(24_000, Buffer.from([0xff, 0x7f])));
    send({ type: 'input_audio_buffer.commit' });
    append(send, silence(500));
    send({ type: 'input_audio_buffer.commit' });
    await vi.advanceTimersByTimeAsync(200);
    const outcomes = events
      .filter((event) => event.type.startsWith('conversation.item.input_audio_transcription.'))
      .filter((event) => !event.type.endsWith('.delta'))
      .map((event) => [event.type.split('.').pop(), event.error?.code ?? null]);
    expect(outcomes).toEqual([
      ['failed', 'fault_injected'],
      ['failed', 'audio_unreadable'],
      ['completed', null],
    ]);
    const failed = events.find(
      (event) => event.type === 'conversation.item.input_audio_transcription.failed',
    )!;
    expect(failed).toMatchObject({ content_index: 0, error: { type: 'server_error' } });
  });

  it('sends one .segment per sentence with a speaker label for the diarizing model', async () => {
    const { send, events, last } = harness();
    transcribe(send, 'gpt-4o-transcribe-diarize');
    send({ type: 'emulator.transcript', text: 'Is Tuesday free? - Yes, at ten.' });
    append(send, silence(2000));
    send({ type: 'input_audio_buffer.commit' });
    await vi.advanceTimersByTimeAsync(200);
    const segments = events.filter(
      (event) => event.type === 'conversation.item.input_audio_transcription.segment',
    );
    expect(segments.map(({ text, speaker }) => ({ text, speaker }))).toEqual([
      { text: 'Is Tuesday free?', speaker: 'A' },
      { text: '- Yes, at ten.', speaker: 'B' },
    ]);
    expect(segments[0]!.start).toBe(0);
    expect(segments[1]!.end).toBe(2);
    expect(segments[0]!.end).toBe(segments[1]!.start);
    expect(last('conversation.item.input_audio_transcription.completed')!.transcript).toBe(
      'Is Tuesday free? - Yes, at ten.',
    );
  });
});

describe('delta pieces', () => {
  it('streams text in sub-word pieces with leading spaces, as recorded', async () => {
    const { send, events } = harness({ speechRate: Infinity });
    send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    send(userText('Good morning'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(1000);
    const deltas = events
      .filter((event) => event.type === 'response.output_text.delta')
      .map((event) => event.delta as string);
    expect(deltas.slice(0, 4)).toEqual(['Hello', '!', ' How', ' can']);
    expect(deltas.join('')).toBe('Hello! How can I help you today?');
  });
});

describe('preambles (the gpt-realtime-2 family)', () => {
  const bookTable = {
    type: 'function',
    name: 'book_table',
    parameters: {
      type: 'object',
      properties: { guests: { type: 'integer', minimum: 1 } },
      required: ['guests'],
    },
  };

  it('says a preamble message at output_index 0 and calls the tool at 1, in one response, by default', async () => {
    const { send, events, last } = harness({ speechRate: Infinity, model: 'gpt-realtime-2.1' });
    send({ type: 'session.update', session: { type: 'realtime', tools: [bookTable] } });
    send(userText('Book a table for 2 guests'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(5000);
    const done = last('response.done')!.response;
    expect(done.status).toBe('completed');
    expect(done.output.map((item: any) => item.type)).toEqual(['message', 'function_call']);
    expect(done.output[0].content[0].transcript).toBe('One moment, let me check that.');
    expect(done.output[1]).toMatchObject({ name: 'book_table', arguments: '{"guests":2}' });
    const added = events.filter((event) => event.type === 'response.output_item.added');
    expect(added.map((event) => [event.output_index, event.item.type])).toEqual([
      [0, 'message'],
      [1, 'function_call'],
    ]);
    // The message is closed before the call opens, as in the recorded order.
    const order = events
      .map((event) => event.type)
      .filter(
        (type) => type === 'response.output_item.added' || type === 'response.output_item.done',
      );
    expect(order).toEqual([
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.done',
    ]);
    // After the tool output the answer is one message, without a preamble.
    send({
      type: 'conversation.item.create',
      item: {
        type: 'function_call_output',
        call_id: done.output[1].call_id,
        output: '{"ok":true}',
      },
    });
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(last('response.done')!.response.output.map((item: any) => item.type)).toEqual([
      'message',
    ]);
  });

  it('speaks no preamble when turned off (preambles: false, --no-preambles)', async () => {
    const { send, last } = harness({
      speechRate: Infinity,
      model: 'gpt-realtime-2.1',
      preambles: false,
    });
    send({ type: 'session.update', session: { type: 'realtime', tools: [bookTable] } });
    send(userText('Book a table for 2 guests'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(last('response.done')!.response.output.map((item: any) => item.type)).toEqual([
      'function_call',
    ]);
  });

  it('speaks no preamble on earlier models', async () => {
    const { send, last } = harness({
      speechRate: Infinity,
      model: 'gpt-realtime',
      preambles: true,
    });
    send({ type: 'session.update', session: { type: 'realtime', tools: [bookTable] } });
    send(userText('Book a table for 2 guests'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(last('response.done')!.response.output.map((item: any) => item.type)).toEqual([
      'function_call',
    ]);
  });

  it('cancels a preamble response mid-message: the call is never made', async () => {
    const { send, last } = harness({ speechRate: 1, model: 'gpt-realtime-2', preambles: true });
    send({ type: 'session.update', session: { type: 'realtime', tools: [bookTable] } });
    send(userText('Book a table for 2 guests'));
    send({ type: 'response.create' });
    await vi.advanceTimersByTimeAsync(400);
    send({ type: 'response.cancel' });
    await vi.advanceTimersByTimeAsync(100);
    const done = last('response.done')!.response;
    expect(done.status).toBe('cancelled');
    expect(done.output.map((item: any) => [item.type, item.status])).toEqual([
      ['message', 'incomplete'],
    ]);
  });
});
