// @vitest-environment node
// The playground's two transports, in the built console, real Chromium and a real server on the
// emulator: WebRTC by default (the call placed through the admin playground calls route, the reply
// heard as media and its transcript shown), the relay when chosen, the relay with the reason when
// the version needs it (relay_required), and typed text on a GPT-Live call over WebRTC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { adminClient, signInByApi, startConsole, waitForPlaygroundReply } from './console-stack';
import type { AdminClient, ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let origin = '';
let page: Page;
let admin: AdminClient;
let agentId = '';

interface AgentDetail {
  agent: { id: string; slug: string; publishedVersion: number | null; latestVersion: number };
  versions: { version: number; config: Record<string, unknown> }[];
}

beforeAll(async () => {
  stack = await startConsole({ name: 'playground-transport', silentMicrophoneHz: 48_000 });
  ({ origin, page } = stack);
  await signInByApi(page, origin);
  admin = await adminClient(origin);
  const { agents } = await admin.get<{ agents: { id: string; slug: string }[] }>('/agents');
  agentId = agents.find((agent) => agent.slug === 'customer-service')!.id;
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

const cell = (label: string) => page.locator('tr').filter({ hasText: label }).locator('td').nth(1);

/** Starts a conversation on the open playground, asks one typed question and waits for the reply. */
async function converse(question: string): Promise<void> {
  await page.getByRole('button', { name: 'Start conversation' }).click();
  await expect
    .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 20_000 })
    .toBe('connected');
  await page.getByLabel('Message').fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('.transcript li.user').filter({ hasText: question }).waitFor();
  await waitForPlaygroundReply(page, 20_000);
  // The reply was heard: the time to its first audio played is measured.
  await expect
    .poll(() => cell('Last turn: first audio heard').textContent(), { timeout: 20_000 })
    .toMatch(/\d/);
}

async function end(): Promise<void> {
  await page.getByRole('button', { name: 'End conversation' }).click();
  await expect
    .poll(() => page.getByTestId('playground-status').textContent())
    .not.toBe('connected');
}

describe('the playground transports', () => {
  it('talks over WebRTC by default: the call goes through the playground calls route, the reply is heard and shown', async () => {
    const offers: string[] = [];
    const watch = (request: Request) => {
      if (request.method() === 'POST' && request.url().includes('/playground'))
        offers.push(new URL(request.url()).pathname);
    };
    page.on('request', watch);
    await page.goto(`${origin}/admin/#/playground/${agentId}`);
    expect(await page.getByLabel('Transport').inputValue()).toBe('webrtc');
    await converse('Do you have parking?');
    expect(await page.getByTestId('playground-transport').textContent()).toBe('WebRTC');
    page.off('request', watch);
    // The offer went to the playground's calls route; no relay ticket was asked for.
    expect(offers).toEqual([`/api/admin/agents/${agentId}/playground/calls`]);
    await end();
  });

  it('talks over the relay when WebSocket is chosen', async () => {
    await page.goto(`${origin}/admin/#/playground/${agentId}`);
    await page.getByLabel('Transport').selectOption('websocket');
    await converse('What are your opening hours?');
    expect(await page.getByTestId('playground-transport').textContent()).toBe('WebSocket (relay)');
    await end();
  });

  it('falls back to the relay for a version that requires it, and says why', async () => {
    const detail = await admin.get<AgentDetail>(`/agents/${agentId}`);
    const latest = detail.versions.find((v) => v.version === detail.agent.latestVersion)!;
    const draft = await admin.send<{ version: number }>('POST', `/agents/${agentId}/versions`, {
      config: { ...latest.config, requireRelay: true },
      note: 'relay only',
      publish: false,
    });
    await page.goto(`${origin}/admin/#/playground/${agentId}?version=${draft.version}`);
    // The choice stays while the page does: back to WebRTC.
    expect(await page.getByLabel('Transport').inputValue()).toBe('websocket');
    await page.getByLabel('Transport').selectOption('webrtc');
    await converse('Do you have parking?');
    expect(await page.getByTestId('playground-transport').textContent()).toBe(
      'WebSocket (relay); fell back from WebRTC: this agent takes conversations through the relay only; the playground talks to this version through the relay',
    );
    await end();
  });

  it('talks to a GPT-Live version over WebRTC, typed text too: the answer is shown', async () => {
    const { agents } = await admin.get<{ agents: { id: string; slug: string }[] }>('/agents');
    const live = agents.find((agent) => agent.slug === 'ecommerce-support-live')!.id;
    await page.goto(`${origin}/admin/#/playground/${live}`);
    await page.getByLabel('Transport').selectOption('webrtc');
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await expect
      .poll(() => page.getByTestId('playground-status').textContent(), { timeout: 20_000 })
      .toBe('connected');
    expect(await page.getByTestId('playground-transport').textContent()).toBe('WebRTC');
    // The channel may only mute and unmute: the text goes to the server, which sends it upstream.
    const question = 'Where is my order A1234?';
    await page.getByLabel('Message').fill(question);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.transcript li.user').filter({ hasText: question }).waitFor();
    // The answer: what the agent says after the typed turn (not the greeting before it), as heard.
    const answer = () =>
      page
        .locator('.transcript li.user', { hasText: question })
        .locator('~ li.assistant')
        .evaluateAll((items) =>
          items
            .map((item) => item.textContent.replace(item.querySelector('.who')!.textContent, ''))
            .join(' ')
            .trim(),
        );
    await expect.poll(async () => (await answer()).length, { timeout: 15_000 }).toBeGreaterThan(10);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('playground-status').textContent()).toBe('connected');
    await end();
  });
});
