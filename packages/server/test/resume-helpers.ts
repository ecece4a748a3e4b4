/**
 * What the resume tests share (relay, WebRTC, and across the two): asking for a relay grant or
 * placing a call with a recorded offer, hanging a call up, and a typed turn on either line with
 * the context the model answered it with.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { sessionResponseSchema, webrtcCallResponseSchema } from '../src/schemas.js';
import type { Received, TestBrowser } from './relay-helpers.js';
import { postCall } from './webrtc-browser.js';

/** A browser's SDP offer as Chromium makes one (no media flows: the call is only placed). */
export const fixtureOffer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);

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
