// MCP servers of an agent, end to end: a real MCP server on loopback (official MCP SDK), the
// emulator as the upstream (it connects to that server like the API does), and the relay
// between it and a scripted browser. The relay gives the upstream the server with its secret
// header, answers approval requests by the agent's policy, records every MCP call, and never
// lets the header reach the browser or the browser change the MCP tools.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayEvents } from '../src/sessions/replay.js';
import { testBackends } from '../src/test-utils/databases.js';
import type { Store } from '../src/storage/store.js';
import { connectBrowser, publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack, TestBrowser } from './relay-helpers.js';
import { lookupOpeningHours, startTestMcpServer } from '@parley/emulator/test-utils';
import type { TestMcpServer, TestMcpTool } from '@parley/emulator/test-utils';

const apiKey = 'test-upstream-credential-mcp';
const secret = 'Bearer test-mcp-header-value-7f3a';

/** The realty MCP server's tools: two that need approval beside the read-only lookup. */
const realtyTools: TestMcpTool[] = [
  lookupOpeningHours,
  {
    name: 'book_viewing',
    description: 'Book a viewing of a property in a city',
    args: { city: 'the city of the property' },
    answer: ({ city }) => ({ text: JSON.stringify({ city, booked: true }) }),
  },
  {
    name: 'delete_listing',
    description: 'Delete a property listing in a city',
    args: { city: 'the city of the listing' },
    answer: () => ({ text: 'deleted' }),
  },
];

function docsServer(url: string) {
  return {
    label: 'realty',
    url,
    description: 'Branch opening hours and property viewings',
    requireApproval: {
      always: ['book_viewing', 'delete_listing'],
      never: ['lookup_opening_hours'],
    },
    approvedTools: ['book_viewing'],
    headers: [{ name: 'Authorization', value: secret }],
  };
}

describe.each(testBackends())('MCP servers through the relay on $name', (backend) => {
  let stack: RelayStack;
  let mcp: TestMcpServer;
  let base: string;
  const browsers: TestBrowser[] = [];
  const conversations = new Map<TestBrowser, string>();
  const resumeTokens = new Map<TestBrowser, string>();
  /** What the server logged as warnings (a replayed item the upstream refused is one). */
  const warnings: string[] = [];

  async function open(
    agent = 'realty',
    resume?: { conversationId: string; token: string },
  ): Promise<TestBrowser> {
    const response = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: agent, ...(resume ? { resume } : {}) }),
    });
    const session = (await response.json()) as {
      mode: string;
      url: string;
      ticket: string;
      conversationId: string;
      resumeToken: string;
    };
    expect(session, JSON.stringify(session)).toMatchObject({ mode: 'relay' });
    const browser = await connectBrowser(session.url, session.ticket);
    browsers.push(browser);
    conversations.set(browser, session.conversationId);
    resumeTokens.set(browser, session.resumeToken);
    // No wait for the tools' listing: a response asked for while it runs waits for it upstream.
    await browser.waitFor((event) => event.type === 'session.updated');
    return browser;
  }

  /** Types `text` and resolves with the `response.done` whose output has a message, from `from`. */
  async function ask(browser: TestBrowser, text: string): Promise<Record<string, any>> {
    const from = browser.events.length;
    browser.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    browser.send({ type: 'response.create' });
    return browser.waitFor(
      (event) =>
        event.type === 'response.done' &&
        browser.events.indexOf(event) >= from &&
        event.response.output.some((item: { type: string }) => item.type === 'message'),
      20_000,
    );
  }

  async function toolCalls(browser: TestBrowser, store: Store) {
    const conversationId = conversations.get(browser)!;
    browser.socket.close();
    await browser.closed;
    // The relay stores on its own schedule: wait until the conversation has ended.
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const detail = await store.conversations.detail(conversationId);
      if (detail.conversation.endedAt !== null) return detail.toolCalls;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the conversation was not ended');
  }

  beforeAll(async () => {
    mcp = await startTestMcpServer({ requireAuthorization: secret, tools: realtyTools });
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: async (store) => {
        await publishTestAgent(store, 'realty', {
          instructions: 'You answer questions about Keystone Realty.',
          transcriptionModel: null,
          outputModality: 'text',
          turnDetection: null,
          allowDirect: true,
          mcpServers: [docsServer(mcp.url)],
        });
      },
      server: {
        outboundAllowlist: ['127.0.0.1'],
        logger: {
          info: () => undefined,
          warn: (message) => warnings.push(message),
          error: () => undefined,
        },
      },
    });
    base = stack.url;
  });

  afterAll(async () => {
    for (const browser of browsers) browser.socket.close();
    await stack?.close();
    await mcp?.close();
    await backend.cleanup();
  });

  it('runs an MCP tool the agent allows without approval, with the secret header, and records it', async () => {
    const browser = await open();
    const before = mcp.calls.length;
    const done = await ask(browser, 'What are the opening hours in Berlin?');
    const call = done.response.output.find((item: { type: string }) => item.type === 'mcp_call');
    expect(call).toMatchObject({ server_label: 'realty', name: 'lookup_opening_hours' });
    // The question went in before the listing ended; the upstream listed the server's tools
    // (with the secret header) before the model used them.
    const types = browser.events.map((event) => event.type);
    expect(types.indexOf('mcp_list_tools.completed')).toBeGreaterThan(-1);
    expect(types.indexOf('mcp_list_tools.completed')).toBeLessThan(
      types.indexOf('response.mcp_call.in_progress'),
    );
    expect(mcp.calls.slice(before)).toEqual([
      { name: 'lookup_opening_hours', args: { city: 'Berlin' }, authorization: secret },
    ]);
    const calls = await toolCalls(browser, stack.store);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      name: 'mcp:realty/lookup_opening_hours',
      arguments: '{"city":"Berlin"}',
      output: '{"city":"Berlin","hours":"9 to 5"}',
      outcome: 'ok',
    });
    expect(calls[0]!.durationMs).toEqual(expect.any(Number));
  });

  it('tells a resumed conversation’s new session the MCP calls made before the drop', async () => {
    const browser = await open();
    await ask(browser, 'What are the opening hours in Berlin?');
    const conversationId = conversations.get(browser)!;
    // The network drops: the socket dies without a close handshake.
    browser.socket.terminate();
    await expect
      .poll(
        async () => (await stack.store.conversations.detail(conversationId)).conversation.status,
      )
      .not.toBe('active');
    const history = await stack.store.conversations.replayItems(conversationId);
    expect(history.filter((item) => item.type === 'mcp_call')).toEqual([
      {
        type: 'mcp_call',
        serverLabel: 'realty',
        tool: 'lookup_opening_hours',
        arguments: '{"city":"Berlin"}',
        output: '{"city":"Berlin","hours":"9 to 5"}',
        outcome: 'ok',
      },
    ]);

    const token = resumeTokens.get(browser)!;
    const warned = warnings.length;
    const resumed = await open('realty', { conversationId, token });
    const question = 'Thank you very much.';
    const answer = await ask(resumed, question);
    // The upstream took every replayed item (a refused one is logged), the browser saw none.
    expect(warnings.slice(warned)).toEqual([]);
    expect(resumed.events.filter((event) => event.type === 'error')).toEqual([]);
    const added = resumed.events.filter((event) => event.type === 'conversation.item.added');
    expect(added.length).toBeGreaterThan(0);
    for (const event of added) {
      expect(event.item.id).not.toMatch(/^parley_resume_/);
      expect(event.item.role).not.toBe('system');
    }
    // The model's context holds the history with the call's note: past a fresh session's context
    // for the same question by at least every replayed item (the emulator counts 4 tokens an item
    // and a token per 4 characters).
    const texts = replayEvents(history).frames.map((frame) => {
      const item = (JSON.parse(frame) as { item: { content: Array<{ text: string }> } }).item;
      return item.content[0]!.text;
    });
    const note = texts.find((text) => text.includes('lookup_opening_hours'));
    expect(note).toContain('9 to 5');
    const freshBrowser = await open();
    const fresh = await ask(freshBrowser, question);
    const context = (done: Record<string, any>) =>
      done.response.usage.input_token_details.text_tokens as number;
    const replayed = texts.reduce((sum, text) => sum + 4 + Math.ceil(text.length / 4), 0);
    expect(context(answer) - context(fresh)).toBeGreaterThanOrEqual(replayed);
    // Both end here: the client may hold only a few conversations at once.
    await toolCalls(resumed, stack.store);
    await toolCalls(freshBrowser, stack.store);
  });

  it('approves a call on the agent’s approved list itself, then the call runs', async () => {
    const browser = await open();
    const before = mcp.calls.length;
    const done = await ask(browser, 'Please book a viewing in Berlin');
    const call = done.response.output.find((item: { type: string }) => item.type === 'mcp_call');
    expect(call).toMatchObject({ name: 'book_viewing', approval_request_id: expect.any(String) });
    expect(mcp.calls.slice(before).map((entry) => entry.name)).toEqual(['book_viewing']);
    // The browser saw the request (it is part of the conversation) but did not answer it.
    expect(
      browser.events.some(
        (event) =>
          event.type === 'response.output_item.done' && event.item.type === 'mcp_approval_request',
      ),
    ).toBe(true);
    // One continuation: no second response.create refused while the first runs.
    expect(browser.events.filter((event) => event.type === 'error')).toEqual([]);
    const calls = await toolCalls(browser, stack.store);
    expect(calls.map((entry) => [entry.name, entry.outcome])).toEqual([
      ['mcp:realty/book_viewing', 'ok'],
    ]);
    expect(calls[0]!.output).toContain('"booked":true');
  });

  it('refuses a call that needs approval and is not on the approved list, and records the refusal', async () => {
    const browser = await open();
    const before = mcp.calls.length;
    const done = await ask(browser, 'Delete the listing in Paris');
    expect(done.response.output.at(-1).content[0].text).toBe("Okay, I won't run delete_listing.");
    expect(mcp.calls.length).toBe(before);
    expect(browser.events.filter((event) => event.type === 'error')).toEqual([]);
    const calls = await toolCalls(browser, stack.store);
    expect(calls).toEqual([
      expect.objectContaining({
        name: 'mcp:realty/delete_listing',
        outcome: 'denied',
        output: null,
      }),
    ]);
  });

  it('never lets the browser add, change or answer for an MCP tool', async () => {
    const browser = await open();
    const tryEvent = async (event: Record<string, unknown>, code: string) => {
      const from = browser.events.length;
      browser.send({ ...event, event_id: `evt_${code}_${from}` });
      const error = await browser.waitFor(
        (received) => received.type === 'error' && browser.events.indexOf(received) >= from,
      );
      expect(error.error.code).toBe(code);
    };
    const otherServer = { type: 'mcp', server_label: 'evil', server_url: 'https://mcp.example' };
    await tryEvent(
      { type: 'session.update', session: { type: 'realtime', tools: [otherServer] } },
      'event_not_allowed',
    );
    await tryEvent(
      { type: 'response.create', response: { tools: [otherServer] } },
      'override_not_allowed',
    );
    await tryEvent(
      {
        type: 'conversation.item.create',
        item: { type: 'mcp_approval_response', approval_request_id: 'mcpr_x', approve: true },
      },
      'item_not_allowed',
    );
    // The session still has exactly the agent's server (one session.updated: the relay's).
    const updates = browser.events.filter((event) => event.type === 'session.updated');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.session.tools).toEqual([
      expect.objectContaining({ type: 'mcp', server_label: 'realty' }),
    ]);
  });

  it('goes through the relay even for an agent allowed direct, and refuses it a WebRTC call', async () => {
    const call = await fetch(`${base}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        agentId: 'realty',
        sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n',
      }),
    });
    expect(call.status).toBe(409);
    expect(((await call.json()) as { error: { code: string } }).error.code).toBe('relay_required');
    await open(); // asserts mode "relay"
  });

  describe('the admin API', () => {
    const adminSecret = 'Bearer test-admin-header-value-91c2';
    let headers: Record<string, string>;

    async function admin(path: string, body?: unknown) {
      const response = await fetch(`${base}/api/admin${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, text, json: JSON.parse(text) as Record<string, any> };
    }

    const agentWith = (slug: string, server: Record<string, unknown>) => ({
      slug,
      name: slug,
      config: { instructions: 'Help with listings.', mcpServers: [server] },
    });

    beforeAll(async () => {
      const login = await fetch(`${base}/api/admin/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@parley.local', password: 'admin-password-123' }),
      });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      headers = {
        'content-type': 'application/json',
        cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!,
        'x-parley-csrf': csrfToken,
      };
    });

    it('refuses an MCP server URL that reaches an internal address, naming the field', async () => {
      for (const url of ['http://10.1.2.3/mcp', 'http://169.254.169.254/latest']) {
        const refused = await admin('/agents', agentWith('internal', { label: 'x', url }));
        expect(refused.status).toBe(400);
        expect(refused.json.error.issues).toEqual([
          expect.objectContaining({ path: ['config', 'mcpServers', 0, 'url'] }),
        ]);
      }
      expect(await stack.store.agents.get('internal')).toBeUndefined();
    });

    it('refuses a new header without a value, and unknown fields, with clear errors', async () => {
      const noValue = await admin(
        '/agents',
        agentWith('novalue', { label: 'x', url: mcp.url, headers: [{ name: 'Authorization' }] }),
      );
      expect(noValue.status).toBe(400);
      expect(noValue.json.error.issues).toEqual([
        {
          path: ['config', 'mcpServers', 0, 'headers', 0, 'value'],
          message: 'a value for the header "Authorization" (none is saved for it)',
        },
      ]);
      const unknown = await admin(
        '/agents',
        agentWith('unknown', { label: 'x', url: mcp.url, server_url: mcp.url }),
      );
      expect(unknown.status).toBe(400);
      expect(unknown.text).toContain('server_url');
    });

    it('stores header values write-only: masked in every answer, kept when saved back without one', async () => {
      const server = {
        label: 'listings',
        url: mcp.url,
        headers: [{ name: 'Authorization', value: adminSecret }],
      };
      const created = await admin('/agents', agentWith('writeonly', server));
      expect(created.status).toBe(201);
      const detail = await admin('/agents/writeonly');
      expect(detail.text).not.toContain('test-admin-header-value');
      const config = detail.json.versions[0].config;
      expect(config.mcpServers[0].headers).toEqual([{ name: 'Authorization', set: true }]);
      // The editor sends the config back as it got it, with one more header.
      config.mcpServers[0].headers.push({ name: 'X-Tenant', value: 'tenant-42' });
      const saved = await admin('/agents/writeonly/versions', { config });
      expect(saved.status).toBe(201);
      expect(saved.text).not.toContain('test-admin-header-value');
      expect(saved.text).not.toContain('tenant-42');
      const stored = await stack.store.agents.atVersion('writeonly', 2);
      expect(stored?.config.mcpServers[0]!.headers).toEqual([
        { name: 'Authorization', value: adminSecret },
        { name: 'X-Tenant', value: 'tenant-42' },
      ]);
      // A header of a server saved under another label has nothing to keep.
      config.mcpServers[0].label = 'renamed';
      const renamed = await admin('/agents/writeonly/versions', { config });
      expect(renamed.status).toBe(400);
      expect(renamed.json.error.issues).toEqual([
        expect.objectContaining({ path: ['config', 'mcpServers', 0, 'headers', 0, 'value'] }),
      ]);
    });
  });

  it('never sends the secret header to the browser, in any frame', () => {
    expect(browsers.length).toBeGreaterThan(3);
    for (const browser of browsers) {
      expect(browser.raw.length).toBeGreaterThan(0);
      for (const frame of browser.raw) {
        expect(frame).not.toContain('test-mcp-header-value');
        expect(frame).not.toContain(apiKey);
      }
      for (const event of browser.events.filter((e) => e.type.startsWith('session.')))
        for (const tool of event.session.tools ?? []) {
          expect(tool.headers).toBeUndefined();
          expect(tool.authorization).toBeUndefined();
        }
    }
  });
});
