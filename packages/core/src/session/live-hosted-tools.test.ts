import { describe, expect, it, vi } from 'vitest';
import { createTestSession, settle } from '../test-utils/session-kit.js';
import type { Credentials } from '../ports.js';
import type { FunctionCallItem } from '../types.js';

// A hosted tool of a Responses delegation (web search) in a Live session's transcript: its nested
// events pass through and show as a tool card the service runs, with the query and the sources.

const delegation = 'item_ws_1';
const search = { id: 'ws_1', type: 'web_search_call' };
const query = 'tide tables in Brest';
const source = { type: 'url', url: 'https://search.emulator.invalid/results?q=tide' };

function nested(event: Record<string, unknown>, sequence: number) {
  return {
    type: 'response.event',
    event_id: `event_${sequence}`,
    delegation_id: delegation,
    event: { ...event, sequence_number: sequence },
  };
}

async function liveWithSearch() {
  const kit = createTestSession({
    credentials: () =>
      Promise.resolve<Credentials>({
        url: 'wss://emulator.test/v1/live/sessions',
        protocol: 'live',
        managedSession: true,
        serverRunsTools: true,
      }),
    liveSession: { model: 'gpt-live-1.1', instructions: 'Be brief.' },
  });
  void kit.session.connect();
  await vi.waitFor(() => {
    if (kit.transport.connections.length === 0) throw new Error('not open yet');
  });
  await settle();
  return kit;
}

const cards = (kit: Awaited<ReturnType<typeof liveWithSearch>>) =>
  kit.session
    .getSnapshot()
    .items.filter((item): item is FunctionCallItem => item.type === 'function_call');

describe('hosted tools in a Live delegation', () => {
  it('shows a web search as a tool card: running on added, completed with its sources on done', async () => {
    const kit = await liveWithSearch();
    kit.transport.receive({
      type: 'session.delegation.created',
      event_id: 'event_d',
      offset_ms: 1200,
      delegation: { id: delegation, type: 'delegation', target: 'responses', response_id: 'r1' },
    });
    kit.transport.receive(
      nested(
        {
          type: 'response.output_item.added',
          output_index: 0,
          item: { ...search, status: 'in_progress', action: { type: 'search', query } },
        },
        2,
      ),
    );
    kit.transport.receive(
      nested({ type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 }, 3),
    );
    await settle();
    expect(cards(kit)).toEqual([
      expect.objectContaining({
        id: 'ws_1',
        name: 'web_search',
        executor: 'server',
        status: 'running',
        arguments: JSON.stringify({ type: 'search', query }),
        output: null,
      }),
    ]);
    const done = {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        ...search,
        status: 'completed',
        action: { type: 'search', query, sources: [source] },
      },
    };
    kit.transport.receive(nested(done, 5));
    kit.transport.receive(nested(done, 5)); // a duplicate copy changes nothing
    await settle();
    expect(cards(kit)).toEqual([
      expect.objectContaining({
        id: 'ws_1',
        status: 'completed',
        output: JSON.stringify({ sources: [source] }),
      }),
    ]);
    // Nothing is sent for a hosted call: the service runs it.
    expect(kit.transport.sentTypes()).toEqual([]);
  });

  it('a failed hosted call shows failed; function calls and messages are not hosted calls', async () => {
    const kit = await liveWithSearch();
    kit.transport.receive(
      nested(
        {
          type: 'response.output_item.done',
          output_index: 0,
          item: { id: 'fs_1', type: 'file_search_call', status: 'failed', queries: ['fees'] },
        },
        1,
      ),
    );
    kit.transport.receive(
      nested(
        {
          type: 'response.output_item.added',
          output_index: 1,
          item: { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant' },
        },
        2,
      ),
    );
    await settle();
    expect(cards(kit)).toEqual([
      expect.objectContaining({ id: 'fs_1', name: 'file_search', status: 'failed' }),
    ]);
  });
});
