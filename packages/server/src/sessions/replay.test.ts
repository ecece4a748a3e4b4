import { parseClientEvent } from '@parley/core/schemas';
import { describe, expect, it } from 'vitest';
import { isReplayAnswer, replayEvents } from './replay.js';
import { ResumeTokens } from './resume.js';

describe('replayEvents', () => {
  it('rebuilds messages and tool calls as valid GA client events, in order', () => {
    const { frames, itemIds } = replayEvents([
      { type: 'message', role: 'user', text: 'Is the flat still free?' },
      {
        type: 'function_call',
        callId: 'call_1',
        name: 'lookup',
        arguments: '{"id":7}',
        output: '{"free":true}',
      },
      { type: 'message', role: 'assistant', text: 'Yes, it is.' },
      { type: 'function_call', callId: 'call_2', name: 'book', arguments: '{}', output: null },
    ]);
    type Created = {
      item: {
        id: string;
        type: string;
        role?: string;
        call_id?: string;
        content?: unknown;
        output?: string;
      };
    };
    const events = frames.map((frame) => JSON.parse(frame) as Created);
    for (const frame of frames) {
      const parsed = parseClientEvent(frame);
      expect(parsed.success && !('unknown' in parsed.event)).toBe(true);
      expect(parsed.success && parsed.warnings).toBeFalsy();
    }
    expect(events.map((event) => [event.item.type, event.item.role ?? event.item.call_id])).toEqual(
      [
        ['message', 'user'],
        ['function_call', 'call_1'],
        ['function_call_output', 'call_1'],
        ['message', 'assistant'],
        ['function_call', 'call_2'],
        ['function_call_output', 'call_2'],
      ],
    );
    expect(events[0]!.item.content).toEqual([
      { type: 'input_text', text: 'Is the flat still free?' },
    ]);
    expect(events[3]!.item.content).toEqual([{ type: 'output_text', text: 'Yes, it is.' }]);
    expect(events[2]!.item.output).toBe('{"free":true}');
    // A call that never got its output is answered, so the model does not wait for it.
    expect((JSON.parse(events[5]!.item.output!) as { error: { code: string } }).error.code).toBe(
      'interrupted',
    );
    for (const event of events) {
      expect(itemIds.has(event.item.id)).toBe(true);
      expect(event.item.id.length).toBeLessThanOrEqual(32);
    }
    expect(itemIds.size).toBe(6);
  });
});

describe('replayEvents with MCP calls', () => {
  const call = {
    type: 'mcp_call' as const,
    serverLabel: 'realty',
    tool: 'lookup_opening_hours',
    arguments: '{"city":"Berlin"}',
  };

  it('tells each MCP call as a system note of the call and its outcome, a valid GA client event', () => {
    const { frames, itemIds } = replayEvents([
      { ...call, output: '{"hours":"9 to 5"}', outcome: 'ok' },
      { ...call, output: '{"error":{"message":"down"}}', outcome: 'error' },
      { ...call, tool: 'delete_listing', output: null, outcome: 'denied' },
    ]);
    const items = frames.map(
      (frame) =>
        (JSON.parse(frame) as { item: { id: string; type: string; role: string; content: [] } })
          .item,
    );
    for (const frame of frames) {
      const parsed = parseClientEvent(frame);
      expect(parsed.success && !('unknown' in parsed.event)).toBe(true);
      expect(parsed.success && parsed.warnings).toBeFalsy();
    }
    expect(items.map((item) => [item.type, item.role])).toEqual([
      ['message', 'system'],
      ['message', 'system'],
      ['message', 'system'],
    ]);
    expect(items[0]!.content).toEqual([
      {
        type: 'input_text',
        text: 'Earlier in this conversation you called the tool lookup_opening_hours of the MCP server realty with {"city":"Berlin"}; it returned: {"hours":"9 to 5"}',
      },
    ]);
    expect(JSON.stringify(items[1]!.content)).toContain('it failed:');
    expect(JSON.stringify(items[2]!.content)).toContain('delete_listing');
    expect(JSON.stringify(items[2]!.content)).toContain('refused');
    expect(itemIds.size).toBe(3);
  });
});

describe('isReplayAnswer', () => {
  const { itemIds } = replayEvents([{ type: 'message', role: 'user', text: 'hi' }]);
  const [id] = [...itemIds];

  it("recognises the upstream's item events and errors for replayed items only", () => {
    for (const type of [
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.created',
    ])
      expect(isReplayAnswer({ type, item: { id } }, itemIds)).toBe(true);
    expect(
      isReplayAnswer({ type: 'conversation.item.added', item: { id: 'item_1' } }, itemIds),
    ).toBe(false);
    expect(isReplayAnswer({ type: 'error', error: { event_id: id } }, itemIds)).toBe(true);
    expect(isReplayAnswer({ type: 'error', error: { event_id: 'evt_1' } }, itemIds)).toBe(false);
    expect(isReplayAnswer({ type: 'response.created', item: { id } }, itemIds)).toBe(false);
    expect(isReplayAnswer({ type: 'conversation.item.added' }, itemIds)).toBe(false);
  });
});

describe('ResumeTokens', () => {
  it('verifies a token only for the conversation and agent it was issued for', () => {
    const tokens = new ResumeTokens();
    const token = tokens.issue('conv_1', 'agent_1');
    expect(tokens.verify(token, 'conv_1', 'agent_1')).toBe(true);
    expect(tokens.verify(token, 'conv_2', 'agent_1')).toBe(false);
    expect(tokens.verify(token, 'conv_1', 'agent_2')).toBe(false);
    expect(tokens.verify(`${token}x`, 'conv_1', 'agent_1')).toBe(false);
    expect(tokens.verify('', 'conv_1', 'agent_1')).toBe(false);
    // Another server process (another key) does not accept it.
    expect(new ResumeTokens().verify(token, 'conv_1', 'agent_1')).toBe(false);
  });
});
