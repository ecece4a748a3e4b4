// Parley core's MCP support against the emulator, which lists and calls the tools of a real MCP
// server on loopback (official MCP SDK): the listing, a call without approval, and calls that
// need approval answered by the session's approval handler or left to the app.
import {
  createVoiceSession,
  createWebSocketTransport,
  type ConversationItem,
  type McpApprovalRequestItem,
  type McpCallItem,
  type McpListToolsItem,
  type MessageItem,
  type VoiceSession,
  type VoiceSessionOptions,
} from '@parley/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { startTestMcpServer, type TestMcpServer } from '../src/test-utils/index.js';

let emulator: EmulatorHandle;
let mcp: TestMcpServer;
const sessions: VoiceSession[] = [];

beforeAll(async () => {
  [emulator, mcp] = await Promise.all([
    startEmulator({ speechRate: Infinity, speechEngine: 'generated' }),
    startTestMcpServer({ requireAuthorization: 'Bearer docs-token' }),
  ]);
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.disconnect()));
});

afterAll(async () => {
  await Promise.all([emulator?.close(), mcp?.close()]);
});

const docs = (extra: Record<string, unknown> = {}) => ({
  type: 'mcp' as const,
  server_label: 'docs',
  server_url: mcp.url,
  headers: { authorization: 'Bearer docs-token' },
  ...extra,
});

function create(tools: unknown[], options: Partial<VoiceSessionOptions> = {}) {
  const session = createVoiceSession({
    credentials: () =>
      Promise.resolve({ url: `${emulator.url}?model=gpt-realtime`, token: 'test-key' }),
    transport: createWebSocketTransport(),
    session: { output_modalities: ['text'], tools: tools as never },
    onInternalError: () => undefined,
    ...options,
  });
  sessions.push(session);
  return session;
}

/** Resolves once the snapshot's items satisfy `check` (or fails after `timeoutMs`). */
function until<T>(
  session: VoiceSession,
  check: (items: readonly ConversationItem[]) => T | undefined,
  timeoutMs = 12_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const test = () => {
      const found = check(session.getSnapshot().items);
      if (found === undefined) return;
      unsubscribe();
      clearTimeout(timer);
      resolve(found);
    };
    const unsubscribe = session.subscribe(test);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out; items: ${JSON.stringify(session.getSnapshot().items)}`));
    }, timeoutMs);
    test();
  });
}

// The API sends `mcp_list_tools.completed` before the `conversation.item.done` with the tools.
const listed = (items: readonly ConversationItem[]) =>
  items.find(
    (item): item is McpListToolsItem =>
      item.type === 'mcp_list_tools' && item.status === 'completed' && item.tools.length > 0,
  );
const finishedCall = (items: readonly ConversationItem[]) =>
  items.find(
    (item): item is McpCallItem =>
      item.type === 'mcp_call' && (item.status === 'completed' || item.status === 'failed'),
  );
const lastAnswer = (after: string) => (items: readonly ConversationItem[]) => {
  const from = items.findIndex((item) => item.id === after);
  return items
    .slice(from + 1)
    .find(
      (item): item is MessageItem =>
        item.type === 'message' && item.role === 'assistant' && item.status === 'completed',
    );
};

describe('Parley core with MCP tools on the emulator', { timeout: 20_000 }, () => {
  it('shows the listing, then an MCP call the server ran with its output and the answer', async () => {
    const session = create([
      docs({ require_approval: 'never', allowed_tools: ['lookup_opening_hours'] }),
    ]);
    await session.connect();
    const listing = await until(session, listed);
    expect(listing).toMatchObject({ serverLabel: 'docs', status: 'completed' });
    expect(listing.tools.map((tool) => tool.name)).toEqual(['lookup_opening_hours']);
    const before = mcp.calls.length;
    session.sendText('What are the opening hours of the branch in Berlin?');
    const call = await until(session, finishedCall);
    expect(call).toMatchObject({
      serverLabel: 'docs',
      name: 'lookup_opening_hours',
      status: 'completed',
      arguments: '{"city":"Berlin"}',
      output: '{"city":"Berlin","hours":"9 to 5"}',
      error: null,
      approvalRequestId: null,
    });
    const answer = await until(session, lastAnswer(call.id));
    expect(answer.text).toContain('9 to 5');
    expect(mcp.calls.slice(before)).toEqual([
      {
        name: 'lookup_opening_hours',
        args: { city: 'Berlin' },
        authorization: 'Bearer docs-token',
      },
    ]);
  });

  it('asks the approval handler, and the approved call runs under that approval', async () => {
    const asked: McpApprovalRequestItem[] = [];
    const session = create([docs()], {
      onMcpApproval: (request) => {
        asked.push(request);
        return Promise.resolve(true);
      },
    });
    await session.connect();
    await until(session, listed);
    session.sendText('What are the opening hours of the branch in Oslo?');
    const call = await until(session, finishedCall);
    expect(asked.map((request) => [request.name, request.arguments])).toEqual([
      ['lookup_opening_hours', '{"city":"Oslo"}'],
    ]);
    expect(call).toMatchObject({
      name: 'lookup_opening_hours',
      status: 'completed',
      output: '{"city":"Oslo","hours":"9 to 5"}',
      approvalRequestId: asked[0]!.id,
    });
    const request = session.getSnapshot().items.find((item) => item.id === asked[0]!.id);
    expect(request).toMatchObject({ type: 'mcp_approval_request', decision: 'approved' });
    const answer = await until(session, lastAnswer(call.id));
    expect(answer.text).toContain('9 to 5');
  });

  it('leaves a request pending without a handler; a refusal from the app runs nothing', async () => {
    const session = create([docs()]);
    await session.connect();
    await until(session, listed);
    const before = mcp.calls.length;
    session.sendText('What are the opening hours of the branch in Paris?');
    const request = await until(session, (items) =>
      items.find((item): item is McpApprovalRequestItem => item.type === 'mcp_approval_request'),
    );
    expect(request.decision).toBe('pending');
    session.answerMcpApproval(request.id, false, 'Not without a manager.');
    const answer = await until(session, lastAnswer(request.id));
    expect(answer.text).toMatch(/^Okay, I won't run/);
    expect(mcp.calls.length).toBe(before);
    expect(session.getSnapshot().items.some((item) => item.type === 'mcp_call')).toBe(false);
  });
});
