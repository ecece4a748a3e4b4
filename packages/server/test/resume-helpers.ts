/**
 * What the resume tests share (relay, WebRTC, and across the two): their stack (the emulator, a
 * server with a resume window on a clock the test moves, and the `concierge` and `other` agents),
 * asking for a relay grant or placing a call with a recorded offer, hanging a call up, and a typed
 * turn on either line with the context the model answered it with.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import type { AgentConfigInput } from '../src/schemas.js';
import { sessionResponseSchema, webrtcCallResponseSchema } from '../src/schemas.js';
import type { ParleyServerOptions } from '../src/server.js';
import type { Store } from '../src/storage/store.js';
import type { TestBackend } from '../src/test-utils/databases.js';
import {
  connectBrowser,
  notUnderstood,
  publishTestAgent,
  startRelayStack,
} from './relay-helpers.js';
import type { Received, RelayStack, TestBrowser } from './relay-helpers.js';
import { callAgent, postCall } from './webrtc-browser.js';
import type { WebRtcBrowser } from './webrtc-browser.js';

/** A browser's SDP offer as Chromium makes one (no media flows: the call is only placed). */
export const fixtureOffer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);

/** What the resume tests say: `opening` and `rent` before the drop, `parking` after it. */
export const script = {
  opening: 'My name is Ada and I am looking for a two-bedroom flat near the river.',
  rent: 'What is the rent usually?',
  parking: 'And is there parking?',
} as const;

/** The stored transcript of a conversation that followed {@link script}: each line answered. */
export const scriptTranscript = [script.opening, script.rent, script.parking].flatMap((text) => [
  ['user', text],
  ['assistant', notUnderstood(text)],
]);

/** The answer to `POST /api/calls`. */
export type CallAnswer = ReturnType<typeof webrtcCallResponseSchema.parse>;
/** A relay grant of `POST /api/sessions`. */
export type RelayGrant = Extract<ReturnType<typeof sessionResponseSchema.parse>, { mode: 'relay' }>;

/** `POST /api/sessions` with `body`: a relay grant (anything else fails the test). */
export async function relayGrant(base: string, body: Record<string, unknown>): Promise<RelayGrant> {
  const response = await fetch(`${base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const parsed = sessionResponseSchema.parse(await response.json());
  if (parsed.mode !== 'relay') throw new Error('expected relay mode');
  return parsed;
}

/** Places a call with {@link fixtureOffer} and `body`; its answer (anything else fails the test). */
export async function placeCall(base: string, body: Record<string, unknown>): Promise<CallAnswer> {
  const response = await postCall(base, { sdp: fixtureOffer, ...body });
  expect(response.status).toBe(201);
  return webrtcCallResponseSchema.parse(await response.json());
}

/** The browser hangs its call up with the token it was answered with. */
export async function hangUpCall(base: string, answer: CallAnswer): Promise<void> {
  const response = await fetch(`${base}/api/calls/${answer.callId}/hangup`, {
    method: 'POST',
    body: JSON.stringify({ token: answer.resumeToken }),
  });
  expect(response.status).toBe(200);
}

/** Anything a test talks to the agent through: a relay socket or a call's data channel. */
export interface Line {
  events: Received[];
  send(event: Record<string, unknown>): void;
  waitFor(predicate: (event: Received) => boolean): Promise<Received>;
}

/** Types `text` on `line` and asks for a response; resolves with its `response.done`. */
export async function say(line: Line, text: string): Promise<Received> {
  const done = () => line.events.filter((event) => event.type === 'response.done');
  const before = done().length;
  line.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });
  line.send({ type: 'response.create' });
  await line.waitFor(() => done().length > before);
  return done()[before]!;
}

/** How much text the model had in its context for a response (`response.done`). */
export const contextOf = (done: Received): number =>
  done.response.usage.input_token_details.text_tokens as number;

/**
 * Starts a relayed conversation with `agentId` and says one thing on it, then resumes it while
 * the relay still holds the first socket (the browser's side of it died unnoticed): the stale
 * socket is ended (1000) before the resumed one answers. `connect` opens a grant's socket.
 */
export async function resumeOverStaleSocket(
  base: string,
  agentId: string,
  connect: (grant: RelayGrant) => Promise<TestBrowser>,
): Promise<{ first: RelayGrant; resumed: TestBrowser }> {
  const first = await relayGrant(base, { agentId });
  const stale = await connect(first);
  await say(stale, 'Remember the number 42.');
  const again = await relayGrant(base, {
    agentId,
    resume: { conversationId: first.conversationId, token: first.resumeToken },
  });
  expect(again.resumed).toBe(true);
  const resumed = await connect(again);
  expect((await stale.closed).code).toBe(1000);
  await say(resumed, 'What was the number?');
  return { first, resumed };
}

/** The call's answer, as the browser was given it. */
export const answerOf = (browser: WebRtcBrowser): CallAnswer =>
  webrtcCallResponseSchema.parse(JSON.parse(browser.responseText));

/** What {@link useResumeStack} started: read it inside tests (it throws before `beforeAll`). */
export interface ResumeStack {
  readonly stack: RelayStack;
  readonly store: Store;
  /** The server's base URL. */
  readonly base: string;
  /** The `concierge` agent's id. */
  readonly conciergeId: string;
  /** Moves the server's clock by `ms` (the resume window is a minute). */
  advance(ms: number): void;
  /** `POST /api/sessions` with `body`: a relay grant. */
  grant(body: Record<string, unknown>): Promise<RelayGrant>;
  /** Opens a grant's relay socket (terminated after the file) once its session is configured. */
  connect(grant: RelayGrant): Promise<TestBrowser>;
  /** Calls `agentId` with a real peer (closed after the file); `extra` adds to the request. */
  call(agentId: string, extra?: Record<string, unknown>): Promise<WebRtcBrowser>;
  /** Places a call with the recorded offer and `body` (no media flows). */
  place(body: Record<string, unknown>): Promise<CallAnswer>;
  /** Hangs a call up with its answer's token. */
  hangUp(answer: CallAnswer): Promise<void>;
  /** Waits until the conversation is no longer active. */
  ended(conversationId: string): Promise<void>;
}

/**
 * Registers the `beforeAll`/`afterAll` of a resume test suite on `backend`: the emulator requiring
 * `apiKey`, a server with `maxSessionsPerClient`, 1,000 session requests a minute, a 60 s resume
 * window and a clock the test moves ({@link ResumeStack.advance}), `server` on top, and the
 * published agents `concierge` (text only, no transcription, `concierge` on top) and `other`, then
 * whatever `seed` publishes.
 */
export function useResumeStack(
  backend: TestBackend,
  options: {
    apiKey: string;
    maxSessionsPerClient: number;
    concierge?: Partial<AgentConfigInput>;
    seed?: (store: Store) => Promise<unknown>;
    server?: Partial<Omit<ParleyServerOptions, 'store' | 'upstream' | 'limits' | 'now'>>;
  },
): ResumeStack {
  let stack: RelayStack | undefined;
  let conciergeId: string | undefined;
  let clock = Date.now();
  const sockets: TestBrowser[] = [];
  const calls: WebRtcBrowser[] = [];
  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey: options.apiKey,
      database: await backend.open(),
      speechEngine: 'generated',
      seed: async (store) => {
        ({ id: conciergeId } = await publishTestAgent(store, 'concierge', {
          instructions: 'Help.',
          transcriptionModel: null,
          outputModality: 'text',
          ...options.concierge,
        }));
        await publishTestAgent(store, 'other', { instructions: 'Other.' });
        await options.seed?.(store);
      },
      server: {
        ...options.server,
        limits: {
          maxSessionsPerClient: options.maxSessionsPerClient,
          sessionRequestsPerMinute: 1000,
          resumeWindowMs: 60_000,
        },
        now: () => new Date(clock),
      },
    });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    await Promise.all(calls.map((call) => call.close()));
    await stack?.close();
    await backend.cleanup();
  });
  const started = (): RelayStack => {
    if (!stack) throw new Error('the resume stack is not started yet');
    return stack;
  };
  return {
    get stack() {
      return started();
    },
    get store() {
      return started().store;
    },
    get base() {
      return started().url;
    },
    get conciergeId() {
      started();
      return conciergeId!;
    },
    advance(ms) {
      clock += ms;
    },
    grant: (body) => relayGrant(started().url, body),
    async connect(grant) {
      const socket = await connectBrowser(grant.url, grant.ticket);
      sockets.push(socket);
      await socket.waitFor((event) => event.type === 'session.updated');
      return socket;
    },
    async call(agentId, extra = {}) {
      const browser = await callAgent(started().url, agentId, extra);
      calls.push(browser);
      return browser;
    },
    place: (body) => placeCall(started().url, body),
    hangUp: (answer) => hangUpCall(started().url, answer),
    async ended(conversationId) {
      await expect
        .poll(async () => (await started().store.conversations.get(conversationId))?.status, {
          timeout: 5000,
        })
        .not.toBe('active');
    },
  };
}
