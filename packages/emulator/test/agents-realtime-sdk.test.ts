// The OpenAI Agents SDK for voice (@openai/agents-realtime), unmodified, against the emulator over
// WebSocket: its default model (gpt-realtime-2.1, which says a preamble before a tool call), a
// text turn, a function tool run by the SDK with the answer after it, and its hosted MCP tool
// approval path (approve and reject) against a real MCP server on loopback. The SDK answers an
// approval with the mcp_approval_response item alone, no response.create: the emulator continues
// by itself (src/approval-continuation.ts says why).
import { hostedMcpTool } from '@openai/agents-core';
import { RealtimeAgent, RealtimeSession, tool, type RealtimeItem } from '@openai/agents-realtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { startTestMcpServer, type TestMcpServer } from '../src/test-utils/index.js';

let emulator: EmulatorHandle;
let mcp: TestMcpServer;
const sessions: RealtimeSession[] = [];

beforeAll(async () => {
  [emulator, mcp] = await Promise.all([
    startEmulator({ speechRate: Infinity, speechEngine: 'generated' }),
    startTestMcpServer(),
  ]);
});

afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});

afterAll(async () => {
  await Promise.all([emulator?.close(), mcp?.close()]);
});

async function connect(agent: RealtimeAgent): Promise<RealtimeSession> {
  const session = new RealtimeSession(agent, {
    transport: 'websocket',
    config: { outputModalities: ['text'] },
  });
  sessions.push(session);
  // With a url of its own the SDK sends no model in it, as against OpenAI: name the SDK's default
  // model in the url, since its session.update names it too and a session's model cannot change.
  const url = new URL(emulator.url);
  url.searchParams.set('model', 'gpt-realtime-2.1');
  await session.connect({ apiKey: 'test-key', url: url.toString() });
  return session;
}

/** Resolves with the history once `check` holds for it (or fails after `timeoutMs`). */
function historyUntil(
  session: RealtimeSession,
  check: (history: RealtimeItem[]) => boolean,
  timeoutMs = 12_000,
): Promise<RealtimeItem[]> {
  if (check(session.history)) return Promise.resolve(session.history);
  return new Promise((resolve, reject) => {
    const onUpdate = (history: RealtimeItem[]) => {
      if (!check(history)) return;
      clearTimeout(timer);
      session.off('history_updated', onUpdate);
      resolve(history);
    };
    const timer = setTimeout(() => {
      session.off('history_updated', onUpdate);
      reject(new Error(`timed out; history: ${JSON.stringify(session.history)}`));
    }, timeoutMs);
    session.on('history_updated', onUpdate);
  });
}

type Message = Extract<RealtimeItem, { type: 'message' }>;
const assistantTexts = (history: RealtimeItem[]) =>
  history
    .filter(
      (item): item is Message =>
        item.type === 'message' && item.role === 'assistant' && item.status === 'completed',
    )
    .map((item) =>
      item.content.map((part) => ('text' in part ? part.text : (part.transcript ?? ''))).join(''),
    );

describe('@openai/agents-realtime against the emulator', { timeout: 20_000 }, () => {
  it('connects with its default model and answers a text turn', async () => {
    const session = await connect(
      new RealtimeAgent({ name: 'Greeter', instructions: 'Be brief.' }),
    );
    session.sendMessage('Hello there');
    const history = await historyUntil(session, (items) => assistantTexts(items).length > 0);
    expect(assistantTexts(history)).toEqual(['Hello! How can I help you today?']);
  });

  it('runs a function tool after the preamble of the same response, then reads the answer', async () => {
    const calls: unknown[] = [];
    const weather = tool({
      name: 'get_weather',
      description: 'Get the weather for a city',
      parameters: z.object({ city: z.string().describe('the city') }),
      execute: ({ city }) => {
        calls.push({ city });
        return JSON.stringify({ city, temperatureC: 21, sky: 'clear' });
      },
    });
    const session = await connect(
      new RealtimeAgent({
        name: 'Weather',
        instructions: 'Answer with the tool.',
        tools: [weather],
      }),
    );
    session.sendMessage('What is the weather in Paris?');
    const history = await historyUntil(session, (items) => assistantTexts(items).length >= 2);
    expect(calls).toEqual([{ city: 'Paris' }]);
    const [preamble, answer] = assistantTexts(history);
    expect(preamble).toBe('One moment, let me check that.');
    expect(answer).toContain('21');
    const call = history.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(history.map((item) => item.type)).toEqual([
      'message',
      'message',
      'function_call',
      'message',
    ]);
  });

  describe('a hosted MCP tool that requires approval', () => {
    const docsAgent = () =>
      new RealtimeAgent({
        name: 'Docs',
        instructions: 'Use the docs server.',
        tools: [
          hostedMcpTool({
            serverLabel: 'docs',
            serverUrl: mcp.url,
            requireApproval: 'always',
          }),
        ],
      });

    /** Connects, waits for the listing, and asks for the branch hours of Oslo (scripted call). */
    async function askForHours(): Promise<{ session: RealtimeSession; approval: unknown }> {
      const session = await connect(docsAgent());
      const approval = new Promise<unknown>((resolve) =>
        session.on('tool_approval_requested', (_context, _agent, request) =>
          resolve(request.approvalItem),
        ),
      );
      // The SDK learns the server's tools from the emulator's mcp_list_tools item.
      await new Promise<void>((resolve) => {
        const listed = () => session.availableMcpTools.length > 0;
        if (listed()) return resolve();
        const onTools = () => {
          if (!listed()) return;
          session.off('mcp_tools_changed', onTools);
          resolve();
        };
        session.on('mcp_tools_changed', onTools);
      });
      // The emulator's control message scripts the next reply to call the MCP tool.
      session.transport.sendEvent({
        type: 'emulator.reply',
        tool: 'lookup_opening_hours',
        arguments: { city: 'Oslo' },
      });
      session.sendMessage('When is the Oslo branch open?');
      return { session, approval: await approval };
    }

    it('runs the call once the SDK approves it, and reads the answer', async () => {
      const before = mcp.calls.length;
      const { session, approval } = await askForHours();
      expect(mcp.calls.length).toBe(before);
      await session.approve(approval as never);
      const history = await historyUntil(session, (items) =>
        assistantTexts(items).some((text) => text.includes('9 to 5')),
      );
      expect(mcp.calls.slice(before)).toEqual([
        expect.objectContaining({ name: 'lookup_opening_hours', args: { city: 'Oslo' } }),
      ]);
      const call = history.find((item) => item.type === 'mcp_call');
      expect(call).toMatchObject({ name: 'lookup_opening_hours', arguments: '{"city":"Oslo"}' });
    });

    it('does not run the call when the SDK rejects it, and says so', async () => {
      const before = mcp.calls.length;
      const { session, approval } = await askForHours();
      await session.reject(approval as never);
      const history = await historyUntil(session, (items) =>
        assistantTexts(items).includes("Okay, I won't run lookup_opening_hours."),
      );
      expect(mcp.calls.length).toBe(before);
      expect(history.some((item) => item.type === 'mcp_call')).toBe(false);
    });
  });
});
