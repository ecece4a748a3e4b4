import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { isParleyError } from '../errors.js';
import { LIVE_LIMITS } from '../protocol/index.js';
import { defineTool } from '../tools/define-tool.js';
import {
  liveResponsesSessionResource,
  liveSessionResource,
  startupAndExchange,
} from '../test-utils/live-sequences.js';
import { createTestSession, settle } from '../test-utils/session-kit.js';
import type { Credentials } from '../ports.js';
import { forkUrl } from './live-runtime.js';

// GPT-Live's appendContext() and fork() on a real VoiceSession over fake ports, the client tools
// offered to a Responses backend, and the startup history within Live's limits.

const url = 'wss://emulator.test/v1/live/sessions';

function liveSession(options: Parameters<typeof createTestSession>[0] = {}, extra = {}) {
  return createTestSession({
    credentials: () => Promise.resolve<Credentials>({ url, protocol: 'live', ...extra }),
    liveSession: { model: 'gpt-live-1.1', instructions: 'Be brief.' },
    ...options,
  });
}

async function opened(kit: { transport: { connections: unknown[] } }, count = 1): Promise<void> {
  await vi.waitFor(() => {
    if (kit.transport.connections.length < count) throw new Error('not open yet');
  });
  await settle();
}

async function started(
  kit: ReturnType<typeof liveSession>,
  session: Record<string, unknown> = liveSessionResource,
) {
  void kit.session.connect();
  await opened(kit);
  kit.transport.receive({ type: 'session.started', event_id: 'e0', session });
  await settle();
}

describe('appendContext()', () => {
  it('sends each channel with its delegation id, split at the per-append limit', async () => {
    const kit = liveSession();
    await started(kit);
    kit.session.appendContext('instructions', 'Speak slowly.');
    kit.session.appendContext('commentary', 'Staging is healthy.', { delegationId: 'item_1' });
    const long = 'x'.repeat(LIVE_LIMITS.appendCharacters + 10);
    kit.session.appendContext('thinking', long);
    expect(kit.transport.sentOf('session.instructions.append')).toEqual([
      expect.objectContaining({ content: 'Speak slowly.', delegation_id: null }),
    ]);
    expect(kit.transport.sentOf('session.commentary.append')).toEqual([
      expect.objectContaining({ content: 'Staging is healthy.', delegation_id: 'item_1' }),
    ]);
    const thinking = kit.transport.sentOf('session.thinking.append');
    expect(thinking.map((event) => (event.content as string).length)).toEqual([
      LIVE_LIMITS.appendCharacters,
      10,
    ]);
    expect(new Set(thinking.map((event) => event.event_id)).size).toBe(2);
  });

  it('refuses what it cannot carry: Realtime, a relay-managed session, no connection, a bad channel', async () => {
    const realtime = createTestSession();
    await realtime.connect();
    const reasons = (command: () => unknown) => {
      try {
        command();
        return null;
      } catch (error) {
        return isParleyError(error) ? error.reason : 'other';
      }
    };
    expect(reasons(() => realtime.session.appendContext('thinking', 'x'))).toBe('unsupported');
    await expect(realtime.session.fork()).rejects.toMatchObject({ reason: 'unsupported' });

    const managed = liveSession({}, { managedSession: true });
    await started(managed);
    expect(reasons(() => managed.session.appendContext('thinking', 'x'))).toBe('unsupported');
    await expect(managed.session.fork()).rejects.toMatchObject({ reason: 'unsupported' });

    const kit = liveSession();
    await started(kit);
    expect(reasons(() => kit.session.appendContext('shout' as never, 'x'))).toBe('config');
    await kit.session.disconnect();
    expect(reasons(() => kit.session.appendContext('thinking', 'x'))).toBe('transport');
  });
});

describe('fork()', () => {
  it('closes the session, opens its fork socket and starts with the overrides only; the transcript carries on', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    const events = startupAndExchange.steps.flatMap((step) =>
      step.from === 'server' ? [step.event] : [],
    );
    for (const event of events) kit.transport.receive(event);
    const items = kit.session.getSnapshot().items.map((item) => item.id);
    const forked = kit.session.fork({ store: false });
    await opened(kit, 2);
    expect(kit.transport.connections[0]!.sent.map((event) => event.type)).toEqual([
      'session.start',
      'session.close',
    ]);
    expect(kit.transport.connections[1]!.credentials.url).toBe(
      `${url}/${encodeURIComponent(liveSessionResource.id)}/fork`,
    );
    expect(kit.transport.sentOf('session.start').at(-1)!.session).toEqual({ store: false });
    kit.transport.receive({
      type: 'session.started',
      event_id: 'e9',
      session: { ...liveSessionResource, id: 'live_u7_forked' },
    });
    await forked;
    const snapshot = kit.session.getSnapshot();
    expect(snapshot).toMatchObject({ status: 'connected', sessionId: 'live_u7_forked' });
    expect(snapshot.items.map((item) => item.id)).toEqual(items);
    // A later reconnect starts a fresh session again, with the history as input.
    kit.transport.receive({
      type: 'session.closed',
      event_id: 'c1',
      reason: 'expired',
      usage: { seconds: 30 },
    });
    kit.transport.drop(1000, '');
    await settle();
    kit.clock.advance(60_000);
    await opened(kit, 3);
    expect(kit.transport.connections[2]!.credentials.url).toBe(url);
    expect(kit.transport.sentOf('session.start').at(-1)!.session).toMatchObject({
      model: 'gpt-live-1.1',
      input: [{ role: 'user' }, { role: 'assistant' }],
    });
  });

  it('a refused fork rejects with the server error and leaves the session in error', async () => {
    const kit = liveSession();
    await started(kit);
    const forked = kit.session.fork();
    await opened(kit, 2);
    kit.transport.receive({
      type: 'error',
      event_id: 'e1',
      error: {
        type: 'invalid_request_error',
        code: 'session_not_forkable',
        message: 'Only a finished stored session can be forked.',
      },
    });
    await expect(forked).rejects.toMatchObject({ reason: 'server', code: 'session_not_forkable' });
    expect(kit.session.getSnapshot().status).toBe('error');
  });

  it('builds the fork URL beside the primary one, keeping the query and encoding the id', () => {
    expect(forkUrl('wss://api.test/v1/live/sessions/?x=1', 'live_a/b')).toBe(
      'wss://api.test/v1/live/sessions/live_a%2Fb/fork?x=1',
    );
  });
});

describe('session.start', () => {
  it('offers the client tools to a Responses backend beside the configured ones', async () => {
    const kit = liveSession({
      liveSession: {
        model: 'gpt-live-1.1',
        delegation: {
          type: 'responses',
          responses: { model: 'gpt-5.6-luna', tools: [{ type: 'web_search' }] },
        },
      },
      tools: [
        defineTool({
          name: 'get_order',
          description: 'Look up an order.',
          parameters: z.object({ order_id: z.string() }),
          execute: () => 'ok',
        }),
      ],
    });
    await started(kit, liveResponsesSessionResource);
    const tools = (
      kit.transport.sentOf('session.start')[0]!.session as {
        delegation: { responses: { tools: Array<{ type: string; name?: string }> } };
      }
    ).delegation.responses.tools;
    expect(tools.map((tool) => [tool.type, tool.name])).toEqual([
      ['web_search', undefined],
      ['function', 'get_order'],
    ]);
  });

  it('replays history within the limits left by the app own input (128 messages, 8,192 tokens in all)', async () => {
    const given = Array.from({ length: 120 }, (_, index) => ({
      type: 'message' as const,
      role: 'developer' as const,
      content: [{ type: 'input_text', text: `Fact ${index}.` }],
    }));
    const kit = liveSession({ liveSession: { model: 'gpt-live-1.1', input: given } });
    await started(kit);
    for (let index = 0; index < 20; index++) {
      kit.session.sendText(`Question ${index}`);
    }
    kit.transport.receive({
      type: 'session.closed',
      event_id: 'c1',
      reason: 'expired',
      usage: { seconds: 30 },
    });
    kit.transport.drop(1000, '');
    await settle();
    kit.clock.advance(60_000);
    await opened(kit, 2);
    const input = (kit.transport.sentOf('session.start').at(-1)!.session as { input: unknown[] })
      .input;
    expect(input).toHaveLength(LIVE_LIMITS.inputMessages);
    expect(input.slice(0, 120)).toEqual(given);
    // The newest 8 of the 20 typed messages fit beside the app's 120.
    expect(JSON.stringify(input.at(-1))).toContain('Question 19');
    expect(JSON.stringify(input[120])).toContain('Question 12');

    const budget = liveSession({
      liveSession: {
        model: 'gpt-live-1.1',
        input: [
          {
            type: 'message',
            role: 'developer',
            content: [{ type: 'input_text', text: 'y'.repeat(LIVE_LIMITS.inputTokens * 4 - 400) }],
          },
        ],
      },
    });
    await started(budget);
    budget.session.sendText('a'.repeat(300));
    budget.session.sendText('b'.repeat(100));
    budget.transport.receive({
      type: 'session.closed',
      event_id: 'c1',
      reason: 'expired',
      usage: { seconds: 30 },
    });
    budget.transport.drop(1000, '');
    await settle();
    budget.clock.advance(60_000);
    await opened(budget, 2);
    const replayed = (
      budget.transport.sentOf('session.start').at(-1)!.session as { input: unknown[] }
    ).input;
    // Only the newest message fits what the app's own input left of the token budget.
    expect(replayed).toHaveLength(2);
    expect(JSON.stringify(replayed[1])).toContain('b'.repeat(100));
  });
});
