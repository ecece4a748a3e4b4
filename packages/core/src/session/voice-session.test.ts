import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define-tool.js';
import { createTestSession, pcmBase64, server, settle } from '../test-utils/session-kit.js';

describe('connecting', () => {
  it('fetches credentials, opens the transport and sends the config with the tools', async () => {
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => ({ city, temperatureC: 21 }),
    });
    const kit = createTestSession({ session: { instructions: 'Be brief.' }, tools: [tool] });
    const statuses: string[] = [];
    kit.session.subscribe(() => statuses.push(kit.session.getSnapshot().status));
    await kit.connect();
    expect(kit.credentialCalls).toEqual([0]);
    expect(kit.transport.current.credentials.protocols).toEqual(['realtime', 'parley-ticket.t1']);
    expect(statuses).toEqual(['connecting', 'connected']);
    const [update] = kit.transport.sentOf('session.update');
    expect(update).toMatchObject({
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        ],
      },
    });
    expect(kit.audio.started).toBe(true);
    expect(kit.session.getSnapshot().sessionId).toBe('sess_test');
  });

  it('resolves a second connect() at once and opens nothing more', async () => {
    const kit = createTestSession();
    await kit.connect();
    await expect(kit.session.connect()).resolves.toBeUndefined();
    expect(kit.transport.connections).toHaveLength(1);
    expect(kit.credentialCalls).toEqual([0]);
  });

  it('keeps the snapshot identical until something changes', async () => {
    const kit = createTestSession();
    await kit.connect();
    const before = kit.session.getSnapshot();
    kit.transport.receive({ type: 'rate_limits.updated', event_id: 'e', rate_limits: [] });
    expect(kit.session.getSnapshot()).toBe(before);
    kit.transport.receive(server.speechStarted('item_u1'));
    expect(kit.session.getSnapshot()).not.toBe(before);
    expect(kit.session.getSnapshot().turn).toBe('user_speaking');
  });

  it('streams microphone frames only once connected, configured and unmuted', async () => {
    const kit = createTestSession({ session: { instructions: 'x' } });
    kit.session.mute(true);
    const connected = kit.session.connect();
    await settle();
    expect(kit.audio.inputMuted).toBe(true);
    kit.transport.receive(server.sessionCreated());
    kit.audio.inputMuted = false;
    kit.audio.emitFrame(new Int16Array(480));
    expect(kit.transport.sentTypes({ includeAudio: true })).not.toContain(
      'input_audio_buffer.append',
    );
    kit.transport.receive(server.sessionUpdated());
    await connected;
    kit.audio.emitFrame(new Int16Array(480));
    expect(kit.transport.sentTypes({ includeAudio: true })).not.toContain(
      'input_audio_buffer.append',
    );
    kit.session.mute(false);
    kit.audio.emitFrame(new Int16Array(480));
    const appends = kit.transport.sentOf('input_audio_buffer.append');
    expect(appends).toHaveLength(1);
    expect(appends[0]?.audio).toBe(pcmBase64(480));
  });

  it('holds frames captured while the configuration lands and sends them first, in order', async () => {
    const kit = createTestSession({ session: { instructions: 'x' } });
    const connected = kit.session.connect();
    await settle();
    kit.transport.receive(server.sessionCreated());
    kit.audio.emitFrame(new Int16Array(480).fill(1));
    kit.audio.emitFrame(new Int16Array(480).fill(2));
    expect(kit.transport.sentOf('input_audio_buffer.append')).toHaveLength(0);
    kit.transport.receive(server.sessionUpdated());
    await connected;
    kit.audio.emitFrame(new Int16Array(480).fill(3));
    const sent = kit.transport.sentOf('input_audio_buffer.append').map((event) => event.audio);
    const frame = (value: number) =>
      Buffer.from(new Int16Array(480).fill(value).buffer).toString('base64');
    expect(sent).toEqual([frame(1), frame(2), frame(3)]);
  });

  it('holds at most two seconds of audio while getting ready, dropping the oldest', async () => {
    const kit = createTestSession({ session: { instructions: 'x' } });
    const connected = kit.session.connect();
    await settle();
    kit.transport.receive(server.sessionCreated());
    for (let frame = 0; frame < 150; frame++) kit.audio.emitFrame(new Int16Array(480).fill(frame));
    kit.transport.receive(server.sessionUpdated());
    await connected;
    const sent = kit.transport.sentOf('input_audio_buffer.append');
    expect(sent).toHaveLength(100);
    expect(sent[0]?.audio).toBe(
      Buffer.from(new Int16Array(480).fill(50).buffer).toString('base64'),
    );
  });

  it('reports microphone frames the transport drops on a slow uplink', async () => {
    const kit = createTestSession();
    await kit.connect();
    const warnings: string[] = [];
    kit.session.on('warning', (warning) => warnings.push(warning.code));
    kit.transport.congested = true;
    for (let frame = 0; frame < 60; frame++) kit.audio.emitFrame(new Int16Array(480));
    expect(warnings).toEqual(['audio_dropped', 'audio_dropped']);
    kit.transport.receive(server.speechStarted('item_u1'));
    expect(kit.session.getSnapshot().diagnostics.droppedAudioFrames).toBe(60);
  });

  it('stays connected for typing when the microphone is denied, with the permission error on the snapshot', async () => {
    const kit = createTestSession();
    kit.audio.startError = Object.assign(new Error('Permission denied'), {
      name: 'NotAllowedError',
    });
    const errors: string[] = [];
    kit.session.on('error', (error) => errors.push(error.reason));
    await kit.connect();
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'connected',
      error: { reason: 'permission' },
    });
    expect(errors).toEqual(['permission']);
    kit.session.sendText('Hello, I have no microphone');
    expect(kit.transport.sentTypes()).toContain('conversation.item.create');
    expect(kit.transport.sentTypes()).toContain('response.create');
  });

  it('ends the conversation when the audio fails for another reason than permission', async () => {
    const kit = createTestSession();
    kit.audio.startError = new Error('The capture worklet could not be loaded');
    await expect(kit.session.connect()).rejects.toMatchObject({ reason: 'audio' });
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'error',
      error: { reason: 'audio' },
    });
  });
});

describe('barge-in', () => {
  async function speaking(options: { outputLatencyMs?: number } = {}) {
    const kit = createTestSession();
    kit.audio.outputLatencyMs = options.outputLatencyMs ?? 0;
    await kit.connect();
    const t = kit.transport;
    t.receive(server.speechStarted('item_u1'));
    t.receive(server.speechStopped('item_u1'));
    t.receive(server.userItem('item_u1'));
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    t.receive(server.audioPart('resp_1', 'item_a1'));
    t.receive(server.transcriptDelta('resp_1', 'item_a1', 'Once upon a time there was a fox'));
    for (let chunk = 0; chunk < 10; chunk++)
      t.receive(server.audioDelta('resp_1', 'item_a1', 4800));
    return kit;
  }

  it('flushes, lets the server cancel, and truncates at the heard position while audio streams', async () => {
    const kit = await speaking({ outputLatencyMs: 40 });
    expect(kit.audio.enqueued.get('item_a1')).toBe(48_000);
    // A Realtime reply is not a continuous track: none of it may be skipped.
    expect(kit.audio.continuous.size).toBe(0);
    expect(kit.session.getSnapshot().turn).toBe('agent_speaking');
    kit.audio.play('item_a1', 30_000); // 1250 ms rendered
    kit.transport.receive(server.speechStarted('item_u2'));
    expect(kit.audio.flushCount).toBe(1);
    await settle();
    const [truncate] = kit.transport.sentOf('conversation.item.truncate');
    // 30 000 samples = 1250 ms rendered, minus 40 ms still in the output pipeline.
    expect(truncate).toMatchObject({ item_id: 'item_a1', content_index: 0, audio_end_ms: 1210 });
    // Server VAD cancels the response itself (interrupt_response): no response.cancel race.
    expect(kit.transport.sentOf('response.cancel')).toHaveLength(0);
    // Audio the server still sends for the cut response is not played.
    kit.transport.receive(server.audioDelta('resp_1', 'item_a1', 4800));
    expect(kit.audio.enqueued.get('item_a1')).toBe(48_000);
    kit.transport.receive(server.responseDone('resp_1', 'cancelled'));
    const item = kit.session.getSnapshot().items.find((candidate) => candidate.id === 'item_a1');
    expect(item).toMatchObject({ interrupted: true, audioEndMs: 1210, status: 'incomplete' });
    // 1210 of 2000 ms received: about 60 % of the text, cut at a word boundary.
    expect(item?.type === 'message' ? item.heardText : null).toBe('Once upon a time');
    expect(kit.session.getSnapshot().turn).toBe('user_speaking');
  });

  it('truncates also when the server had finished sending the item', async () => {
    const kit = await speaking();
    const t = kit.transport;
    t.receive(server.audioDone('resp_1', 'item_a1'));
    t.receive(server.assistantItemDone('resp_1', 'item_a1', 'Once upon a time there was a fox'));
    t.receive(server.responseDone('resp_1'));
    kit.audio.play('item_a1', 12_000);
    // Still audible: the agent is speaking although the response is done.
    expect(kit.session.getSnapshot().turn).toBe('agent_speaking');
    t.receive(server.speechStarted('item_u2'));
    await settle();
    expect(t.sentOf('conversation.item.truncate')).toEqual([
      expect.objectContaining({ item_id: 'item_a1', audio_end_ms: 500 }),
    ]);
    expect(t.sentOf('response.cancel')).toHaveLength(0);
  });

  it('does not truncate an item the user heard to the end', async () => {
    const kit = await speaking();
    const t = kit.transport;
    t.receive(server.audioDone('resp_1', 'item_a1'));
    t.receive(server.responseDone('resp_1'));
    kit.audio.play('item_a1', 48_000);
    kit.audio.drain();
    expect(kit.session.getSnapshot().turn).toBe('listening');
    t.receive(server.speechStarted('item_u2'));
    await settle();
    expect(t.sentOf('conversation.item.truncate')).toHaveLength(0);
    expect(kit.audio.flushCount).toBe(0);
  });

  it('interrupt() cancels the active response and truncates what was not heard', async () => {
    const kit = await speaking();
    kit.audio.play('item_a1', 2400);
    kit.session.interrupt();
    await settle();
    expect(kit.transport.sentOf('response.cancel')).toEqual([
      expect.objectContaining({ response_id: 'resp_1' }),
    ]);
    expect(kit.transport.sentOf('conversation.item.truncate')[0]).toMatchObject({
      audio_end_ms: 100,
    });
  });

  it('counts a late cancel as a benign race, not a failure', async () => {
    const kit = await speaking();
    const warnings: string[] = [];
    kit.session.on('warning', (warning) => warnings.push(warning.code));
    kit.session.interrupt();
    const cancelId = kit.transport.sentOf('response.cancel')[0]?.event_id as string;
    kit.transport.receive(
      server.error(
        'response_cancel_not_active',
        'Cancellation failed: no active response found',
        cancelId,
      ),
    );
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.error).toBeNull();
    expect(snapshot.diagnostics.benignErrors).toEqual({ response_cancel_not_active: 1 });
    expect(warnings).toEqual(['response_cancel_not_active']);
  });
});

describe('sequencing response.create', () => {
  it('never overlaps an active response and retries after losing the active-response race', async () => {
    const kit = await (async () => {
      const k = createTestSession();
      await k.connect();
      return k;
    })();
    const t = kit.transport;
    kit.session.sendText('What is the weather?');
    expect(t.sentTypes()).toEqual(['conversation.item.create', 'response.create']);
    const ourCreate = t.sentOf('response.create')[0]?.event_id as string;
    // The server's VAD started a response at the same moment; ours is rejected.
    t.receive(server.responseCreated('resp_vad'));
    t.receive(
      server.error(
        'conversation_already_has_active_response',
        'Conversation already has an active response in progress: resp_vad. Wait until the response is finished before creating a new one.',
        ourCreate,
      ),
    );
    expect(kit.session.getSnapshot().error).toBeNull();
    kit.session.sendText('And tomorrow?');
    expect(t.sentOf('response.create')).toHaveLength(1);
    t.receive(server.responseDone('resp_vad'));
    // Exactly one new response.create, once the active response is done.
    expect(t.sentOf('response.create')).toHaveLength(2);
    expect(kit.session.getSnapshot().diagnostics.benignErrors).toEqual({
      conversation_already_has_active_response: 1,
    });
  });

  it('sends only one response.create for text sent while a response is active', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.session.sendText('one');
    kit.session.sendText('two');
    expect(kit.transport.sentOf('response.create')).toHaveLength(0);
    kit.transport.receive(server.responseDone('resp_1'));
    expect(kit.transport.sentOf('response.create')).toHaveLength(1);
    expect(kit.transport.sentOf('conversation.item.create')).toHaveLength(2);
  });
});

describe('tools', () => {
  it('runs two calls of one response in parallel, then sends both outputs and one response.create', async () => {
    const resolvers = new Map<string, (value: unknown) => void>();
    const started: string[] = [];
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({ key: z.string() }),
      execute: ({ key }) => {
        started.push(key);
        return new Promise((resolve) => resolvers.set(key, resolve));
      },
    });
    const kit = createTestSession({ tools: [lookup] });
    await kit.connect();
    const t = kit.transport;
    t.receive(server.responseCreated('resp_1'));
    for (const event of server.functionCall(
      'resp_1',
      'item_f1',
      'call_1',
      'lookup',
      '{"key":"a"}',
      0,
    ))
      t.receive(event);
    for (const event of server.functionCall(
      'resp_1',
      'item_f2',
      'call_2',
      'lookup',
      '{"key":"b"}',
      1,
    ))
      t.receive(event);
    t.receive(server.responseDone('resp_1'));
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(kit.session.getSnapshot().turn).toBe('thinking');
    kit.clock.advance(120);
    resolvers.get('b')?.({ value: 2 });
    await settle();
    expect(t.sentOf('response.create')).toHaveLength(0);
    kit.clock.advance(80);
    resolvers.get('a')?.('plain text');
    await settle();
    const outputs = t.sentOf('conversation.item.create').map((event) => event.item);
    expect(outputs).toEqual([
      expect.objectContaining({
        type: 'function_call_output',
        call_id: 'call_2',
        output: '{"value":2}',
      }),
      expect.objectContaining({
        type: 'function_call_output',
        call_id: 'call_1',
        output: 'plain text',
      }),
    ]);
    expect(t.sentTypes().slice(-1)).toEqual(['response.create']);
    expect(t.sentOf('response.create')).toHaveLength(1);
    const calls = kit.session.getSnapshot().items.filter((item) => item.type === 'function_call');
    expect(
      calls.map((call) => call.type === 'function_call' && [call.status, call.durationMs]),
    ).toEqual([
      ['completed', 200],
      ['completed', 120],
    ]);
    expect(kit.session.getSnapshot().metrics.turns[0]?.tools).toEqual([
      { name: 'lookup', durationMs: 120 },
      { name: 'lookup', durationMs: 200 },
    ]);
  });

  it('answers a throw, a timeout and invalid arguments with structured errors, then one response.create', async () => {
    const failing = defineTool({
      name: 'failing',
      parameters: { type: 'object', properties: {} },
      execute: () => {
        throw new Error('database is down');
      },
    });
    const slow = defineTool({
      name: 'slow',
      parameters: z.object({}),
      timeoutMs: 1000,
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    });
    const strict = defineTool({
      name: 'strict',
      parameters: {
        type: 'object',
        properties: { count: { type: 'integer' } },
        required: ['count'],
      },
      execute: () => 'never',
    });
    const kit = createTestSession({ tools: [failing, slow, strict] });
    await kit.connect();
    const t = kit.transport;
    t.receive(server.responseCreated('resp_1'));
    for (const event of server.functionCall('resp_1', 'item_f1', 'call_1', 'failing', '{}', 0))
      t.receive(event);
    for (const event of server.functionCall('resp_1', 'item_f2', 'call_2', 'slow', '{}', 1))
      t.receive(event);
    for (const event of server.functionCall(
      'resp_1',
      'item_f3',
      'call_3',
      'strict',
      '{"count":"many"}',
      2,
    ))
      t.receive(event);
    t.receive(server.responseDone('resp_1'));
    await settle();
    expect(t.sentOf('response.create')).toHaveLength(0);
    kit.clock.advance(1000);
    await settle();
    const outputs = Object.fromEntries(
      t.sentOf('conversation.item.create').map((event) => {
        const item = event.item as { call_id: string; output: string };
        return [
          item.call_id,
          JSON.parse(item.output) as {
            error: { code: string; message: string; issues: unknown[] };
          },
        ];
      }),
    );
    expect(outputs.call_1?.error).toMatchObject({
      code: 'execution_error',
      message: 'database is down',
    });
    expect(outputs.call_2?.error).toMatchObject({ code: 'timeout' });
    expect(outputs.call_3?.error).toMatchObject({
      code: 'invalid_arguments',
      issues: [expect.objectContaining({ path: 'count' })],
    });
    expect(t.sentOf('response.create')).toHaveLength(1);
    const statuses = kit.session
      .getSnapshot()
      .items.map((item) => item.type === 'function_call' && item.status);
    expect(statuses).toEqual(['failed', 'failed', 'failed']);
  });

  it('waits for the relay to run tools it does not have, and answers unknown tools otherwise', async () => {
    const relay = createTestSession({ unhandledToolCalls: 'server' });
    await relay.connect();
    relay.transport.receive(server.responseCreated('resp_1'));
    for (const event of server.functionCall('resp_1', 'item_f1', 'call_1', 'book_meeting', '{}'))
      relay.transport.receive(event);
    relay.transport.receive(server.responseDone('resp_1'));
    expect(relay.session.getSnapshot().items[0]).toMatchObject({
      executor: 'server',
      status: 'awaiting_server',
    });
    relay.clock.advance(300);
    relay.transport.receive({
      type: 'conversation.item.added',
      event_id: 'e_out',
      previous_item_id: 'item_f1',
      item: {
        id: 'item_o1',
        type: 'function_call_output',
        call_id: 'call_1',
        output: '{"booked":true}',
      },
    });
    expect(relay.session.getSnapshot().items).toEqual([
      expect.objectContaining({ status: 'completed', output: '{"booked":true}', durationMs: 300 }),
    ]);
    expect(relay.transport.sentOf('conversation.item.create')).toHaveLength(0);

    const direct = createTestSession({ unhandledToolCalls: 'error' });
    await direct.connect();
    direct.transport.receive(server.responseCreated('resp_1'));
    for (const event of server.functionCall('resp_1', 'item_f1', 'call_1', 'book_meeting', '{}'))
      direct.transport.receive(event);
    direct.transport.receive(server.responseDone('resp_1'));
    expect(direct.transport.sentOf('conversation.item.create')[0]?.item).toMatchObject({
      call_id: 'call_1',
    });
    expect(direct.transport.sentOf('response.create')).toHaveLength(1);
  });

  it('marks a server tool whose output reports an error as failed, with the error', async () => {
    const relay = createTestSession({ unhandledToolCalls: 'server' });
    await relay.connect();
    relay.transport.receive(server.responseCreated('resp_1'));
    for (const event of server.functionCall('resp_1', 'item_f1', 'call_1', 'schedule_call', '{}'))
      relay.transport.receive(event);
    relay.transport.receive(server.responseDone('resp_1'));
    const output = JSON.stringify({
      error: { code: 'past_time', message: 'That time is in the past. Ask for a future time.' },
    });
    relay.transport.receive({
      type: 'conversation.item.added',
      event_id: 'e_out',
      previous_item_id: 'item_f1',
      item: { id: 'item_o1', type: 'function_call_output', call_id: 'call_1', output },
    });
    expect(relay.session.getSnapshot().items[0]).toMatchObject({
      status: 'failed',
      output,
      error: {
        code: 'execution_error',
        message: 'That time is in the past. Ask for a future time.',
        issues: [],
      },
    });
  });

  it('registers and unregisters tools at runtime with a session.update', async () => {
    const kit = createTestSession();
    await kit.connect();
    const off = kit.session.registerTool(
      defineTool({ name: 'ping', parameters: z.object({}), execute: () => 'pong' }),
    );
    expect(kit.transport.sentOf('session.update').at(-1)).toMatchObject({
      session: { tools: [{ name: 'ping' }] },
    });
    off();
    expect(kit.transport.sentOf('session.update').at(-1)).toMatchObject({ session: { tools: [] } });
    expect(() =>
      kit.session.registerTool(defineTool({ name: 'ok', parameters: {}, execute: () => 1 })),
    ).not.toThrow();
    expect(() =>
      kit.session.registerTool({ name: 'bad name!', parameters: {}, execute: () => 1 }),
    ).toThrow(/Tool name/);
  });
});

describe('reconnecting', () => {
  it('marks a reply cut by a drop as interrupted, and ends the agent turn once what arrived has played', async () => {
    const kit = createTestSession();
    await kit.connect();
    const t = kit.transport;
    kit.session.sendText('Tell me a story');
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    t.receive(server.audioPart('resp_1', 'item_a1'));
    t.receive(server.transcriptDelta('resp_1', 'item_a1', 'Once upon a time there was a fox'));
    t.receive(server.audioDelta('resp_1', 'item_a1', 24_000));
    kit.audio.play('item_a1', 12_000);
    expect(kit.session.getSnapshot().turn).toBe('agent_speaking');
    t.drop(1006, 'server crashed');
    const cut = kit.session.getSnapshot().items.find((item) => item.id === 'item_a1');
    expect(cut).toMatchObject({ interrupted: true, audioEndMs: 1000, status: 'incomplete' });
    kit.audio.play('item_a1', 12_000);
    kit.audio.drain();
    expect(kit.session.getSnapshot().turn).toBe('listening');
    kit.clock.advance(1000);
    await settle();
    t.receive(server.sessionCreated({ id: 'sess_2' }));
    t.receive(server.sessionUpdated());
    expect(kit.session.getSnapshot()).toMatchObject({ status: 'connected', turn: 'listening' });
  });

  it('reconnects after a drop mid-response with fresh credentials, the config re-sent and the transcript intact', async () => {
    const kit = createTestSession({ session: { instructions: 'Be brief.' } });
    await kit.connect();
    const t = kit.transport;
    kit.session.sendText('Tell me a story');
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    t.receive(server.audioPart('resp_1', 'item_a1'));
    t.receive(server.transcriptDelta('resp_1', 'item_a1', 'Once upon a time'));
    const transcriptBefore = kit.session
      .getSnapshot()
      .items.map((item) => item.type === 'message' && item.text);
    t.drop(1006, 'network');
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'reconnecting',
      reconnectAttempt: 1,
      turn: 'listening',
    });
    // Backoff with jitter: attempt 1 waits between 250 and 500 ms (random 0.5 → 375 ms).
    expect(kit.clock.pending()).toEqual([375]);
    kit.clock.advance(375);
    await settle();
    expect(kit.credentialCalls).toEqual([0, 1]);
    expect(kit.transport.connections).toHaveLength(2);
    t.receive(server.sessionCreated({ id: 'sess_2' }));
    const sent = t.sentTypes();
    expect(sent[0]).toBe('session.update');
    expect(t.sentOf('session.update')[0]).toMatchObject({ session: { instructions: 'Be brief.' } });
    const restored = t.sentOf('conversation.item.create').map((event) => event.item);
    expect(restored).toEqual([
      expect.objectContaining({
        role: 'user',
        content: [{ type: 'input_text', text: 'Tell me a story' }],
      }),
      expect.objectContaining({
        id: 'item_a1',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Once upon a time' }],
      }),
    ]);
    t.receive(server.sessionUpdated());
    const snapshot = kit.session.getSnapshot();
    expect(snapshot).toMatchObject({
      status: 'connected',
      sessionId: 'sess_2',
      reconnectAttempt: 0,
    });
    expect(snapshot.items.map((item) => item.type === 'message' && item.text)).toEqual(
      transcriptBefore,
    );
    expect(snapshot.diagnostics.reconnects).toBe(1);
    // The server echoes the restored items: nothing is shown twice.
    t.receive({
      type: 'conversation.item.added',
      event_id: 'e_echo',
      previous_item_id: null,
      item: {
        id: 'item_a1',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Once upon a time' }],
      },
    });
    expect(kit.session.getSnapshot().items).toHaveLength(2);
  });

  it('backs off exponentially and gives up with an error after the last attempt', async () => {
    const kit = createTestSession({
      reconnect: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    kit.setRandom(1);
    await kit.connect();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      kit.transport.drop();
      delays.push(...kit.clock.pending());
      kit.clock.runAll();
      await settle();
    }
    expect(delays).toEqual([100, 200, 400]);
    kit.transport.drop();
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'error',
      error: { reason: 'transport' },
    });
    expect(kit.clock.pending()).toEqual([]);
  });

  it('does not reconnect after disconnect() or after the beta shape is switched off', async () => {
    const kit = createTestSession();
    await kit.connect();
    await kit.session.disconnect();
    expect(kit.session.getSnapshot().status).toBe('closed');
    expect(kit.audio.started).toBe(false);
    expect(kit.clock.pending()).toEqual([]);

    const beta = createTestSession();
    await beta.connect();
    beta.transport.drop(4000, 'beta_api_shape_disabled');
    expect(beta.session.getSnapshot()).toMatchObject({
      status: 'error',
      error: { code: 'beta_api_shape_disabled' },
    });
  });

  it('stops when the server ends the conversation or a limit is hit, but reconnects after upstream trouble', async () => {
    const ended = createTestSession();
    await ended.connect();
    ended.transport.drop(1000, 'conversation_ended');
    expect(ended.session.getSnapshot()).toMatchObject({ status: 'closed', error: null });
    expect(ended.clock.pending()).toEqual([]);

    const idle = createTestSession();
    await idle.connect();
    idle.transport.drop(4008, 'idle_timeout');
    expect(idle.session.getSnapshot()).toMatchObject({
      status: 'closed',
      error: { reason: 'limit', code: 'idle_timeout' },
    });

    const upstream = createTestSession();
    await upstream.connect();
    upstream.transport.drop(4502, 'upstream_closed');
    expect(upstream.session.getSnapshot().status).toBe('reconnecting');
  });

  it('reconnects at once, with fresh credentials and no failure counted, when the server restarts (1012)', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.session.sendText('Before the deploy');
    kit.transport.drop(1012, 'server_restart');
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'reconnecting',
      reconnectAttempt: 0,
    });
    // No backoff timer: the next attempt is already under way.
    expect(kit.clock.pending()).toEqual([]);
    await settle();
    // Attempt 1: the same conversation goes on (attempt 0 would start a new one).
    expect(kit.credentialCalls).toEqual([0, 1]);
    expect(kit.transport.connections).toHaveLength(2);
    kit.transport.receive(server.sessionCreated({ id: 'sess_2' }));
    kit.transport.receive(server.sessionUpdated());
    expect(kit.session.getSnapshot()).toMatchObject({ status: 'connected', sessionId: 'sess_2' });
    expect(kit.transport.sentOf('conversation.item.create').map((event) => event.item)).toEqual([
      expect.objectContaining({ content: [{ type: 'input_text', text: 'Before the deploy' }] }),
    ]);
  });

  it('lets the relay configure a managed session: no session.update, no history replay', async () => {
    const kit = createTestSession({
      session: { instructions: 'ignored by the relay' },
      credentials: () =>
        Promise.resolve({
          url: 'wss://relay.test/api/realtime',
          protocols: ['realtime', 'parley-ticket.t'],
          serverRunsTools: true,
          managedSession: true,
        }),
    });
    const warnings: string[] = [];
    kit.session.on('warning', (warning) => warnings.push(warning.code));
    await kit.connect();
    expect(kit.transport.sentOf('session.update')).toHaveLength(0);
    kit.session.sendText('hello');
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(server.responseDone('resp_1'));
    kit.session.updateSession({ instructions: 'x' });
    expect(warnings).toEqual(['session_managed']);
    kit.transport.drop(4502, 'upstream_closed');
    kit.clock.runAll();
    await settle();
    kit.session.sendText('typed while reconnecting');
    kit.transport.receive(server.sessionCreated({ id: 'sess_2' }));
    // Only what was typed offline is sent (the relay refuses history), then its response.
    expect(kit.transport.sentTypes()).toEqual(['conversation.item.create', 'response.create']);
    expect(kit.transport.sentOf('conversation.item.create')[0]?.item).toMatchObject({
      content: [{ type: 'input_text', text: 'typed while reconnecting' }],
    });
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'connected',
      items: [{ text: 'hello' }, { text: 'typed while reconnecting' }],
    });
  });

  it('rolls over to a fresh session before the upstream cap, at a quiet moment', async () => {
    const kit = createTestSession({ rolloverMarginMs: 60_000 });
    const expiresAt = Math.floor(kit.clock.wallNow() / 1000) + 3600;
    await kit.connect({ expires_at: expiresAt });
    kit.session.sendText('hello');
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.clock.advance(3_540_000);
    // Due, but a response is active: wait for it.
    expect(kit.transport.connections).toHaveLength(1);
    kit.transport.receive(server.responseDone('resp_1'));
    await settle();
    expect(kit.transport.connections).toHaveLength(2);
    expect(kit.transport.connections[0]?.state).toBe('closed');
    kit.transport.receive(server.sessionCreated({ id: 'sess_2' }));
    expect(kit.transport.sentOf('conversation.item.create')).toHaveLength(1);
    expect(kit.session.getSnapshot().diagnostics).toMatchObject({ rollovers: 1, reconnects: 1 });
    expect(kit.session.getSnapshot().status).toBe('connected');
  });

  it('closes after the idle timeout with a limit error', async () => {
    const kit = createTestSession({ idleTimeoutMs: 60_000 });
    await kit.connect();
    kit.clock.advance(30_000);
    kit.session.sendText('still here');
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(server.responseDone('resp_1'));
    kit.clock.advance(59_000);
    expect(kit.session.getSnapshot().status).toBe('connected');
    kit.clock.advance(2_000);
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'closed',
      error: { reason: 'limit', code: 'idle_timeout' },
    });
  });
});

describe('robustness', () => {
  it('counts a malformed event mid-stream and carries on with the transcript', async () => {
    const kit = createTestSession();
    await kit.connect();
    const warnings: string[] = [];
    kit.session.on('warning', (warning) => warnings.push(warning.code));
    const t = kit.transport;
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    t.receive(server.transcriptDelta('resp_1', 'item_a1', 'Hello'));
    t.receive('{"type":"response.output_audio_transcript.delta", "delta": ');
    t.receive({ type: 'response.output_audio_transcript.delta', event_id: 'x' });
    t.receive(server.transcriptDelta('resp_1', 'item_a1', ' world'));
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.items[0]).toMatchObject({ text: 'Hello world' });
    expect(snapshot.diagnostics.malformedEvents).toBe(2);
    expect(snapshot.status).toBe('connected');
    expect(snapshot.error).toBeNull();
    expect(warnings).toEqual(['malformed_event', 'malformed_event']);
  });

  it('survives listeners that throw, counting them', async () => {
    const kit = createTestSession();
    const seen: string[] = [];
    kit.session.subscribe(() => {
      throw new Error('render failed');
    });
    kit.session.subscribe(() => seen.push(kit.session.getSnapshot().status));
    kit.session.on('audio', () => {
      throw new Error('visualizer failed');
    });
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(server.assistantItem('resp_1', 'item_a1'));
    kit.transport.receive(server.audioDelta('resp_1', 'item_a1', 480));
    expect(kit.audio.enqueued.get('item_a1')).toBe(480);
    expect(seen).toContain('connected');
    expect(kit.internalErrors.length).toBeGreaterThanOrEqual(3);
    kit.transport.receive(server.speechStarted('item_u'));
    expect(kit.session.getSnapshot().diagnostics.listenerErrors).toBe(kit.internalErrors.length);
  });

  it('keeps out-of-band responses out of the conversation but counts their usage', async () => {
    const kit = createTestSession();
    await kit.connect();
    const t = kit.transport;
    const created = server.responseCreated('resp_oob');
    created.response.conversation_id = null as unknown as string;
    t.receive(created);
    t.receive(server.assistantItem('resp_oob', 'item_summary'));
    t.receive(server.transcriptDelta('resp_oob', 'item_summary', 'Summary: a refund.'));
    kit.session.sendText('hello');
    // Not holding the conversation: the text's response.create goes out at once.
    expect(t.sentOf('response.create')).toHaveLength(1);
    const done = server.responseDone('resp_oob', 'completed', {
      input_tokens: 10,
      output_tokens: 5,
    });
    done.response.conversation_id = null as unknown as string;
    t.receive(done);
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.items.map((item) => item.id)).not.toContain('item_summary');
    expect(snapshot.usage).toMatchObject({
      responses: 1,
      total: { inputTokens: 10, outputTokens: 5 },
    });
  });

  it('reports a non-benign server error in the snapshot and keeps the session', async () => {
    const kit = createTestSession();
    await kit.connect();
    const errors: string[] = [];
    kit.session.on('error', (error) => errors.push(error.code ?? ''));
    kit.transport.receive(server.error('invalid_value', 'Invalid value for voice'));
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'connected',
      error: { reason: 'server', code: 'invalid_value' },
    });
    expect(errors).toEqual(['invalid_value']);
  });
});

describe('turns, metrics and usage', () => {
  it('measures end of speech → first audio received → first audio played, and prices usage', async () => {
    const kit = createTestSession();
    await kit.connect();
    const t = kit.transport;
    t.receive(server.speechStarted('item_u1'));
    expect(kit.session.getSnapshot().turn).toBe('user_speaking');
    t.receive(server.speechStopped('item_u1'));
    expect(kit.session.getSnapshot().turn).toBe('thinking');
    kit.clock.advance(300);
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    kit.clock.advance(200);
    t.receive(server.audioDelta('resp_1', 'item_a1', 2400));
    expect(kit.session.getSnapshot().turn).toBe('agent_speaking');
    kit.clock.advance(100);
    kit.audio.play('item_a1', 480);
    t.receive(
      server.responseDone('resp_1', 'completed', {
        total_tokens: 300,
        input_tokens: 100,
        output_tokens: 200,
        input_token_details: {
          text_tokens: 40,
          audio_tokens: 60,
          cached_tokens: 20,
          cached_tokens_details: { text_tokens: 20, audio_tokens: 0 },
        },
        output_token_details: { text_tokens: 50, audio_tokens: 150 },
      }),
    );
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.metrics.turns).toEqual([
      expect.objectContaining({
        responseId: 'resp_1',
        timeToFirstAudioMs: 500,
        timeToFirstPlayMs: 600,
      }),
    ]);
    expect(snapshot.metrics.meanTimeToFirstPlayMs).toBe(600);
    // gpt-realtime: text in 4, cached 0.4, audio in 32, text out 16, audio out 64 ($/1M).
    const expected = (20 * 4 + 20 * 0.4 + 60 * 32 + 50 * 16 + 150 * 64) / 1_000_000;
    expect(snapshot.usage.costUsd).toBeCloseTo(expected, 12);
    expect(snapshot.usage.total).toMatchObject({
      inputTokens: 100,
      outputTokens: 200,
      cachedTextTokens: 20,
    });
    expect(snapshot.metrics.turns[0]?.costUsd).toBeCloseTo(expected, 12);
    expect(snapshot.metrics.turns[0]?.usage).toMatchObject({ outputAudioTokens: 150 });
  });

  it('uses an overridden price table', async () => {
    const kit = createTestSession({
      prices: {
        'gpt-realtime': {
          textInput: 1,
          textCachedInput: 1,
          textOutput: 1,
          audioInput: 1,
          audioCachedInput: 1,
          audioOutput: 1,
        },
      },
    });
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(
      server.responseDone('resp_1', 'completed', {
        input_tokens: 1_000_000,
        output_tokens: 1_000_000,
      }),
    );
    expect(kit.session.getSnapshot().usage.costUsd).toBe(2);
  });

  it('push-to-talk interrupts, clears, then commits and asks for a response with turn detection off', async () => {
    const kit = createTestSession({ session: { audio: { input: { turn_detection: null } } } });
    await kit.connect({ audio: { input: { turn_detection: null } } });
    kit.session.startPushToTalk();
    expect(kit.session.getSnapshot()).toMatchObject({ pushToTalk: true, turn: 'user_speaking' });
    kit.audio.emitFrame(new Int16Array(480));
    kit.session.stopPushToTalk();
    expect(kit.transport.sentTypes({ includeAudio: true }).slice(-4)).toEqual([
      'input_audio_buffer.clear',
      'input_audio_buffer.append',
      'input_audio_buffer.commit',
      'response.create',
    ]);
    expect(kit.session.getSnapshot().turn).toBe('thinking');
  });

  it('push-to-talk asks for the reply itself when turn detection is on (a manual commit never starts one)', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.session.startPushToTalk();
    kit.audio.emitFrame(new Int16Array(4800));
    kit.session.stopPushToTalk();
    expect(kit.transport.sentTypes({ includeAudio: true }).slice(-4)).toEqual([
      'input_audio_buffer.clear',
      'input_audio_buffer.append',
      'input_audio_buffer.commit',
      'response.create',
    ]);
    expect(kit.session.getSnapshot().turn).toBe('thinking');
  });

  it('push-to-talk asks for no second reply when turn detection already answered a pause within the hold', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.session.startPushToTalk();
    kit.transport.receive(server.speechStarted('item_u1'));
    kit.audio.emitFrame(new Int16Array(4800));
    kit.transport.receive(server.speechStopped('item_u1'));
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.session.stopPushToTalk();
    kit.transport.receive(server.responseDone('resp_1', 'completed'));
    expect(kit.transport.sentOf('response.create')).toHaveLength(0);
  });

  it('tells high-rate listeners about audio and levels without touching the snapshot', async () => {
    const kit = createTestSession();
    await kit.connect();
    const chunks: number[] = [];
    const levels = vi.fn();
    kit.session.on('audio', (chunk) => chunks.push(chunk.pcm16.length));
    const off = kit.session.on('levels', levels);
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(server.assistantItem('resp_1', 'item_a1'));
    kit.transport.receive(server.audioDelta('resp_1', 'item_a1', 960));
    const before = kit.session.getSnapshot();
    kit.audio.emitLevels({
      input: { rms: 0.1, peak: 0.2 },
      output: { rms: 0, peak: 0 },
      inputSpeaking: false,
    });
    off();
    kit.audio.emitLevels({
      input: { rms: 0.1, peak: 0.2 },
      output: { rms: 0, peak: 0 },
      inputSpeaking: false,
    });
    expect(chunks).toEqual([960]);
    expect(levels).toHaveBeenCalledTimes(1);
    expect(kit.session.getSnapshot()).toBe(before);
  });
});
