// @vitest-environment node
// GPT-Live agents in the built console, in real Chromium against a real server on the emulator:
// the editor switches a Realtime agent to GPT-Live (Live model with its per-second price, Live
// voices, delegation settings), refuses an empty backend model next to the field, saves and
// publishes; the playground holds a Live conversation with a seeded Live template through the
// relay (a delegated tool runs and shows its result); the conversation pages show its cost in
// billed seconds instead of tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signInByApi, startConsole } from './console-stack';
import type { ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let origin = '';
let page: Page;

interface AgentRow {
  id: string;
  slug: string;
}

async function agentId(slug: string): Promise<string> {
  const list = (await (await page.request.get(`${origin}/api/admin/agents`)).json()) as {
    agents: AgentRow[];
  };
  return list.agents.find((agent) => agent.slug === slug)!.id;
}

beforeAll(async () => {
  stack = await startConsole({
    name: 'live',
    silentMicrophoneHz: 16_000,
    viewport: { width: 1280, height: 900 },
  });
  ({ origin, page } = stack);
  await signInByApi(page, origin);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('GPT-Live agents in the console', () => {
  it('switches a Realtime agent to GPT-Live, validates the Live settings and publishes them', async () => {
    const id = await agentId('customer-service');
    await page.goto(`${origin}/admin/#/agents/${id}/voice`);
    const api = page.locator('select[name=api]');
    await api.waitFor();
    expect(await page.getByTestId('live-settings').count()).toBe(0);
    expect(await page.getByTestId('model-price').textContent()).toMatch(/^Per 1M tokens/);

    await api.selectOption('live');
    expect(await page.locator('input[name=model]').inputValue()).toBe('gpt-live-1.1');
    expect(await page.getByTestId('model-price').textContent()).toContain(
      '$0.05 per active minute, $0.02 per standby minute',
    );
    // The voice list is Live's (the 7.60.0 types spell the Japanese voice "shida").
    const voices = await page.locator('select[name=voice] option').allTextContents();
    expect(voices).toContain('shida');
    expect(voices).toContain('meridian');
    const settings = page.getByTestId('live-settings');
    await settings.waitFor();

    // An empty backend model is refused next to the field, and the save is held back.
    await settings.locator('input[name=backendModel]').fill('');
    await settings.getByText('Required').waitFor();
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.getByText('Fix the highlighted fields first.').waitFor();

    await settings.locator('input[name=backendModel]').fill('gpt-5.6-terra');
    await settings.locator('select[name=delegation]').selectOption('client');
    await settings
      .locator('textarea[name=backendInstructions]')
      .fill('Check stock before promising.');
    await settings.locator('input[name=hosted-web_search]').check();
    await page.locator('select[name=voice]').selectOption('cedar');
    await page.getByRole('button', { name: 'Save and publish' }).click();
    await page.getByText(/Version 2 saved and published\./).waitFor();

    const detail = (await (await page.request.get(`${origin}/api/admin/agents/${id}`)).json()) as {
      agent: { publishedVersion: number };
      versions: { version: number; config: Record<string, unknown> }[];
    };
    expect(detail.agent.publishedVersion).toBe(2);
    expect(detail.versions.find((version) => version.version === 2)!.config).toMatchObject({
      api: 'live',
      model: 'gpt-live-1.1',
      voice: 'cedar',
      live: {
        delegation: 'client',
        backendModel: 'gpt-5.6-terra',
        backendInstructions: 'Check stock before promising.',
        hostedTools: ['web_search'],
      },
    });
    // The public grant for the agent now says Live.
    const grant = (await (
      await page.request.post(`${origin}/api/sessions`, { data: { agentId: 'customer-service' } })
    ).json()) as { protocol: string };
    expect(grant.protocol).toBe('live');

    // Turn detection is the model's on GPT-Live: the tab says its settings are not sent.
    await page.goto(`${origin}/admin/#/agents/${id}/turns`);
    await page.getByTestId('live-turns').waitFor();
  }, 120_000);

  it('holds a Live conversation in the playground, runs a delegated tool, and shows the cost in seconds', async () => {
    const id = await agentId('ecommerce-support-live');
    await page.goto(`${origin}/admin/#/playground/${id}`);
    // Through the relay, as this test has always held it (the playground's default is WebRTC).
    await page.getByLabel('Transport').selectOption('websocket');
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 20_000 })
      .toBe('connected');
    // No Interrupt button: GPT-Live's model owns turn-taking.
    expect(await page.getByRole('button', { name: 'Interrupt' }).count()).toBe(0);
    await page.getByLabel('Message').fill('Can you search knowledge base for your return policy?');
    await page.getByRole('button', { name: 'Send' }).click();
    const result = page
      .locator('.transcript li.tool')
      .filter({ hasText: 'search_knowledge_base' })
      .getByTestId('tool-result');
    await result.waitFor({ timeout: 30_000 });
    expect((await result.textContent())!.length).toBeGreaterThan(2);
    await page
      .locator('.transcript li.assistant')
      .filter({ hasText: /\w{3,}/ })
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('playground-billing').textContent()).toBe(
      'per second (GPT-Live)',
    );
    await page.getByRole('cell', { name: 'Active seconds' }).waitFor();
    expect(await page.getByRole('cell', { name: /^Tokens/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.getByRole('button', { name: 'Start conversation' }).waitFor();

    // The conversation pages: billed seconds instead of tokens.
    await page.goto(`${origin}/admin/#/conversations`);
    const row = page
      .locator('tr')
      .filter({ has: page.getByTestId('billed-seconds') })
      .first();
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('link').click();
    await page.getByTestId('conversation-seconds').waitFor();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByTestId('usage-table').waitFor();
          return page.getByTestId('conversation-seconds').textContent();
        },
        { timeout: 20_000 },
      )
      .not.toBe('0.0 s');
    const usage = await page.getByTestId('usage-table').textContent();
    expect(usage).toContain('Active seconds');
    expect(usage).toContain('Standby seconds');
    expect(usage).toContain('$0.05/min active');
    expect(usage).not.toContain('tokens');
    expect(await page.getByText('Tokens in / out').count()).toBe(0);
    const transcript = await page.getByTestId('transcript').textContent();
    expect(transcript).toContain('return policy');
    expect(transcript).toContain('search_knowledge_base');
  }, 120_000);
});
