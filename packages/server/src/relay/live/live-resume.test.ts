// A resumed GPT-Live conversation: the relay starts the new upstream session with the
// conversation so far as its startup `input`, within Live's limits, and stores the new session's
// turns after the earlier ones.
import { LIVE_LIMITS } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { grantLive, openLiveBrowser, said, silenceUntil } from '../../../test/live-helpers.js';
import type { LiveGrant } from '../../../test/live-helpers.js';
import { startLiveStack } from '../../../test/relay-helpers.js';
import type { RelayStack, TestBrowser } from '../../../test/relay-helpers.js';
import { testBackends } from '../../test-utils/databases.js';
import { liveResumeInput } from './live-resume-input.js';

const backend = testBackends()[0]!;
const apiKey = 'fake-key-live-resume-test-00000000000';

let stack: RelayStack | undefined;
const browsers: TestBrowser[] = [];

afterEach(async () => {
  for (const browser of browsers.splice(0)) browser.socket.terminate();
  await stack?.close();
  stack = undefined;
  await backend.cleanup();
});

describe('liveResumeInput', () => {
  it('keeps the newest messages within 128 messages and the token budget, tool calls as developer notes', () => {
    const input = liveResumeInput([
      { type: 'message', role: 'user', text: 'Where is order A0042?' },
      {
        type: 'function_call',
        callId: 'call_1',
        name: 'get_order',
        arguments: '{"order_id":"A0042"}',
        output: '{"status":"shipped"}',
      },
      { type: 'message', role: 'assistant', text: 'It shipped today.' },
      { type: 'message', role: 'user', text: '  ' },
    ]);
    expect(input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Where is order A0042?' }],
      },
      {
        type: 'message',
        role: 'developer',
        content: [
          {
            type: 'input_text',
            text: 'Earlier in this conversation the tool get_order was called with {"order_id":"A0042"} and returned: {"status":"shipped"}',
          },
        ],
      },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'It shipped today.' }],
      },
    ]);
    const many = Array.from({ length: 300 }, (_, index) => ({
      type: 'message' as const,
      role: 'user' as const,
      text: `Message ${index}`,
    }));
    const fitted = liveResumeInput(many);
    expect(fitted).toHaveLength(LIVE_LIMITS.inputMessages);
    expect(fitted.at(-1)!.content[0].text).toBe('Message 299');
    const long = Array.from({ length: 10 }, (_, index) => ({
      type: 'message' as const,
      role: 'assistant' as const,
      text: `${index}`.repeat(5000),
    }));
    const budgeted = liveResumeInput(long);
    expect(budgeted.map((item) => item.content[0].text[0])).toEqual(['4', '5', '6', '7', '8', '9']);
  });

  it('tells an MCP call as a developer note, its output cut like a tool result', () => {
    const [note] = liveResumeInput([
      {
        type: 'mcp_call',
        serverLabel: 'realty',
        tool: 'lookup_opening_hours',
        arguments: '{"city":"Berlin"}',
        output: 'x'.repeat(2000),
        outcome: 'ok',
      },
    ]);
    expect(note!.role).toBe('developer');
    const text = note!.content[0].text;
    expect(text).toContain('the tool lookup_opening_hours of the MCP server realty');
    expect(text.endsWith(`${'x'.repeat(600)}…`)).toBe(true);
  });
});

/** The relay on the `live` agent, resumes allowed for a minute. */
async function resumableStack(): Promise<RelayStack> {
  stack = await startLiveStack({
    apiKey,
    database: await backend.open(),
    server: { limits: { sessionRequestsPerMinute: 1000, resumeWindowMs: 60_000 } },
  });
  return stack;
}

/** Opens a browser on `grant` (its socket terminated after the test). */
async function open(grant: LiveGrant) {
  const opened = await openLiveBrowser(grant);
  browsers.push(opened.browser);
  return opened;
}

/** Asks to go on with `first`'s conversation: granted, the same conversation. */
async function resume(relay: RelayStack, first: LiveGrant): Promise<LiveGrant> {
  const again = await grantLive(relay, {
    resume: { conversationId: first.conversationId, token: first.resumeToken },
  });
  expect(again).toMatchObject({ resumed: true, conversationId: first.conversationId });
  return again;
}

describe('resuming a GPT-Live conversation through the relay', () => {
  it('starts the new upstream session with the conversation so far as input, and stores its turns after the earlier ones', async () => {
    const relay = await resumableStack();
    const first = await grantLive(relay);
    const stored = async () =>
      (await relay.store.conversations.detail(first.conversationId)).items.map((item) => [
        item.role,
        item.text,
      ]);
    /** Types `text` and streams silence until the agent's answer to it is stored. */
    const turn = async (browser: TestBrowser, text: string) => {
      const before = (await stored()).length;
      browser.send({
        type: 'response.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      });
      browser.send({ type: 'response.create' });
      await silenceUntil(browser, () => said(browser).endsWith('Could you put that another way?'));
      await expect.poll(async () => (await stored()).length).toBe(before + 2);
    };
    const { browser, started: fresh } = await open(first);
    expect(fresh.session.input).toEqual([]);
    await turn(browser, 'My name is Ada.');
    const earlier = await stored();
    browser.socket.terminate();
    await expect
      .poll(async () => (await relay.store.conversations.get(first.conversationId))?.status)
      .not.toBe('active');

    const { browser: resumed, started } = await open(await resume(relay, first));
    expect(started.session.input).toContainEqual({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'My name is Ada.' }],
    });
    await turn(resumed, 'Is there parking?');
    // The new session's turns count from one again: stored under ids of their own.
    expect(await stored()).toEqual([
      ...earlier,
      ['user', 'Is there parking?'],
      ['assistant', expect.stringContaining('Is there parking?')],
    ]);
  });

  it('ends a stale session still open when its conversation is resumed, as on Realtime', async () => {
    const relay = await resumableStack();
    const first = await grantLive(relay);
    const { browser: stale } = await open(first);
    // The relay has not noticed anything wrong with the first connection; the browser reconnects.
    const { browser: resumed } = await open(await resume(relay, first));
    // The stale session was ended (conversation_ended) before the new one went on.
    expect((await stale.closed).code).toBe(1000);
    const conversation = await relay.store.conversations.get(first.conversationId);
    expect(conversation).toMatchObject({ status: 'active', mode: 'relay' });
    resumed.socket.close();
    await expect
      .poll(async () => (await relay.store.conversations.get(first.conversationId))?.endReason, {
        timeout: 5000,
      })
      .toBe('client_closed');
  });
});
