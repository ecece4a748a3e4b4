// @vitest-environment node
// Creating an agent for a new business in the built console, in real Chromium against a real
// server: duplicate a seeded template, the tools its prompt names switched on, version 1 published
// from the editor, the agent's time zone set on the Delivery tab, a "Live v1" badge on one line,
// and the playground showing its tool calls' arguments and results without overflowing at 360 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { signInByApi, startConsole } from './console-stack';
import type { ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let origin = '';
let page: Page;

beforeAll(async () => {
  stack = await startConsole({
    name: 'new-agent',
    silentMicrophoneHz: 16_000,
    viewport: { width: 1280, height: 900 },
  });
  ({ origin, page } = stack);
  await signInByApi(page, origin);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('a new agent in the console', () => {
  it('duplicates a template, enables the tools its prompt names, publishes v1 from the editor and sets its time zone', async () => {
    await page.goto(`${origin}/admin/#/agents`);
    // The Realtime template's row ("real-estate · …"), not its GPT-Live twin ("real-estate-live").
    const template = page.locator('tr').filter({ hasText: 'real-estate ·' });
    // The live badge stays on one line.
    const badge = template.locator('.badge.success');
    expect(await badge.evaluate((element) => getComputedStyle(element).whiteSpace)).toBe('nowrap');
    const templateName = (await template.locator('strong').textContent())!;
    await template.getByRole('button', { name: `Duplicate ${templateName}` }).click();

    const form = page.getByRole('form', { name: 'New agent' });
    await expect
      .poll(() => form.locator('input[name=name]').inputValue())
      .toBe(`${templateName} (copy)`);
    expect(await form.locator('input[name=slug]').inputValue()).toBe('real-estate-copy');
    const prompt = form.locator('textarea[name=instructions]');
    await prompt.fill(
      `${await prompt.inputValue()}\nUse end_conversation when the visitor says goodbye.`,
    );
    await form.getByTestId('named-tools').getByText('end_conversation').waitFor();
    await form.getByRole('button', { name: 'Create agent' }).click();

    await page.waitForURL(/#\/agents\/[^/]+/);
    const agentId = /#\/agents\/([^/]+)/.exec(page.url())![1]!;
    await page.getByText('Not published').waitFor();
    // Straight from creation, no reload: the editor publishes the version it just loaded.
    await page.getByRole('button', { name: 'Publish v1' }).click();
    await page.getByTestId('live-version').filter({ hasText: 'Live: v1' }).waitFor();

    await page.goto(`${origin}/admin/#/agents/${agentId}/delivery`);
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Version 2 saved as a draft.').waitFor();

    const detail = (await (
      await page.request.get(`${origin}/api/admin/agents/${agentId}`)
    ).json()) as {
      agent: { publishedVersion: number };
      versions: { version: number; config: { tools: string[]; timeZone: string | null } }[];
    };
    expect(detail.agent.publishedVersion).toBe(1);
    const first = detail.versions.find((version) => version.version === 1)!.config;
    const second = detail.versions.find((version) => version.version === 2)!.config;
    // The template's tools, copied, plus the one the added sentence names.
    expect(first.tools).toEqual(
      expect.arrayContaining(['analyze_property_deal', 'end_conversation']),
    );
    expect(second.timeZone).toBe('Europe/Paris');

    // The playground shows each tool call's arguments and result, wrapped to the column.
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${origin}/admin/#/playground/${agentId}`);
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 20_000 })
      .toBe('connected');
    await page
      .getByLabel('Message')
      .fill(
        'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm',
      );
    await page.getByRole('button', { name: 'Send' }).click();
    const result = page
      .locator('.transcript li.tool')
      .filter({ hasText: 'capture_lead' })
      .getByTestId('tool-result');
    await result.waitFor({ timeout: 30_000 });
    expect(JSON.parse((await result.textContent())!)).toMatchObject({ saved: true });
    const overflowing = await page
      .locator('.transcript li.tool')
      .evaluateAll((items) =>
        items
          .filter((item) => item.scrollWidth > item.clientWidth + 1)
          .map((item) => item.textContent),
      );
    expect(overflowing).toEqual([]);
    await page.getByRole('button', { name: 'End conversation' }).click();
  }, 180_000);
});
