// @vitest-environment node
// The offline demo converses, for every seeded template: a visitor whose microphone hears silence types
// one sentence into the demo and gets a lead (on the admin's Leads page, its notification in the
// Outbox) and a scheduled call (on the Calls page); the real-estate agent also analyses a typed
// deal with the typed figures. One server on the emulator (no API key), the built demo at / and
// the built admin at /admin, real Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { createParleyServer } from '@parley/server';
import { chromiumArgs, requireChromium } from '../../../scripts/chromium.mjs';
import { ensureDemoBuilt } from './demo-build.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const adminDist = join(appDir, '../admin/dist');
const STEP_TIMEOUT = 30_000;
const email = 'admin@example.com';
const password = 'correct horse battery staple';
const dana =
  'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm';

interface PublicAgent {
  id: string;
  slug: string;
  name: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-templates-'));
let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
let parley: Awaited<ReturnType<typeof createParleyServer>> | undefined;
let browser: Browser | undefined;
let origin = '';
/** Every published agent, and the Realtime ones this test converses with. */
let published: PublicAgent[] = [];
let agents: PublicAgent[] = [];

beforeAll(async () => {
  ensureDemoBuilt(appDir);
  if (!existsSync(join(adminDist, 'index.html'))) {
    throw new Error('apps/admin/dist is missing: pnpm --filter @parley/admin build');
  }
  // Speech paced faster than real time: the test waits for tool results, not for the audio.
  emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speechRate: 4,
    speechEngine: 'generated',
  });
  parley = await createParleyServer({
    env: {},
    database: { dataDir },
    upstream: { kind: 'emulator', url: emulator.url },
    admin: { email, password },
    staticDirs: { demo: join(appDir, 'dist'), admin: adminDist },
    limits: { sessionRequestsPerMinute: 1000 },
    logger: { info() {}, warn() {}, error: (...args) => console.error(...args) },
  });
  const listening = await parley.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${listening.port}`;
  published = ((await (await fetch(`${origin}/api/agents`)).json()) as { agents: PublicAgent[] })
    .agents;
  // The GPT-Live agents hold their conversations in test/e2e-live.test.ts.
  agents = published.filter((agent) => !agent.slug.endsWith('-live'));
  // The fake microphone plays silence (its default beep would be speech to the emulator's voice
  // activity detection, which would cut every reply): the visitor's turns are the typed ones.
  const silence = join(dataDir, 'silence.wav');
  execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', silence, 'trim', '0', '20']);
  browser = await playwright.chromium.launch({
    executablePath: requireChromium(),
    args: chromiumArgs({ audioFile: silence }),
    headless: true,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await parley?.close().catch(() => undefined);
  await emulator?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Types `text`, sends it, and waits until the tool cards named in `tools` say Done. */
async function typeAndAwaitTools(page: Page, text: string, tools: string[]): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  for (const tool of tools) {
    const card = page.getByRole('article', { name: `Tool call ${tool}` }).last();
    try {
      await card.locator('.badge--completed').waitFor({ timeout: STEP_TIMEOUT });
    } catch (error) {
      const transcript = await page
        .getByRole('log')
        .first()
        .innerText()
        .catch(() => '');
      throw new Error(`${tool} did not complete; transcript:\n${transcript}`, { cause: error });
    }
  }
}

/** The JSON in a tool card's Result. */
async function toolResult(page: Page, tool: string): Promise<Record<string, unknown>> {
  const card = page.getByRole('article', { name: `Tool call ${tool}` }).last();
  const result = card
    .locator('dt', { hasText: 'Result' })
    .locator('xpath=following-sibling::dd[1]');
  return JSON.parse((await result.textContent()) ?? '{}') as Record<string, unknown>;
}

describe('the offline demo, typed, for every template', () => {
  it('seeds the five templates, and two of them again as GPT-Live agents', () => {
    expect(published.map((agent) => agent.slug).sort()).toEqual([
      'customer-service',
      'ecommerce-support',
      'ecommerce-support-live',
      'financial-services',
      'healthcare-front-desk',
      'real-estate',
      'real-estate-live',
    ]);
  });

  it('captures a lead and schedules a call with each agent (and analyses a deal with real-estate)', async () => {
    const context = await browser!.newContext({ permissions: ['microphone'] });
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      for (const agent of agents) {
        await page.goto(origin);
        await page.getByLabel('Agent').selectOption(agent.id);
        const pill = page.locator('.status-pill');
        const idle = await pill.boundingBox();
        await page.getByRole('button', { name: 'Start conversation' }).click();
        await page.locator('[data-status="connected"]').waitFor({ timeout: STEP_TIMEOUT });
        // The status pill stays where it was (it used to jump under the agent's name once live).
        const live = await pill.boundingBox();
        expect([live?.x, live?.y], agent.slug).toEqual([idle?.x, idle?.y]);
        await typeAndAwaitTools(page, dana, ['schedule_call', 'capture_lead']);
        expect(await toolResult(page, 'capture_lead'), agent.slug).toMatchObject({ saved: true });
        expect(await toolResult(page, 'schedule_call'), agent.slug).toMatchObject({
          scheduled: true,
        });
        if (agent.slug === 'real-estate') {
          await typeAndAwaitTools(
            page,
            'a property priced 400 thousand dollars with rent of 3000 a month',
            ['analyze_property_deal'],
          );
          // 400,000 at 20 % down and 7 % over 30 years, 3,000 rent less 5 % vacancy, no expenses.
          expect(await toolResult(page, 'analyze_property_deal')).toMatchObject({
            capRatePercent: 8.55,
            cashOnCashReturnPercent: 10.82,
          });
        }
        await page.getByRole('button', { name: 'End conversation' }).click();
        await page.getByRole('button', { name: 'Start conversation' }).waitFor();
      }
      expect(pageErrors).toEqual([]);

      // The admin shows what the five conversations produced.
      await page.goto(`${origin}/admin/#/leads`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.waitForURL(/#\/leads$/);
      const leads = page.locator('tr').filter({ hasText: 'Dana Smith' });
      await expect.poll(() => leads.count(), { timeout: STEP_TIMEOUT }).toBe(agents.length);
      for (const row of await leads.all()) await row.getByText('in outbox').waitFor();
      await page.goto(`${origin}/admin/#/calls`);
      const calls = page
        .locator('tr')
        .filter({ hasText: 'Dana Smith' })
        .filter({ hasText: 'dana@example.com' });
      await expect.poll(() => calls.count(), { timeout: STEP_TIMEOUT }).toBe(agents.length);
      await page.goto(`${origin}/admin/#/outbox`);
      for (const agent of agents) {
        await page
          .locator('tr')
          .filter({ hasText: `New lead from ${agent.name}: Dana Smith` })
          .first()
          .waitFor({ timeout: STEP_TIMEOUT });
      }
    } finally {
      await context.close();
    }
  }, 240_000);
});
