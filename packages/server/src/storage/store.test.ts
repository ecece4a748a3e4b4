import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../schemas.js';
import { testBackends } from '../test-utils/databases.js';
import { StoreError } from './errors.js';
import { createStore } from './store.js';
import type { Store } from './store.js';

const config = agentConfigSchema.parse({ instructions: 'You are a helpful agent.' });

describe.each(testBackends())('storage on $name', (backend) => {
  let store: Store;
  let clock = new Date('2026-03-10T12:00:00.000Z');

  beforeAll(async () => {
    store = createStore(await backend.open(), { now: () => clock });
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  it('starts from an empty, migrated database', async () => {
    expect(await store.agents.count()).toBe(0);
  });

  it('creates an agent with version 1, publishes, adds versions and rolls back', async () => {
    const agent = await store.agents.create(
      { slug: 'helper', name: 'Helper', description: 'helps', config, publish: true },
      null,
    );
    expect(agent.publishedVersion).toBe(1);
    const v2 = await store.agents.createVersion(
      agent.id,
      { config: { ...config, voice: 'cedar' }, note: 'voice', publish: true },
      null,
    );
    expect(v2.version).toBe(2);
    expect((await store.agents.published('helper'))?.config.voice).toBe('cedar');
    const rolled = await store.agents.rollback(agent.id);
    expect(rolled.publishedVersion).toBe(1);
    expect((await store.agents.published(agent.id))?.config.voice).toBe('marin');
    const detail = await store.agents.detail('helper');
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(detail.publications.map((p) => p.version)).toEqual([1, 2, 1]);
  });

  it('refuses a duplicate slug and unknown versions with typed errors', async () => {
    await expect(
      store.agents.create(
        { slug: 'helper', name: 'x', description: '', config, publish: false },
        null,
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(store.agents.publish('helper', 99)).rejects.toBeInstanceOf(StoreError);
    await expect(store.agents.detail('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lists only published agents publicly', async () => {
    await store.agents.create(
      { slug: 'draft', name: 'Draft', description: '', config, publish: false },
      null,
    );
    const slugs = (await store.agents.listPublic()).map((a) => a.slug);
    expect(slugs).toContain('helper');
    expect(slugs).not.toContain('draft');
    expect(await store.agents.published('draft')).toBeUndefined();
  });

  it('lists each published agent with its kind of turn detection and nothing else of its config', async () => {
    await store.agents.create(
      {
        slug: 'hold-to-talk',
        name: 'Hold to talk',
        description: 'manual turns',
        config: { ...config, instructions: 'Secret persona.', turnDetection: null },
        publish: true,
      },
      null,
    );
    const listed = await store.agents.listPublic();
    const manual = listed.find((agent) => agent.slug === 'hold-to-talk');
    expect(manual).toEqual({
      id: expect.any(String),
      slug: 'hold-to-talk',
      name: 'Hold to talk',
      description: 'manual turns',
      turnDetection: 'manual',
      recordingNotice: null,
      api: 'realtime',
    });
    expect(listed.find((agent) => agent.slug === 'helper')?.turnDetection).toBe('server_vad');
    expect(JSON.stringify(listed)).not.toContain('Secret persona.');
  });

  it('stores webhook tools, keeps the secret when an update omits it', async () => {
    const tool = await store.tools.createTool({
      name: 'lookup_order',
      description: 'd',
      parameters: { type: 'object' },
      kind: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      secret: 'a-very-long-secret-value',
      timeoutMs: 1000,
      maxResponseBytes: 1000,
    });
    const updated = await store.tools.updateTool(tool.id, {
      name: 'lookup_order',
      description: 'changed',
      parameters: { type: 'object' },
      kind: 'webhook',
      url: 'http://127.0.0.1:9/hook2',
      timeoutMs: 2000,
      maxResponseBytes: 1000,
    });
    expect(updated.secret).toBe('a-very-long-secret-value');
    expect(updated.description).toBe('changed');
    expect((await store.tools.toolsByName(['lookup_order'])).length).toBe(1);
  });

  it('finds documents by full-text search, scoped to the agent and shared documents', async () => {
    const helper = await store.agents.get('helper');
    const draft = await store.agents.get('draft');
    await store.knowledge.createDocument({
      agentId: helper!.id,
      title: 'Returns policy',
      content: 'Items can be returned within 30 days of delivery for a full refund.',
    });
    await store.knowledge.createDocument({
      agentId: null,
      title: 'Opening hours',
      content: 'We are open Monday to Friday from 9am to 5pm. Deliveries arrive within 3 days.',
    });
    const other = await store.knowledge.createDocument({
      agentId: draft!.id,
      title: 'Secret refund rules',
      content: 'Refunds for the draft agent only.',
    });
    const hits = await store.knowledge.search('how do I get a refund?', { agentId: helper!.id });
    expect(hits[0]?.title).toBe('Returns policy');
    expect(hits.map((h) => h.documentId)).not.toContain(other.id);
    expect(hits[0]?.snippet).toMatch(/refund/i);
    expect(await store.knowledge.search('"; DROP TABLE documents; --', {})).toEqual([]);
    const updated = await store.knowledge.updateDocument(other.id, {
      agentId: draft!.id,
      title: 'Warranty',
      content: 'Two year warranty on electronics.',
    });
    expect(updated.title).toBe('Warranty');
    expect((await store.knowledge.search('warranty', { agentId: draft!.id }))[0]?.documentId).toBe(
      other.id,
    );
    await store.knowledge.removeDocument(other.id);
    expect(await store.knowledge.search('warranty', {})).toEqual([]);
  });

  it('records a conversation with items, tool calls, responses, a lead, and ends it', async () => {
    const helper = await store.agents.get('helper');
    const id = await store.conversations.start({
      agentId: helper!.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: '127.0.0.1',
    });
    await store.conversations.recordItem(id, {
      itemId: 'item_1',
      type: 'message',
      role: 'user',
      text: null,
      status: 'completed',
    });
    await store.conversations.setItemText(id, 'item_1', 'hello there');
    await store.conversations.recordItem(id, {
      itemId: 'item_2',
      type: 'message',
      role: 'assistant',
      text: 'Hi!',
      status: 'completed',
    });
    await store.conversations.recordItem(id, {
      itemId: 'item_2',
      type: 'message',
      role: 'assistant',
      text: 'Hi! How can I help?',
      status: 'completed',
    });
    await store.conversations.recordToolCall(id, {
      callId: 'call_1',
      name: 'capture_lead',
      arguments: '{}',
      output: '{"ok":true}',
      outcome: 'ok',
      durationMs: 12,
    });
    for (const [responseId, latencyMs] of [
      ['resp_1', 400],
      ['resp_2', 600],
    ] as const) {
      await store.conversations.recordResponse(id, {
        responseId,
        status: 'completed',
        inputTokens: 100,
        outputTokens: 50,
        inputTextTokens: 20,
        inputAudioTokens: 80,
        cachedTokens: 0,
        outputTextTokens: 10,
        outputAudioTokens: 40,
        costUsd: 0.01,
        latencyMs,
      });
    }
    // Per-turn latency (what analytics' percentiles are read from).
    for (const [seq, firstAudioMs] of [
      [1, 400],
      [2, 600],
    ] as const) {
      await store.turns.record(id, { seq, firstAudioMs, toolMs: 0, toolCalls: 0, responses: 1 });
    }
    await store.leads.createLead({
      agentId: helper!.id,
      conversationId: id,
      name: 'Ada',
      email: 'ada@example.com',
      phone: null,
      notes: '',
    });
    clock = new Date(clock.getTime() + 65_000);
    await store.conversations.end(id, { status: 'completed', endReason: 'client_closed' });

    const detail = await store.conversations.detail(id);
    expect(detail.items.map((i) => i.text)).toEqual(['hello there', 'Hi! How can I help?']);
    expect(detail.toolCalls[0]).toMatchObject({
      name: 'capture_lead',
      outcome: 'ok',
      durationMs: 12,
    });
    expect(detail.conversation).toMatchObject({
      status: 'completed',
      durationMs: 65_000,
      inputTokens: 200,
      outputTokens: 100,
      itemCount: 2,
      latencyMsP50: 400,
    });
    expect(detail.conversation.costUsd).toBeCloseTo(0.02);
    const listed = await store.conversations.list({ agentId: helper!.id, limit: 10 });
    expect(listed.map((c) => c.id)).toEqual([id]);
    expect((await store.leads.listLeads({ agentId: helper!.id }))[0]?.name).toBe('Ada');
  });

  it('aggregates analytics per day with rates, latency percentiles and cost', async () => {
    const helper = await store.agents.get('helper');
    clock = new Date('2026-03-11T09:00:00.000Z');
    const failed = await store.conversations.start({
      agentId: helper!.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    clock = new Date('2026-03-11T09:00:30.000Z');
    await store.conversations.end(failed, { status: 'failed', endReason: 'upstream_error' });
    const analytics = await store.analytics.summary({
      agentId: helper!.id,
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(analytics.conversations).toBe(2);
    expect(analytics.conversationsPerDay).toEqual([
      { day: '2026-03-10', count: 1 },
      { day: '2026-03-11', count: 1 },
    ]);
    expect(analytics.completionRate).toBe(0.5);
    expect(analytics.leadCaptureRate).toBe(0.5);
    expect(analytics.averageDurationMs).toBe(47_500);
    // Per-turn percentiles from 2 %-wide buckets: within 1 % of the turns' 400 and 600 ms.
    expect(Math.abs(analytics.latencyMsP50! - 400)).toBeLessThanOrEqual(4);
    expect(Math.abs(analytics.latencyMsP95! - 600)).toBeLessThanOrEqual(6);
    expect(analytics.costPerConversationUsd).toBeCloseTo(0.01);
    expect(analytics.daily).toHaveLength(2);
    expect(analytics.daily?.[0]).toMatchObject({
      day: '2026-03-10',
      conversations: 1,
      latencyMsP50: analytics.latencyMsP50,
      latencyMsP95: analytics.latencyMsP95,
    });
    expect(analytics.daily?.[0]?.costUsd).toBeCloseTo(0.02);
    expect(analytics.daily?.[1]).toEqual({
      day: '2026-03-11',
      conversations: 1,
      latencyMsP50: null,
      latencyMsP95: null,
      costUsd: 0,
    });
  });

  it('reopens a conversation under a chosen id and gives its items back for a replay', async () => {
    const helper = await store.agents.get('helper');
    const id = await store.conversations.start({
      id: 'conv_resume_1',
      agentId: helper!.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    expect(id).toBe('conv_resume_1');
    const items: [string, string, string | null, string | null][] = [
      ['i1', 'message', 'user', 'What does a two-bed cost?'],
      ['i2', 'function_call', null, 'search_knowledge_base({"query":"two-bed"})'],
      ['i3', 'function_call_output', null, '{"results":[]}'],
      ['i4', 'message', 'assistant', 'About 1200 a month.'],
      ['i5', 'message', 'user', null], // speech whose transcript never came
      ['i6', 'function_call', null, 'lookup({"a":1})'], // a client tool still waiting
    ];
    for (const [itemId, type, role, text] of items) {
      await store.conversations.recordItem(id, { itemId, type, role, text, status: 'completed' });
    }
    await store.conversations.recordToolCall(id, {
      callId: 'call_b',
      name: 'lookup',
      arguments: '{"a":1}',
      output: null,
      outcome: 'client',
      durationMs: null,
    });
    await store.conversations.recordToolCall(id, {
      callId: 'call_a',
      name: 'search_knowledge_base',
      arguments: '{"query":"two-bed"}',
      output: '{"results":[]}',
      outcome: 'ok',
      durationMs: 3,
    });
    expect(await store.conversations.replayItems(id)).toEqual([
      { type: 'message', role: 'user', text: 'What does a two-bed cost?' },
      {
        type: 'function_call',
        callId: 'call_a',
        name: 'search_knowledge_base',
        arguments: '{"query":"two-bed"}',
        output: '{"results":[]}',
      },
      { type: 'message', role: 'assistant', text: 'About 1200 a month.' },
      {
        type: 'function_call',
        callId: 'call_b',
        name: 'lookup',
        arguments: '{"a":1}',
        output: null,
      },
    ]);

    await store.conversations.end(id, { status: 'failed', endReason: 'client_error' });
    expect((await store.conversations.detail(id)).conversation.status).toBe('failed');
    expect(await store.conversations.reopen(id)).toBe(true);
    const reopened = (await store.conversations.detail(id)).conversation;
    expect(reopened).toMatchObject({ status: 'active', endReason: null, endedAt: null });
    expect(reopened.itemCount).toBe(6);
    expect(await store.conversations.reopen('conv_missing')).toBe(false);
    expect(await store.conversations.get(id)).toEqual(reopened);
    expect(await store.conversations.get('conv_missing')).toBeUndefined();
  });

  it('pairs each call item with its tool call by call_id, even when two calls read the same', async () => {
    const helper = await store.agents.get('helper');
    const id = await store.conversations.start({
      id: 'conv_call_ids',
      agentId: helper!.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    // The same call twice: `lookup({})` cannot tell them apart, their call ids can.
    for (const [itemId, callId] of [
      ['i1', 'call_second'],
      ['i2', 'call_first'],
    ] as const) {
      await store.conversations.recordItem(id, {
        itemId,
        type: 'function_call',
        callId,
        role: null,
        text: 'lookup({})',
        status: 'completed',
      });
    }
    // A later write without a call id (the completion) keeps the one stored.
    await store.conversations.recordItem(id, {
      itemId: 'i1',
      type: 'function_call',
      role: null,
      text: 'lookup({})',
      status: 'completed',
    });
    for (const [callId, output] of [
      ['call_first', '"first"'],
      ['call_second', '"second"'],
    ] as const) {
      await store.conversations.recordToolCall(id, {
        callId,
        name: 'lookup',
        arguments: '{}',
        output,
        outcome: 'ok',
        durationMs: 1,
      });
    }
    const replay = await store.conversations.replayItems(id);
    expect(
      replay.map((item) => (item.type === 'function_call' ? [item.callId, item.output] : null)),
    ).toEqual([
      ['call_second', '"second"'],
      ['call_first', '"first"'],
    ]);
  });

  it('replays MCP calls and refused MCP approvals in order, by their item ids', async () => {
    const helper = await store.agents.get('helper');
    const id = await store.conversations.start({
      id: 'conv_mcp_replay',
      agentId: helper!.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    const items: [string, string, string | null, string | null][] = [
      ['mcpl_1', 'mcp_list_tools', null, null],
      ['u1', 'message', 'user', 'Hours in Berlin?'],
      ['mcp_1', 'mcp_call', null, 'realty/lookup_opening_hours({"city":"Berlin"})'],
      ['a1', 'message', 'assistant', '9 to 5.'],
      ['mcpr_1', 'mcp_approval_request', null, 'realty/delete_listing({"city":"Paris"})'],
      ['mcp_2', 'mcp_call', null, 'realty/book_viewing({})'], // still running at the drop
    ];
    for (const [itemId, type, role, text] of items)
      await store.conversations.recordItem(id, { itemId, type, role, text, status: 'completed' });
    await store.conversations.recordToolCall(id, {
      callId: 'mcpr_1',
      name: 'mcp:realty/delete_listing',
      arguments: '{"city":"Paris"}',
      output: null,
      outcome: 'denied',
      durationMs: null,
    });
    await store.conversations.recordToolCall(id, {
      callId: 'mcp_1',
      name: 'mcp:realty/lookup_opening_hours',
      arguments: '{"city":"Berlin"}',
      output: '{"hours":"9 to 5"}',
      outcome: 'ok',
      durationMs: 4,
    });
    expect(await store.conversations.replayItems(id)).toEqual([
      { type: 'message', role: 'user', text: 'Hours in Berlin?' },
      {
        type: 'mcp_call',
        serverLabel: 'realty',
        tool: 'lookup_opening_hours',
        arguments: '{"city":"Berlin"}',
        output: '{"hours":"9 to 5"}',
        outcome: 'ok',
      },
      { type: 'message', role: 'assistant', text: '9 to 5.' },
      {
        type: 'mcp_call',
        serverLabel: 'realty',
        tool: 'delete_listing',
        arguments: '{"city":"Paris"}',
        output: null,
        outcome: 'denied',
      },
    ]);
  });

  it('keeps admin sessions until they expire and settings by key', async () => {
    const user = await store.admin.createAdmin('Admin@Example.com', 'hash');
    expect((await store.admin.findAdminByEmail('admin@example.com'))?.id).toBe(user.id);
    await store.admin.createSession({
      tokenHash: 'h1',
      userId: user.id,
      csrfToken: 'c',
      expiresAt: new Date(clock.getTime() + 1000).toISOString(),
    });
    expect((await store.admin.findSession('h1'))?.email).toBe('admin@example.com');
    clock = new Date(clock.getTime() + 2000);
    expect(await store.admin.findSession('h1')).toBeUndefined();
    await store.admin.setSetting('k', 'v1');
    await store.admin.setSetting('k', 'v2');
    expect(await store.admin.getSetting('k')).toBe('v2');
    await store.admin.deleteSetting('k');
    expect(await store.admin.getSetting('k')).toBeUndefined();
  });
});
