// @vitest-environment node
// Experiments in the console, end to end: a real server (in-process, SQLite, the emulator
// upstream) serves the built console, real Chromium starts an experiment from the page, 200
// simulated visitors are split within tolerance of the weights as the page shows them, a
// visitor's relayed conversation is counted on its version, and "Promote" publishes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { Agent, AgentDetail, AgentVersion } from '@parley/server/schemas';
import { adminClient, signIn, startConsole } from './console-stack';
import type { AdminClient, ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let origin = '';
let page: Page;
let admin: AdminClient;

async function grant(agentId: string, visitorId: string) {
  const response = await fetch(`${origin}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId, visitorId }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { url: string; ticket: string };
}

/** Connects with a grant and waits for the relay's session.updated, then hangs up. */
async function connect(session: { url: string; ticket: string }): Promise<void> {
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session.updated within 20 s')), 20_000);
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type !== 'session.updated') return;
      clearTimeout(timer);
      resolve();
    });
  });
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000, 'done');
  });
}

beforeAll(async () => {
  stack = await startConsole({
    name: 'experiments',
    server: { limits: { sessionRequestsPerMinute: 10_000 } },
  });
  ({ origin, page } = stack);
  admin = await adminClient(origin);
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('experiments page', () => {
  it('starts a split, shows it within tolerance of the weights, counts conversations, promotes', async () => {
    const { agents } = await admin.get<{ agents: Agent[] }>('/agents');
    const agent = agents.find((a) => a.publishedVersion !== null)!;
    const detail = await admin.get<AgentDetail>(`/agents/${agent.id}`);
    const baseline = agent.publishedVersion!;
    const current = detail.versions.find((v) => v.version === baseline)!.config;
    const challenger = (
      await admin.send<AgentVersion>('POST', `/agents/${agent.id}/versions`, {
        config: { ...current, voice: current.voice === 'verse' ? 'alloy' : 'verse' },
        note: 'challenger',
      })
    ).version;

    await signIn(page, origin, '/experiments');
    await page.getByRole('heading', { name: 'Experiments' }).waitFor();
    const form = page.getByRole('form', { name: 'New experiment' });
    await form.getByLabel('Agent').selectOption(agent.id);
    await form.getByLabel('Name').fill('Voice test');
    await form.getByLabel('Version 1').selectOption(String(baseline));
    await expect
      .poll(() => form.getByLabel('Version 2').locator('option').count())
      .toBeGreaterThan(2);
    await form.getByLabel('Version 2').selectOption(String(challenger));
    await form.getByLabel('Weight 2').fill('3');
    await form.getByRole('button', { name: 'Start experiment' }).click();
    await page.waitForURL(/#\/experiments\/[^/]+$/);
    await page.getByTestId('experiment-status').filter({ hasText: 'running' }).waitFor();

    // 200 visitors: 75 % ± 16 points is over five standard deviations of Binomial(200, 0.75).
    const n = 200;
    for (let start = 0; start < n; start += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => grant(agent.id, `visitor-${start + i}`)),
      );
    // Two of them connect: their conversations count on the version they were given.
    await connect(await grant(agent.id, 'visitor-0'));
    await connect(await grant(agent.id, 'visitor-1'));

    await page.reload();
    const row = (version: number) => page.locator(`tr[data-version="${version}"]`);
    await row(challenger).waitFor();
    const assigned = async (version: number) =>
      Number(await row(version).getByTestId('assigned').textContent());
    await expect
      .poll(async () => (await assigned(baseline)) + (await assigned(challenger)))
      .toBe(n + 2);
    const share = ((await assigned(challenger)) - 0) / (n + 2);
    expect(Math.abs(share - 0.75)).toBeLessThan(0.16);
    const conversations = async (version: number) =>
      Number(await row(version).getByTestId('conversations').textContent());
    await expect
      .poll(async () => (await conversations(baseline)) + (await conversations(challenger)))
      .toBe(2);
    // Two conversations are far below the minimum sample: the page says so.
    await expect
      .poll(() => row(challenger).locator('[data-verdict="not-enough-data"]').count())
      .toBe(5);

    page.once('dialog', (dialog) => void dialog.accept());
    await row(challenger)
      .getByRole('button', { name: `Promote v${challenger}` })
      .click();
    await page.getByTestId('experiment-status').filter({ hasText: 'ended' }).waitFor();
    const after = await admin.get<AgentDetail>(`/agents/${agent.id}`);
    expect(after.agent.publishedVersion).toBe(challenger);
    await expect.poll(() => page.getByRole('button', { name: /Promote/ }).count()).toBe(0);
  }, 120_000);
});
