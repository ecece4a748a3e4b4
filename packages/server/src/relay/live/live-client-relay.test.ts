// GPT-Live client delegation end to end: the relay against the emulator's Live endpoint and its
// Responses route. The user's spoken words raise a `session.delegation.created`; the relay claims
// it, runs the agent's tool through its own Responses request, stores the call, and appends the
// result as commentary, which the emulated voice speaks. Also with the embedding app's handler.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import {
  grantLive,
  highlightListing,
  openLiveBrowser,
  said,
  silenceUntil,
  storedConversation,
} from '../../../test/live-helpers.js';
import { speechFrames, startLiveStack } from '../../../test/relay-helpers.js';
import type { RelayStack, TestBrowser } from '../../../test/relay-helpers.js';
import { testBackends } from '../../test-utils/databases.js';
import type { LiveDelegationHandler } from './live-delegation-handler.js';

const backend = testBackends()[0]!;
const apiKey = 'test-upstream-credential-live-client';
/** Silence frames (4 ms apart) a step may take: a spoken delegation runs a backend request. */
const FRAMES = 1500;
const WORDS = 'Please capture a lead: my name is Dana Smith and my email is dana@example.com';

let stack: RelayStack | undefined;
let browser: TestBrowser | undefined;
let sideband: WebSocket | undefined;

afterEach(async () => {
  sideband?.terminate();
  browser?.socket.terminate();
  browser = sideband = undefined;
  await stack?.close();
  stack = undefined;
  await backend.cleanup();
});

async function clientStack(
  handler?: LiveDelegationHandler,
  config: { clientTools?: (typeof highlightListing)[] } = {},
): Promise<RelayStack> {
  stack = await startLiveStack({
    apiKey,
    database: await backend.open(),
    config: { tools: ['capture_lead'], live: { delegation: 'client' }, ...config },
    server: {
      limits: { sessionRequestsPerMinute: 1000 },
      ...(handler ? { liveDelegationHandler: handler } : {}),
    },
  });
  return stack;
}

/** Opens the browser, and a sideband straight to the emulated session to script the user's words. */
async function open(relay: RelayStack, words: string): Promise<TestBrowser> {
  const { browser: client, started } = await openLiveBrowser(await grantLive(relay));
  browser = client;
  expect(started.session.delegation).toEqual({ type: 'client' });
  const side = new WebSocket(`${relay.emulator.liveUrl}/${started.session.id as string}/attach`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  sideband = side;
  await new Promise((resolve, reject) => {
    side.once('open', resolve);
    side.once('error', reject);
  });
  side.send(JSON.stringify({ type: 'emulator.transcript', text: words }));
  return client;
}

/** Speaks (a tone the emulator's VAD hears), then streams silence until `done` holds. */
async function speakThenWait(client: TestBrowser, done: () => boolean): Promise<void> {
  for (const audio of speechFrames(900, 0))
    client.send({ type: 'session.input_audio.append', audio });
  await silenceUntil(client, done, FRAMES);
}

describe('GPT-Live client delegation with the server as backend', () => {
  it('claims the spoken delegation, runs the tool through its own Responses request, stores it, and the result is spoken', async () => {
    const relay = await clientStack();
    const client = await open(relay, WORDS);
    await speakThenWait(client, () =>
      client.events.some((event) => event.type === 'session.commentary.appended'),
    );
    await silenceUntil(client, () => /saved/i.test(said(client)), FRAMES);
    const delegations = client.events.filter(
      (event) => event.type === 'session.delegation.created',
    );
    expect(delegations).toHaveLength(1);
    const id = delegations[0]!.delegation.id as string;
    // The browser's tool card: the call (mirrored with the delegation id) and its output.
    const calls = client.events.filter((event) => event.type === 'response.event');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      delegation_id: id,
      event: { item: { type: 'function_call', name: 'capture_lead' } },
    });
    const output = client.events.find((event) => event.type === 'parley.tool_output')!;
    expect(JSON.parse(output.output as string)).toMatchObject({ saved: true });
    // Progress and the result were accepted upstream; no upstream error.
    expect(client.events.filter((event) => event.type === 'error')).toEqual([]);
    expect(
      client.events.filter((event) => event.type === 'session.thinking.appended'),
    ).toHaveLength(1);
    const detail = await storedConversation(relay, browser);
    expect(detail.toolCalls).toEqual([
      expect.objectContaining({ name: 'capture_lead', outcome: 'ok' }),
    ]);
    const leads = await relay.store.leads.listLeads({ limit: 5 });
    expect(leads.map((lead) => lead.email)).toEqual(['dana@example.com']);
    const texts = detail.items
      .filter((item) => item.type === 'message')
      .map((item) => [item.role, item.text]);
    expect(texts[0]).toEqual(['user', WORDS]);
    expect(texts.some(([role, text]) => role === 'assistant' && /saved/i.test(text ?? ''))).toBe(
      true,
    );
  });

  it("answers with the embedding app's handler, whose tool call is stored like any other", async () => {
    const requests: unknown[] = [];
    const relay = await clientStack(async (request) => {
      requests.push({ id: request.delegationId, transcript: request.transcript });
      request.progress('Saving the contact details.');
      const output = await request.runTool('capture_lead', {
        name: 'Dana Smith',
        email: 'dana@example.com',
      });
      return JSON.parse(output).saved === true
        ? 'Your details are saved, Dana. Someone will email you today.'
        : 'I could not save your details.';
    });
    const client = await open(relay, WORDS);
    await speakThenWait(client, () => said(client).includes('Someone will email you today.'));
    const id = client.events.find((event) => event.type === 'session.delegation.created')!
      .delegation.id as string;
    expect(requests).toEqual([
      { id, transcript: expect.arrayContaining([{ role: 'user', text: WORDS }]) },
    ]);
    const detail = await storedConversation(relay, browser);
    expect(detail.toolCalls).toEqual([
      expect.objectContaining({ name: 'capture_lead', outcome: 'ok' }),
    ]);
  });

  it("offers the agent's browser tools to its backend: the browser runs the call, its output goes back to the backend and is stored", async () => {
    const relay = await clientStack(undefined, { clientTools: [highlightListing] });
    const client = await open(relay, 'Please highlight the listing on Elm Street for me');
    let answered = false;
    await speakThenWait(client, () => {
      const call = client.events.find((event) => event.type === 'response.event');
      if (call && !answered) {
        answered = true;
        // What core sends once the page's tool ran (validated against its own schema).
        client.send({
          type: 'response.item.create',
          event_id: 'out1',
          item: {
            type: 'function_call_output',
            call_id: call.event.item.call_id,
            output: '{"highlighted":true}',
          },
        });
      }
      return client.events.some((event) => event.type === 'session.commentary.appended');
    });
    const call = client.events.find((event) => event.type === 'response.event')!;
    const id = client.events.find((event) => event.type === 'session.delegation.created')!
      .delegation.id as string;
    expect(call).toMatchObject({
      delegation_id: id,
      event: { item: { type: 'function_call', name: 'highlight_listing', status: 'completed' } },
    });
    // Arguments from the visitor's words, by the emulated backend's deterministic rules.
    expect(JSON.parse(call.event.item.arguments as string)).toEqual({ street: 'Elm Street' });
    // The browser made its own card's result: no relay output, no error, and nothing forwarded
    // upstream for it (the emulator would have refused a function_call_output under client delegation).
    expect(client.events.filter((event) => event.type === 'parley.tool_output')).toEqual([]);
    expect(client.events.filter((event) => event.type === 'error')).toEqual([]);
    await silenceUntil(client, () => /highlight/i.test(said(client)), FRAMES);
    const detail = await storedConversation(relay, browser);
    expect(detail.toolCalls).toEqual([
      expect.objectContaining({
        name: 'highlight_listing',
        outcome: 'client',
        output: '{"highlighted":true}',
      }),
    ]);
    expect(detail.items.filter((item) => item.type === 'function_call')).toEqual([
      expect.objectContaining({
        itemId: `call_${call.event.item.call_id as string}`,
        text: 'highlight_listing({"street":"Elm Street"})',
      }),
    ]);
  });
});
