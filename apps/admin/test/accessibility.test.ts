// @vitest-environment node
// axe-core on every page of the admin console in real Chromium, in light and dark mode at 1280 and
// 360 px: zero violations, and no page wider than the screen. A real server (in-process, SQLite in
// a temp dir, the emulator upstream) with two recorded conversations (one with a lead, its email and
// a scheduled call), so the pages show data.
import axe from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { accessibilityMatrix, axeViolations, horizontalOverflow } from '../../../scripts/axe.mjs';
import { signInByApi, startConsole } from './console-stack';
import type { ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let origin = '';
let browser: Browser;
let agentId = '';
let conversationId = '';
let toolId = '';

/**
 * One typed turn through the relay, answered by the emulator, so a conversation is recorded. With
 * `untilToolsAnswered`, it waits past the tool calls (a lead, a call) for the reply that follows.
 */
async function converse(text: string, untilToolsAnswered = false): Promise<void> {
  const response = await fetch(`${origin}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId }),
  });
  const session = (await response.json()) as { url: string; ticket: string };
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  await new Promise<void>((resolve, reject) => {
    let toolsCalled = false;
    let greeted = false;
    // The greeting, two tool calls and their follow-ups take about 15 s of paced audio and
    // emulated thinking on a quiet machine: 60 s leaves room for a loaded one.
    const timer = setTimeout(() => reject(new Error('no response.done within 60 s')), 60_000);
    socket.on('error', reject);
    socket.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as {
        type: string;
        response?: { output?: { type: string }[] };
      };
      const say = () =>
        socket.send(
          JSON.stringify({
            type: 'conversation.item.create',
            item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
          }),
        );
      if (event.type === 'session.created' && !untilToolsAnswered) {
        say();
        socket.send(JSON.stringify({ type: 'response.create' }));
      } else if (event.type === 'response.done') {
        if (untilToolsAnswered && !greeted) {
          // The agent (real-estate) greets first; a reply asked for meanwhile would be refused.
          greeted = true;
          say();
          socket.send(JSON.stringify({ type: 'response.create' }));
          return;
        }
        const calledTools = event.response?.output?.some((item) => item.type === 'function_call');
        if (calledTools) toolsCalled = true;
        if (untilToolsAnswered && (!toolsCalled || calledTools)) return;
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
  stack = await startConsole({ name: 'a11y' });
  ({ origin, browser } = stack);
  const agents = (await (await fetch(`${origin}/api/agents`)).json()) as {
    agents: { id: string; slug: string }[];
  };
  agentId = agents.agents.find((agent) => agent.slug === 'real-estate')!.id;
  await converse('What are your opening hours?');
  // A lead (emailed to the outbox) and a scheduled call, so the Leads, Calls and Outbox pages
  // show rows.
  await converse(
    'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm',
    true,
  );
  const page = await browser.newPage();
  await signInByApi(page, origin);
  const listed = (await (await page.request.get(`${origin}/api/admin/conversations`)).json()) as {
    conversations: { id: string }[];
  };
  conversationId = listed.conversations[0]!.id;
  const tools = (await (await page.request.get(`${origin}/api/admin/tools`)).json()) as {
    tools: { id: string }[];
  };
  toolId = tools.tools[0]?.id ?? 'new';
  await page.close();
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** Every page of the console, by hash path. */
function pages(): string[] {
  const agent = `/agents/${agentId}`;
  return [
    '/agents',
    `${agent}/prompt`,
    `${agent}/voice`,
    `${agent}/turns`,
    `${agent}/tools`,
    `${agent}/delivery`,
    `${agent}/versions`,
    '/tools',
    `/tools/${toolId}`,
    '/tools/new',
    '/knowledge',
    '/conversations',
    `/conversations/${conversationId}`,
    '/leads',
    '/calls',
    '/outbox',
    '/analytics',
    `/playground/${agentId}`,
  ];
}

/** Loads a page afresh and waits until its requests have settled. */
async function open(page: Page, path: string, visit: number): Promise<void> {
  // A query that changes forces a full load, so each page starts from its own first render.
  await page.goto(`${origin}/admin/?visit=${visit}#${path}`);
  await page.waitForLoadState('networkidle');
  await page.locator('h1').first().waitFor();
}

async function audit(page: Page, label: string): Promise<string[]> {
  const found = (await axeViolations(page, axe.source)).map((line) => `${label}: ${line}`);
  for (const line of await horizontalOverflow(page)) found.push(`${label}: ${line}`);
  return found;
}

describe('the admin console is accessible', () => {
  for (const { colorScheme, width, height } of accessibilityMatrix) {
    it(`has no axe violation on any page in ${colorScheme} mode at ${width} px`, async () => {
      const context = await browser.newContext({
        colorScheme,
        viewport: { width, height },
        // axe is injected as a script tag; the console's CSP would refuse it.
        bypassCSP: true,
      });
      try {
        const page = await context.newPage();
        const found: string[] = [];
        await open(page, '/sign-in', 0);
        found.push(...(await audit(page, 'sign-in')));
        await signInByApi(page, origin);
        let visit = 1;
        for (const path of pages()) {
          await open(page, path, visit++);
          found.push(...(await audit(page, path)));
        }
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
    }, 240_000);
  }
});
