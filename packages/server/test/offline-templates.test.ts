/**
 * The offline demo converses: every seeded template, relayed to the emulator with no API key,
 * greets with its configured greeting, turns one typed sentence into a lead and a scheduled
 * call, and (the real-estate agent) analyses a deal with the typed figures.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentTemplates, seedTemplates } from '../src/templates.js';
import { analyzePropertyDeal } from '../src/tools/builtin-tools.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { connectBrowser, isAnswerDone, startRelayStack } from './relay-helpers.js';
import type { RelayStack, TestBrowser } from './relay-helpers.js';

const apiKey = 'fake-key-offline-templates-000000000000';
/** Sunday 6 December 2026, 13:05 in New York. */
const now = new Date('2026-12-06T18:05:00Z');
const dana =
  'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm';

describe.each(testBackends())('the offline templates on $name', (backend) => {
  let stack: RelayStack | undefined;
  let store: Store;
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: async (seeded) => {
        await seedTemplates(seeded);
        // The templates as seeded, booking in New York time so the expected instant is fixed.
        for (const agent of await seeded.agents.list()) {
          const detail = await seeded.agents.detail(agent.id);
          const config = detail.versions.find((version) => version.version === 1)!.config;
          await seeded.agents.createVersion(
            agent.id,
            { config: { ...config, timeZone: 'America/New_York' }, note: '', publish: true },
            null,
          );
        }
      },
      server: { now: () => now, limits: { sessionRequestsPerMinute: 1000 } },
    });
    store = stack.store;
  });

  afterEach(async () => {
    // At most three conversations per visitor: each test hangs up its own.
    for (const browser of browsers.splice(0)) {
      browser.socket.close();
      await browser.closed;
    }
  });

  afterAll(async () => {
    await stack?.close();
    await backend.cleanup();
  });

  async function open(slug: string): Promise<{ browser: TestBrowser; conversationId: string }> {
    const response = await fetch(`${stack!.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: slug }),
    });
    const grant = (await response.json()) as {
      url: string;
      ticket: string;
      conversationId: string;
    };
    const browser = await connectBrowser(grant.url, grant.ticket);
    browsers.push(browser);
    await browser.waitFor((event) => event.type === 'session.updated');
    return { browser, conversationId: grant.conversationId };
  }

  function say(browser: TestBrowser, text: string): void {
    browser.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    });
    browser.send({ type: 'response.create' });
  }

  /**
   * The transcript of the `index`-th completed answer (a response of messages only: a response
   * that calls a tool, with its preamble, does not count).
   */
  async function spoken(browser: TestBrowser, index: number): Promise<string> {
    await browser.waitFor(
      (event) => isAnswerDone(event) && browser.events.filter(isAnswerDone).length > index,
      20_000,
    );
    const message = browser.events.filter(isAnswerDone)[index]!.response.output[0];
    return (message.content as { transcript?: string; text?: string }[])
      .map((part) => part.transcript ?? part.text ?? '')
      .join('');
  }

  it.each(agentTemplates.map((template) => [template.slug, template] as const))(
    '%s greets as configured, captures a lead and schedules a call from typed text',
    async (slug, template) => {
      const { browser, conversationId } = await open(slug);
      let replies = 0;
      if (template.config.greeting) {
        expect(await spoken(browser, replies++)).toBe(template.config.greeting);
      }
      say(browser, dana);
      const answer = await spoken(browser, replies++);
      expect(answer).toContain(
        'Schedule call: scheduled is yes, starts at is Monday, December 7 at 3:00 PM.',
      );
      expect(answer).toContain('Capture lead: saved is yes');
      const agent = await store.agents.published(slug);
      const leads = await store.leads.listLeads({ agentId: agent!.agent.id });
      expect(leads.map((lead) => [lead.name, lead.email, lead.conversationId])).toEqual([
        ['Dana Smith', 'dana@example.com', conversationId],
      ]);
      // No SMTP_URL here: the notification email is in the local outbox, and the lead says sent.
      expect(leads[0]!.notified).toBe(true);
      const emails = (await store.outbox.list()).filter((email) =>
        email.subject.includes(template.name),
      );
      expect(
        emails.map((email) => [email.to, email.subject, email.body.includes('dana@example.com')]),
      ).toEqual([['team@example.com', `New lead from ${template.name}: Dana Smith`, true]]);
      const calls = await store.leads.listScheduledCalls({ agentId: agent!.agent.id });
      expect(calls.map((call) => [call.name, call.contact, call.startsAt])).toEqual([
        ['Dana Smith', 'dana@example.com', '2026-12-07T20:00:00.000Z'],
      ]);
      const detail = await store.conversations.detail(conversationId);
      expect(detail.toolCalls.map((call) => [call.name, call.outcome])).toEqual([
        ['schedule_call', 'ok'],
        ['capture_lead', 'ok'],
      ]);
    },
  );

  it('real-estate analyses a typed deal with the typed price and rent', async () => {
    const { browser, conversationId } = await open('real-estate');
    await spoken(browser, 0);
    say(browser, 'a property priced 400 thousand dollars with rent of 3000 a month');
    const answer = await spoken(browser, 1);
    const expected = analyzePropertyDeal({ purchasePrice: 400_000, monthlyRent: 3000 });
    const detail = await store.conversations.detail(conversationId);
    const call = detail.toolCalls.find((entry) => entry.name === 'analyze_property_deal')!;
    expect(JSON.parse(call.arguments)).toEqual({ purchasePrice: 400_000, monthlyRent: 3000 });
    expect(JSON.parse(call.output!)).toEqual(expected);
    // 400,000 at 20 % down and 7 % over 30 years, 3,000 rent less 5 % vacancy, no expenses.
    expect(expected).toMatchObject({ capRatePercent: 8.55, cashOnCashReturnPercent: 10.82 });
    expect(answer).toContain('cap rate percent is 8.55');
    expect(answer).toContain('cash on cash return percent is 10.82');
  });
});
