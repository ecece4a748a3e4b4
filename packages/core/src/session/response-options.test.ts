// `responseOptions`: reasoning effort and parallel tool calls sent with every response.create the
// session makes, where the protocol and the server allow them.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define-tool.js';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';

const options = { reasoning: { effort: 'low' as const }, parallel_tool_calls: false };

describe('per-response options', () => {
  it('sends reasoning and parallel_tool_calls with the answer to text and with the tool follow-up', async () => {
    const kit = createTestSession({
      responseOptions: options,
      tools: [
        defineTool({ name: 'lookup', parameters: z.object({}), execute: () => ({ ok: true }) }),
      ],
    });
    await kit.connect();
    kit.session.sendText('Look it up');
    expect(kit.transport.sentOf('response.create')).toEqual([
      expect.objectContaining({
        response: { reasoning: { effort: 'low' }, parallel_tool_calls: false },
      }),
    ]);
    kit.transport.receive(server.responseCreated('resp_1'));
    for (const event of server.functionCall('resp_1', 'item_f1', 'call_1', 'lookup', '{}'))
      kit.transport.receive(event);
    kit.transport.receive(server.responseDone('resp_1'));
    await settle();
    const creates = kit.transport.sentOf('response.create');
    expect(creates).toHaveLength(2);
    expect(creates[1]).toMatchObject({ response: options });
  });

  it('sends only the fields that were set', async () => {
    const kit = createTestSession({ responseOptions: { parallel_tool_calls: true } });
    await kit.connect();
    kit.session.sendText('Hi');
    expect(kit.transport.sentOf('response.create')[0]!.response).toEqual({
      parallel_tool_calls: true,
    });
  });

  it('sends a bare response.create without them', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.session.sendText('Hi');
    expect(kit.transport.sentOf('response.create')[0]).not.toHaveProperty('response');
  });

  it('leaves them out on a session the server configures, whose agent fixes them', async () => {
    const kit = createTestSession({
      responseOptions: options,
      credentials: () =>
        Promise.resolve({ url: 'wss://relay.test/api/realtime', managedSession: true }),
    });
    const connected = kit.session.connect();
    await settle();
    kit.transport.receive(server.sessionCreated());
    await connected;
    kit.session.sendText('Hi');
    expect(kit.transport.sentOf('response.create')[0]).not.toHaveProperty('response');
  });

  it('leaves them out in the beta dialect, which has neither field', async () => {
    const kit = createTestSession({
      responseOptions: options,
      credentials: () => Promise.resolve({ url: 'wss://relay.test/api/realtime', dialect: 'beta' }),
    });
    const connected = kit.session.connect();
    // The beta dialect's translators are a lazy chunk.
    await settle();
    await vi.dynamicImportSettled();
    await settle();
    kit.transport.receive({
      ...server.sessionCreated(),
      session: { id: 'sess_b', model: 'gpt-4o-realtime-preview' },
    });
    await settle();
    await vi.dynamicImportSettled();
    await settle();
    if (kit.transport.sentOf('session.update').length > 0)
      kit.transport.receive({ ...server.sessionUpdated(), session: { id: 'sess_b' } });
    await connected;
    kit.session.sendText('Hi');
    const [create] = kit.transport.sentOf('response.create');
    expect(create).toBeDefined();
    expect(create).not.toHaveProperty('response');
  });
});
