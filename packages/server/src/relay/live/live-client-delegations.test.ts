// GPT-Live client delegations answered by the server: claimed once (also across instances on one
// shared state), superseded and past-deadline delegations, a failing backend and a failing tool
// answered honestly, and answers cut to Live's append limits.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startEmulator } from '@parley/emulator';
import { silentLogger } from '../../logger.js';
import { agentConfigSchema } from '../../schemas.js';
import type { PublishedAgent } from '../../storage/agents-store.js';
import type { ServerTool } from '../../tools/types.js';
import type { ConversationRecorder } from '../conversation-recorder.js';
import { sharedStateBackends } from '../../test-utils/shared-states.js';
import { highlightListing } from '../../../test/live-helpers.js';
import { memorySharedState, type SharedState } from '../../coordination/shared-state.js';
import { APPEND_MAX_CHARS, commentaryChunks } from './live-backend-request.js';
import {
  LiveClientDelegations,
  defaultClientDelegationTimings,
  type ClientDelegationsHost,
} from './live-client-delegations.js';
import type { LiveDelegationHandler } from './live-delegation-handler.js';

type Json = Record<string, unknown>;

const agent = {
  agent: { id: 'agent_1', name: 'Ava' },
  version: 3,
  config: agentConfigSchema.parse({
    instructions: 'You are Ava.',
    api: 'live',
    model: 'gpt-live-1',
    live: { delegation: 'client' },
  }),
} as unknown as PublishedAgent;

/** A recorder that keeps what it is told (the tool runner's calls run at once). */
function fakeRecorder(): ConversationRecorder & { calls: Json[] } {
  const calls: Json[] = [];
  return {
    calls,
    conversationId: 'conv_1',
    afterWrites: <T>(task: () => Promise<T>) => task(),
    item: () => undefined,
    toolCall: (call: Json) => calls.push(call),
  } as unknown as ConversationRecorder & { calls: Json[] };
}

interface Harness {
  delegations: LiveClientDelegations;
  upstream: Json[];
  browser: Json[];
  recorder: ReturnType<typeof fakeRecorder>;
}

function harness(options: {
  shared?: SharedState;
  handler?: LiveDelegationHandler;
  responses?: ClientDelegationsHost['responses'];
  tools?: ServerTool[];
  deadlineMs?: number;
  browserToolMs?: number;
  agent?: PublishedAgent;
}): Harness {
  const upstream: Json[] = [];
  const browser: Json[] = [];
  const recorder = fakeRecorder();
  const delegations = new LiveClientDelegations({
    conversationId: 'conv_1',
    agent: options.agent ?? agent,
    serverTools: new Map((options.tools ?? []).map((tool) => [tool.name, tool])),
    recorder,
    turns: { toolStarted: () => undefined, toolFinished: () => undefined },
    tools: {
      store: {} as never,
      mailer: {} as never,
      agent,
      now: () => new Date(),
      log: silentLogger,
    },
    shared: options.shared ?? memorySharedState(),
    responses: options.responses ?? null,
    handler: options.handler,
    timings: {
      ...defaultClientDelegationTimings,
      settleMs: 10,
      maxSettleMs: 50,
      ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
      ...(options.browserToolMs === undefined ? {} : { browserToolMs: options.browserToolMs }),
    },
    toUpstream: (event) => upstream.push(event),
    toBrowser: (event) => browser.push(event),
    closed: () => false,
  });
  return { delegations, upstream, browser, recorder };
}

function raised(id: string): Json {
  return {
    type: 'session.delegation.created',
    offset_ms: 4600,
    delegation: { id, type: 'delegation', target: 'client' },
  };
}

const commentary = (events: Json[]) =>
  events.filter((event) => event.type === 'session.commentary.append');

describe('client delegations answered by the server', () => {
  for (const backend of sharedStateBackends()) {
    it(`claims each delegation id once, across two instances on one ${backend.name} shared state`, async () => {
      const [first, second] = await backend.open(Date.now);
      try {
        const seen: (string | null)[] = [];
        const handler: LiveDelegationHandler = (request) => {
          seen.push(request.delegationId);
          return Promise.resolve('Staging is healthy.');
        };
        const one = harness({ shared: first, handler });
        const two = harness({ shared: second, handler });
        one.delegations.noteMessage('u1', 'user', 'Is staging healthy?');
        two.delegations.noteMessage('u1', 'user', 'Is staging healthy?');
        // Duplicate delivery on one connection, and the same id seen by another instance.
        one.delegations.onDelegationCreated(raised('item_d1'));
        one.delegations.onDelegationCreated(raised('item_d1'));
        two.delegations.onDelegationCreated(raised('item_d1'));
        await expect.poll(() => commentary([...one.upstream, ...two.upstream]).length).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(seen).toEqual(['item_d1']);
        expect(commentary([...one.upstream, ...two.upstream])).toEqual([
          expect.objectContaining({ delegation_id: 'item_d1', content: 'Staging is healthy.' }),
        ]);
      } finally {
        await backend.cleanup();
      }
    });
  }

  it('gives the handler the role-labelled transcript, sends its progress as thinking, and ignores a Responses delegation', async () => {
    let transcript: unknown;
    const { delegations, upstream } = harness({
      handler: (request) => {
        transcript = request.transcript;
        request.progress('Checking the deployment.');
        return Promise.resolve('Staging is healthy.');
      },
    });
    delegations.noteMessage('a1', 'assistant', 'Hello, how can I help?');
    delegations.noteMessage('u1', 'user', 'Is staging');
    delegations.noteMessage('u1', 'user', 'Is staging healthy?');
    delegations.onDelegationCreated({
      type: 'session.delegation.created',
      delegation: { id: 'item_r', type: 'delegation', target: 'responses', response_id: 'resp_1' },
    });
    delegations.onDelegationCreated(raised('item_d2'));
    await expect.poll(() => commentary(upstream).length).toBe(1);
    expect(transcript).toEqual([
      { role: 'assistant', text: 'Hello, how can I help?' },
      { role: 'user', text: 'Is staging healthy?' },
    ]);
    expect(upstream.map((event) => [event.type, event.delegation_id, event.content])).toEqual([
      ['session.thinking.append', 'item_d2', 'Checking the deployment.'],
      ['session.commentary.append', 'item_d2', 'Staging is healthy.'],
    ]);
  });

  it('drops a superseded delegation (its work aborted, nothing said) and answers the newer one', async () => {
    const aborted: string[] = [];
    const { delegations, upstream } = harness({
      handler: (request) =>
        request.delegationId === 'item_old'
          ? new Promise((resolve) =>
              request.signal.addEventListener('abort', () => {
                aborted.push(request.delegationId!);
                resolve('Old answer.');
              }),
            )
          : Promise.resolve('New answer.'),
    });
    delegations.noteMessage('u1', 'user', 'Book Thursday. No, Friday.');
    delegations.onDelegationCreated(raised('item_old'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    delegations.onDelegationCreated(raised('item_new'));
    await expect.poll(() => commentary(upstream).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(aborted).toEqual(['item_old']);
    expect(commentary(upstream)).toEqual([
      expect.objectContaining({ delegation_id: 'item_new', content: 'New answer.' }),
    ]);
  });

  it('stops a delegation past its deadline and says so honestly', async () => {
    const { delegations, upstream } = harness({
      deadlineMs: 200,
      handler: (request) =>
        new Promise((_resolve, reject) =>
          request.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    });
    delegations.noteMessage('u1', 'user', 'Check everything.');
    delegations.onDelegationCreated(raised('item_slow'));
    await expect.poll(() => commentary(upstream).length).toBe(1);
    expect(commentary(upstream)[0]).toMatchObject({
      delegation_id: 'item_slow',
      content: expect.stringMatching(/could not finish that request in time/),
    });
  });

  it('says honestly when the backend model fails, instead of silence', async () => {
    const failing: Server = createServer((_request, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'The server had an error.' } }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = failing.address() as AddressInfo;
      const { delegations, upstream } = harness({
        responses: { url: `http://127.0.0.1:${port}/v1/responses`, headers: {} },
      });
      delegations.noteMessage('u1', 'user', 'What are your fees?');
      delegations.onDelegationCreated(raised('item_fail'));
      await expect.poll(() => commentary(upstream).length).toBe(1);
      expect(commentary(upstream)[0]!.content).toBe(
        'Sorry, I could not complete that request: the backend model failed (HTTP 500: The server had an error.). Please try again in a moment.',
      );
    } finally {
      await new Promise((resolve) => failing.close(resolve));
    }
  });
});

describe("the server's Responses backend against the emulator", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await emulator.close();
  });
  afterEach(() => undefined);

  it('runs a tool the backend calls; a failing tool gives the backend an honest error and the visitor an answer', async () => {
    const brochure: ServerTool<{ email: string }> = {
      name: 'send_brochure',
      description: 'Email the property brochure.',
      parameters: {
        type: 'object',
        properties: { email: { type: 'string' } },
        required: ['email'],
      },
      args: z.object({ email: z.string() }),
      timeoutMs: 5000,
      execute: () => Promise.reject(new Error('mail server down')),
    };
    const { delegations, upstream, browser, recorder } = harness({
      responses: { url: `${emulator.httpUrl}/v1/responses`, headers: {} },
      tools: [brochure],
    });
    delegations.noteMessage('u1', 'user', 'Please send the brochure to dana@example.com');
    delegations.onDelegationCreated(raised('item_book'));
    await expect.poll(() => commentary(upstream).length, { timeout: 10_000 }).toBe(1);
    // The call ran once, was stored with its error, and the browser's card saw it.
    expect(recorder.calls).toEqual([
      expect.objectContaining({ name: 'send_brochure', outcome: 'error' }),
    ]);
    expect(JSON.parse(recorder.calls[0]!.output as string)).toMatchObject({
      error: { code: 'tool_failed' },
    });
    expect(browser.map((event) => event.type)).toEqual(['response.event', 'parley.tool_output']);
    expect(browser[0]).toMatchObject({
      delegation_id: 'item_book',
      event: {
        type: 'response.output_item.done',
        item: { type: 'function_call', name: 'send_brochure' },
      },
    });
    expect(upstream[0]).toMatchObject({
      type: 'session.thinking.append',
      delegation_id: 'item_book',
    });
    expect(JSON.parse(recorder.calls[0]!.arguments as string)).toEqual({
      email: 'dana@example.com',
    });
    // The backend got the error as the call's output and reported it in words.
    expect(commentary(upstream)[0]!.content).toBe(
      'Sorry, send brochure did not work: the tool failed.',
    );
  });
});

describe("the agent's browser tools under client delegation", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await emulator.close();
  });

  const withBrowserTool = {
    ...agent,
    config: agentConfigSchema.parse({
      ...agent.config,
      clientTools: [highlightListing],
    }),
  };

  function browserHarness(browserToolMs: number): Harness {
    const run = harness({
      agent: withBrowserTool,
      responses: { url: `${emulator.httpUrl}/v1/responses`, headers: {} },
      browserToolMs,
    });
    run.delegations.noteMessage('u1', 'user', 'Please highlight the listing on Elm Street');
    return run;
  }

  it('a browser that does not answer in time: the backend and the card get an honest timeout, stored as an error; a late output is dropped quietly', async () => {
    const { delegations, upstream, browser, recorder } = browserHarness(200);
    delegations.onDelegationCreated(raised('item_hl'));
    await expect.poll(() => commentary(upstream).length, { timeout: 10_000 }).toBe(1);
    const call = browser.find((event) => event.type === 'response.event')!;
    const callId = (call.event as { item: { call_id: string } }).item.call_id;
    expect(call).toMatchObject({
      delegation_id: 'item_hl',
      event: { item: { name: 'highlight_listing', arguments: '{"street":"Elm Street"}' } },
    });
    const timeout = {
      error: { code: 'timeout', message: 'the browser did not answer within 0.2 s' },
    };
    // The card shows the honest result; the call is stored with it.
    const shown = browser.find((event) => event.type === 'parley.tool_output')!;
    expect(JSON.parse(shown.output as string)).toEqual(timeout);
    expect(recorder.calls).toEqual([
      expect.objectContaining({ callId, name: 'highlight_listing', outcome: 'error' }),
    ]);
    expect(JSON.parse(recorder.calls[0]!.output as string)).toEqual(timeout);
    // The backend model was given the error and said so.
    expect(commentary(upstream)[0]!.content).toMatch(/^Sorry, highlight listing did not work/);
    // The browser's output after the time limit is taken (not refused) and changes nothing.
    expect(delegations.browserAnswered(callId, '{"highlighted":true}')).toBe(true);
    expect(delegations.browserAnswered('call_unknown', '{}')).toBe(false);
    expect(recorder.calls).toHaveLength(1);
  });

  it('a browser tool call of a delegation that goes stale is stored as cancelled, and nothing is said', async () => {
    const { delegations, upstream, browser, recorder } = browserHarness(10_000);
    delegations.onDelegationCreated(raised('item_gone'));
    await expect.poll(() => browser.length, { timeout: 10_000 }).toBe(1);
    delegations.finish();
    await expect.poll(() => recorder.calls.length).toBe(1);
    expect(JSON.parse(recorder.calls[0]!.output as string)).toMatchObject({
      error: { code: 'cancelled' },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(commentary(upstream)).toEqual([]);
  });
});

describe('commentary within the size limits', () => {
  it('packs sentences into appends of at most 1,400 characters, at most three, and says when it cut', () => {
    const sentence = 'This sentence is one of many in a long answer. ';
    const chunks = commentaryChunks(sentence.repeat(200));
    expect(chunks).toHaveLength(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(APPEND_MAX_CHARS);
    expect(chunks[2]).toMatch(/\(The answer was longer; the rest was left out\.\)$/);
    expect(commentaryChunks('Short. Answer.')).toEqual(['Short. Answer.']);
  });
});
