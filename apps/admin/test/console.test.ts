// @vitest-environment node
// End to end: a real Parley server (in-process, port 0, SQLite in a temp dir, the emulator
// upstream) serves the built console at /admin, and real Chromium drives it. Screenshots of each
// page land in apps/admin/test-results/ (CI keeps them as artifacts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { LATENCY_DEFINITION } from '@parley/core';
import type { ParleyServer } from '@parley/server';
import {
  email,
  password,
  screenshots,
  startConsole,
  waitForPlaygroundReply,
} from './console-stack';
import type { ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let parley: ParleyServer | undefined;
let origin = '';
let page: Page;

async function shot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Talks to an agent through the relay like a browser would: one typed turn, answered by the emulator. */
async function converse(agentId: string, text: string): Promise<void> {
  const response = await fetch(`${origin}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId }),
  });
  expect(response.status).toBe(200);
  const session = (await response.json()) as { mode: string; url: string; ticket: string };
  expect(session.mode).toBe('relay');
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no response.done within 20 s')), 20_000);
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { type: string };
      if (event.type === 'session.created' || event.type === 'session.updated') {
        if (event.type === 'session.created') {
          socket.send(
            JSON.stringify({
              type: 'conversation.item.create',
              item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
            }),
          );
          socket.send(JSON.stringify({ type: 'response.create' }));
        }
      } else if (event.type === 'response.done') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000, 'done');
  });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  // Signing in is the first test's subject: the form, a wrong password, then the right one.
  stack = await startConsole({ name: 'e2e', silentMicrophoneHz: 48_000 });
  ({ parley, origin, page } = stack);
});

afterAll(async () => {
  await stack?.close();
});

describe('admin console against a real server', () => {
  let agentId = '';
  let publishedBefore = 0;

  it('sends an unauthenticated visit to sign-in and back after signing in', async () => {
    await page.goto(`${origin}/admin/#/conversations`);
    await page.waitForURL(/#\/sign-in\?redirect=%2Fconversations/);
    await shot('01-sign-in');

    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('button[type=submit]');
    await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();

    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForURL(/#\/conversations$/);
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  });

  it('lists the agents', async () => {
    await page.goto(`${origin}/admin/#/agents`);
    const firstAgent = page.locator('tbody tr a').first();
    await firstAgent.waitFor();
    await shot('02-agents');
    const link = await firstAgent.getAttribute('href');
    agentId = link!.replace('#/agents/', '');
    expect(agentId).not.toBe('');
  });

  it('validates the new agent form with the server schema and creates the agent', async () => {
    await page.goto(`${origin}/admin/#/agents`);
    await page.getByRole('button', { name: 'New agent' }).click();
    const form = page.getByRole('form', { name: 'New agent' });
    await form.locator('input[name=slug]').fill('Not A Slug!');
    await form.getByRole('button', { name: 'Create agent' }).click();
    await form.getByText('lowercase letters, digits and "-", 1 to 63 characters').waitFor();
    expect(await form.locator('[aria-invalid=true]').count()).toBeGreaterThanOrEqual(3);
    await shot('02-agent-new-errors');

    await form.locator('input[name=name]').fill('Support desk');
    await form.locator('input[name=slug]').fill('support-desk');
    await form.locator('textarea[name=instructions]').fill('You answer questions about orders.');
    await form.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'Support desk' }).waitFor();
    expect(await page.getByText('Not published').count()).toBe(1);
  });

  it('edits the prompt, warns past 500 words, and publishes a new version', async () => {
    await page.goto(`${origin}/admin/#/agents/${agentId}/prompt`);
    const live = page.getByTestId('live-version');
    await live.waitFor();
    publishedBefore = Number((await live.textContent())!.replace(/\D/g, ''));

    const prompt = page.locator('textarea[name=instructions]');
    await prompt.fill('You are Ava. '.concat('Answer briefly and warmly. '.repeat(130)));
    await page.getByText(/This prompt is over 500 words/).waitFor();
    await prompt.fill(
      'You are Ava, the front desk of a small clinic. Answer in two sentences at most.',
    );
    await expect.poll(() => page.getByTestId('word-count').textContent()).toBe('16 words');
    await expect.poll(() => page.getByText(/This prompt is over 500 words/).count()).toBe(0);
    await page.fill('input[name=note]', 'Shorter persona');
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.getByText(/saved and published/).waitFor();
    await expect
      .poll(async () => Number((await live.textContent())!.replace(/\D/g, '')))
      .toBeGreaterThan(publishedBefore);
    await shot('03-agent-prompt');
  });

  it('shows the diff between versions and rolls back', async () => {
    await page.goto(`${origin}/admin/#/agents/${agentId}/versions`);
    await page.getByRole('heading', { name: 'Compare' }).waitFor();
    await expect.poll(() => page.locator('.diff .added').count()).toBeGreaterThan(0);
    await page.locator('.diff .added').first().scrollIntoViewIfNeeded();
    await shot('04-agent-versions');

    await page.getByRole('button', { name: `Roll back to v${publishedBefore}` }).click();
    await page.getByText(new RegExp(`Rolled back: version ${publishedBefore} is live`)).waitFor();
    expect(await page.getByTestId('live-version').textContent()).toBe(`Live: v${publishedBefore}`);
  });

  it('previews the voice (the request carries the CSRF header like every other admin call)', async () => {
    await page.goto(`${origin}/admin/#/agents/${agentId}/voice`);
    const answer = page.waitForResponse((response) =>
      response.url().endsWith('/api/admin/voice-preview'),
    );
    await page.getByRole('button', { name: /^▶ Preview / }).click();
    expect((await answer).status()).toBe(200);
    expect(await page.locator('.preview .form-error').count()).toBe(0);
  });

  it('sets the reasoning effort and parallel tool calls per agent, stored in the published version', async () => {
    await page.goto(`${origin}/admin/#/agents/${agentId}/voice`);
    await page.locator('select[name=reasoningEffort]').selectOption('high');
    await page.locator('select[name=parallelToolCalls]').selectOption('off');
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.getByText(/saved and published/).waitFor();
    const detail = (await page.evaluate(async (id) => {
      const response = await fetch(`/api/admin/agents/${id}`);
      return (await response.json()) as unknown;
    }, agentId)) as { versions: Array<{ config: Record<string, unknown> }> };
    const newest = detail.versions.reduce((a, b) =>
      Number((b as { version?: number }).version) > Number((a as { version?: number }).version)
        ? b
        : a,
    );
    expect(newest.config).toMatchObject({ reasoningEffort: 'high', parallelToolCalls: false });
  });

  it('checks client tool declarations as they are typed and explains turn detection', async () => {
    await page.goto(`${origin}/admin/#/agents/${agentId}/tools`);
    const declarations = page.locator('textarea[name=clientTools]');
    await declarations.fill('[{"name": "open listing", "parameters": {"type": "object"}}]');
    await page.getByRole('alert').filter({ hasText: 'letters, digits' }).waitFor();
    await declarations.fill(
      '[{"name": "open_listing", "description": "Shows a listing", "parameters": {"type": "object", "properties": {"id": {"type": "string"}}}}]',
    );
    await page.getByText('1 client tool declared.').waitFor();
    await shot('05-agent-tools');

    await page.goto(`${origin}/admin/#/agents/${agentId}/turns`);
    await page.getByText('Silence duration (ms)').waitFor();
    await page.getByText(/How long the visitor must be silent/).waitFor();
    await shot('06-agent-turn-detection');
    await page.getByRole('button', { name: 'Discard' }).click();
  });

  it('refuses an invalid tool schema, then creates a valid webhook tool', async () => {
    await page.goto(`${origin}/admin/#/tools/new`);
    const parameters = page.locator('textarea[name=parameters]');
    await parameters.waitFor();
    await page.fill('input[name=name]', 'lookup_order');
    await page.fill('textarea[name=description]', 'Looks up an order by its number.');
    await page.fill('input[name=url]', 'https://hooks.example.com/orders');
    await parameters.fill(
      '{"type": "object", "properties": {"orderId": {"type": "strng"}}, "required": ["orderId"]}',
    );
    await page
      .getByTestId('schema-status')
      .getByRole('alert')
      .filter({ hasText: 'not a JSON Schema type' })
      .waitFor();
    await page.getByRole('button', { name: 'Create tool' }).click();
    await page.getByText('The parameters are not a valid JSON Schema.').waitFor();
    await shot('07-tool-invalid');

    await parameters.fill(
      '{"type": "object", "properties": {"orderId": {"type": "string"}}, "required": ["orderId"]}',
    );
    await page.getByText('Valid schema').waitFor();
    await page.fill('input[name=secret]', 'a-signing-secret-of-32-characters!');
    await page.getByRole('button', { name: 'Create tool' }).click();
    await page.getByText('Tool "lookup_order" saved.').waitFor();
    await page.waitForURL(/#\/tools\/(?!new)/);
    await shot('08-tool-saved');

    await page.goto(`${origin}/admin/#/tools`);
    await page.getByRole('link', { name: 'lookup_order' }).waitFor();
    await shot('09-tools');
  });

  it('test-runs capture_lead dry from the tools page, storing no lead', async () => {
    await page.goto(`${origin}/admin/#/tools`);
    await page.getByText('Try capture_lead').click();
    const sample = page.getByRole('textbox', { name: 'Sample arguments for capture_lead' });
    // Invalid JSON is caught as it is typed, before anything is sent.
    await sample.fill('{"name": ');
    await page
      .getByRole('alert')
      .filter({ hasText: /JSON|line/ })
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'Run capture_lead' }).isDisabled()).toBe(true);
    await sample.fill('{"name": "Grace Hopper", "email": "grace@example.com"}');
    await page.getByRole('button', { name: 'Run capture_lead' }).click();
    await page.getByRole('status').filter({ hasText: 'Succeeded' }).waitFor();
    await page.getByText('"dryRun": true').waitFor();
    await shot('09b-builtin-dry-run');
    await page.goto(`${origin}/admin/#/leads`);
    await page.getByRole('heading', { name: 'Leads' }).waitFor();
    expect(await page.getByText('Grace Hopper').count()).toBe(0);
  });

  it('shows a conversation made through the relay with its transcript and cost', async () => {
    await converse(agentId, 'What are your opening hours?');
    await page.goto(`${origin}/admin/#/conversations`);
    const row = page.getByTestId('conversation-row').first();
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page.getByTestId('conversation-row').count();
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await shot('10-conversations');
    // One definition of latency, the demo's words too (core's LATENCY_DEFINITION).
    expect(await page.getByTestId('latency-definition').textContent()).toBe(LATENCY_DEFINITION);

    await row.locator('a').click();
    const transcript = page.getByTestId('transcript');
    await transcript.getByText('What are your opening hours?').waitFor();
    expect(await transcript.locator('li.assistant').count()).toBeGreaterThan(0);
    const cost = await page.getByTestId('conversation-cost').textContent();
    expect(cost).toMatch(/^\$\d+\.\d+/);
    expect(await page.getByTestId('latency-definition').textContent()).toBe(LATENCY_DEFINITION);
    await shot('11-conversation-detail');
  });

  it('draws the analytics charts', async () => {
    await page.goto(`${origin}/admin/#/analytics`);
    await expect.poll(() => page.getByTestId('stat-conversations').textContent()).not.toBe('0');
    // Conversations, rates, latency to first audio, cost, time in tools.
    await expect.poll(() => page.locator('canvas').count()).toBe(5);
    const drawn = await page.locator('canvas').evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const element = canvas as HTMLCanvasElement;
        const pixels = element
          .getContext('2d')!
          .getImageData(0, 0, element.width, element.height).data;
        let painted = 0;
        for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) painted += 1;
        return element.width > 0 && painted > 100;
      }),
    );
    expect(drawn).toEqual([true, true, true, true, true]);
    expect(await page.getByTestId('latency-definition').textContent()).toBe(LATENCY_DEFINITION);
    await shot('12-analytics');
  });

  it('shows knowledge, leads and the playground', async () => {
    await page.goto(`${origin}/admin/#/knowledge`);
    await page.fill('input[name=title]', 'Opening hours');
    await page.fill(
      'textarea[name=content]',
      'The clinic is open Monday to Friday from 8am to 6pm.',
    );
    await page.getByRole('button', { name: 'Add document' }).click();
    await page.getByText('"Opening hours" added').waitFor();
    await page.fill('input[type=search]', 'Monday');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('.hits li').first().waitFor();
    await shot('13-knowledge');

    await page.goto(`${origin}/admin/#/leads`);
    await page.getByRole('heading', { name: 'Leads' }).waitFor();
    await shot('14-leads');

    await page.goto(`${origin}/admin/#/playground/${agentId}`);
    await page.getByTestId('playground-status').waitFor();
    await shot('15-playground');
  });

  it('talks to an unpublished version in the playground through the Svelte binding, and records it', async () => {
    const before = (await (await page.request.get(`${origin}/api/admin/conversations`)).json()) as {
      conversations: unknown[];
    };
    // After the rollback, the version saved above is the latest but not the live one.
    const draft = publishedBefore + 1;
    await page.goto(`${origin}/admin/#/playground/${agentId}?version=${draft}`);
    await page.getByRole('cell', { name: new RegExp(`v${draft}$`) }).waitFor();
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 15_000 })
      .toBe('connected');
    await page.getByLabel('Message').fill('Do you have parking?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.transcript li.user').filter({ hasText: 'Do you have parking?' }).waitFor();
    await waitForPlaygroundReply(page);
    await expect
      .poll(() => page.getByTestId('playground-cost').textContent(), { timeout: 15_000 })
      .toMatch(/^\$/);
    await shot('16-playground-conversation');
    await page.getByRole('button', { name: 'End conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent())
      .not.toBe('connected');
    await expect
      .poll(
        async () =>
          (
            (await (await page.request.get(`${origin}/api/admin/conversations`)).json()) as {
              conversations: unknown[];
            }
          ).conversations.length,
        { timeout: 10_000 },
      )
      .toBe(before.conversations.length + 1);
    const after = (await (await page.request.get(`${origin}/api/admin/conversations`)).json()) as {
      conversations: { agentVersion: number | null }[];
    };
    expect(after.conversations[0]?.agentVersion).toBe(draft);
  });

  it('offline, a typed request in the playground captures a lead (emailed to the outbox) and books a call', async () => {
    const agents = (await (await page.request.get(`${origin}/api/admin/agents`)).json()) as {
      agents: { id: string; slug: string }[];
    };
    const clinic = agents.agents.find((agent) => agent.slug === 'healthcare-front-desk')!;
    await page.goto(`${origin}/admin/#/playground/${clinic.id}`);
    // The server runs the emulator: the playground says so, and how to connect a real model.
    await page
      .getByRole('complementary', { name: 'Offline emulator' })
      .getByText('OPENAI_API_KEY')
      .waitFor();
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 15_000 })
      .toBe('connected');
    await page
      .getByLabel('Message')
      .fill(
        'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm',
      );
    await page.getByRole('button', { name: 'Send' }).click();
    // Two tool calls, each in a response that first speaks the default model's preamble (about
    // 2 s of speech paced in real time), then the answer: allow for both preambles under load.
    await page
      .locator('.transcript li.assistant')
      .filter({ hasText: 'Capture lead: saved is yes' })
      .waitFor({ timeout: 45_000 });
    await page.getByRole('button', { name: 'End conversation' }).click();

    await page.goto(`${origin}/admin/#/leads`);
    const lead = page.locator('tr').filter({ hasText: 'Dana Smith' });
    await lead.getByText('in outbox').waitFor();
    await page.goto(`${origin}/admin/#/calls`);
    await page
      .locator('tr')
      .filter({ hasText: 'Dana Smith' })
      .getByRole('cell', { name: 'dana@example.com', exact: true })
      .waitFor();
    await page.goto(`${origin}/admin/#/outbox`);
    await page
      .locator('tr')
      .filter({ hasText: 'New lead from Maya — clinic front desk: Dana Smith' })
      .getByText('team@example.com')
      .waitFor();
    await shot('17-outbox');
  }, 90_000);

  it('attaches an MCP server with a write-only header, refusing an internal URL first', async () => {
    const headerValue = 'Bearer e2e-mcp-header-value';
    await page.goto(`${origin}/admin/#/agents/${agentId}/tools`);
    const card = page.getByTestId('mcp-servers');
    await card.getByRole('button', { name: 'Add MCP server' }).click();
    const server = card.locator('fieldset.mcp-server');
    await server.locator('input[type=url]').fill('http://10.0.0.7/mcp');
    await server.locator('select').selectOption('always');
    await server.getByLabel('Approved tools').fill('book_viewing');
    await server.getByLabel('Approved tools').press('Tab');
    await server.getByRole('button', { name: 'Add header' }).click();
    await server.getByLabel('Header name').fill('Authorization');
    // A header without a value is flagged before anything is sent.
    await server.getByRole('alert').filter({ hasText: 'Enter a value' }).waitFor();
    await server.locator('input[type=password]').fill(headerValue);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await server.getByRole('alert').filter({ hasText: 'not allowed' }).waitFor();
    await server.locator('input[type=url]').fill('https://mcp.example.com/mcp');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText(/saved as a draft/).waitFor();
    await shot('05b-agent-mcp-servers');
    // After saving, the value is never shown again, in the page or in the API's answers.
    await page.reload();
    await page.getByTestId('mcp-servers').locator('fieldset.mcp-server').waitFor();
    const password = page.getByTestId('mcp-servers').locator('input[type=password]');
    expect(await password.inputValue()).toBe('');
    expect(await password.getAttribute('placeholder')).toContain('saved');
    expect(await page.content()).not.toContain('e2e-mcp-header-value');
    const detailText = await page.evaluate(
      async (id) => (await fetch(`/api/admin/agents/${id}`)).text(),
      agentId,
    );
    expect(detailText).not.toContain('e2e-mcp-header-value');
    const detail = JSON.parse(detailText) as {
      versions: Array<{ version: number; config: { mcpServers: unknown[] } }>;
    };
    const newest = detail.versions.reduce((a, b) => (b.version > a.version ? b : a));
    expect(newest.config.mcpServers).toEqual([
      expect.objectContaining({
        label: 'mcp',
        url: 'https://mcp.example.com/mcp',
        requireApproval: 'always',
        approvedTools: ['book_viewing'],
        headers: [{ name: 'Authorization', set: true }],
      }),
    ]);
    // Saving again without typing the value keeps it (the server would refuse a header without one).
    await page.getByTestId('mcp-servers').getByLabel('Description').fill('Listings');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText(/saved as a draft/).waitFor();
    // Removed again, so the agent is as the other tests left it.
    await page.getByRole('button', { name: 'Remove server mcp' }).click();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText(/saved as a draft/).waitFor();
  });

  it('shows stored MCP calls on the conversation page: server, tool, outcome, a refusal as denied', async () => {
    const store = parley!.store;
    const conversationId = await store.conversations.start({
      agentId,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime-2.1',
      clientId: null,
    });
    await store.conversations.recordToolCall(conversationId, {
      callId: 'mcp_1',
      name: 'mcp:listings/lookup_opening_hours',
      arguments: '{"city":"Berlin"}',
      output: '{"hours":"9 to 5"}',
      outcome: 'ok',
      durationMs: 42,
    });
    await store.conversations.recordToolCall(conversationId, {
      callId: 'mcpr_2',
      name: 'mcp:listings/delete_listing',
      arguments: '{"city":"Paris"}',
      output: null,
      outcome: 'denied',
      durationMs: null,
    });
    await store.conversations.end(conversationId, {
      status: 'completed',
      endReason: 'client_closed',
    });
    await page.goto(`${origin}/admin/#/conversations/${conversationId}`);
    const tools = page.getByTestId('transcript').locator('li.tool');
    await tools.first().waitFor();
    const heads = (await tools.locator('.who').allTextContents()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    );
    expect(heads).toEqual([
      'MCP listings tool lookup_opening_hours ok 42 ms',
      'MCP listings tool delete_listing denied by policy —',
    ]);
    expect(await tools.nth(1).locator('.badge').getAttribute('class')).toContain('warning');
    await shot('11b-conversation-mcp-calls');
  });

  it('signs out and sends the next visit back to sign-in', async () => {
    await page.goto(`${origin}/admin/#/agents`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/#\/sign-in/);
    await page.goto(`${origin}/admin/#/leads`);
    await page.waitForURL(/#\/sign-in\?redirect=%2Fleads/);
    await page.locator('input[name=email]').waitFor();
    await shot('17-signed-out');
    const me = await page.evaluate(async () => (await fetch('/api/admin/me')).status);
    expect(me).toBe(401);
  });
});
