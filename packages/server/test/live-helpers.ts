// What the GPT-Live relay tests (src/relay/live/live-*.test.ts) share: a browser on a session of
// the `live` agent, silence streamed until something happens, what the agent said, a browser tool,
// and the stored conversation once the relay has finished it.
import { expect } from 'vitest';
import { connectBrowser } from './relay-helpers.js';
import type { Received, RelayStack, TestBrowser } from './relay-helpers.js';

/** 100 ms of 24 kHz PCM16 silence: the browser streams it whenever nobody speaks. */
export const SILENCE = Buffer.alloc(4800).toString('base64');

/** A browser tool of the agent (the page registers it with core's tool API). */
export const highlightListing = {
  name: 'highlight_listing',
  description: 'Highlight a listing on the visitor’s screen.',
  parameters: {
    type: 'object',
    properties: { street: { type: 'string', enum: ['Elm Street', 'Oak Avenue'] } },
    required: ['street'],
  },
};

/** What `POST /api/sessions` grants for the `live` agent. */
export interface LiveGrant {
  url: string;
  ticket: string;
  protocol: string;
  conversationId: string;
  resumeToken: string;
  resumed?: boolean;
}

/** Asks `relay` for a session with the `live` agent (`body` adds to the request, e.g. `resume`). */
export async function grantLive(
  relay: RelayStack,
  body: Record<string, unknown> = {},
): Promise<LiveGrant> {
  const response = await fetch(`${relay.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: 'live', ...body }),
  });
  return (await response.json()) as LiveGrant;
}

/** Connects a browser with `grant`, and resolves once its session has started upstream. */
export async function openLiveBrowser(
  grant: LiveGrant,
): Promise<{ browser: TestBrowser; started: Received }> {
  const browser = await connectBrowser(grant.url, grant.ticket);
  const started = await browser.waitFor((event) => event.type === 'session.started');
  return { browser, started };
}

/** What the agent has said to `client` so far (its output transcript). */
export function said(client: TestBrowser): string {
  return client.events
    .filter((event) => event.type === 'session.output_transcript.delta')
    .map((event) => event.delta as string)
    .join('');
}

/** Streams silence (a frame every 4 ms, at most `maxFrames`) until `done` holds, or throws. */
export async function silenceUntil(
  client: TestBrowser,
  done: () => boolean,
  maxFrames = 800,
): Promise<void> {
  for (let frame = 0; frame < maxFrames && !done(); frame++) {
    client.send({ type: 'session.input_audio.append', audio: SILENCE });
    await new Promise((resolve) => setTimeout(resolve, 4));
  }
  if (!done())
    throw new Error(
      `not reached; said ${said(client)}; got ${client.events.map((e) => e.type).join(', ')}`,
    );
}

/**
 * Closes `client` (when given), waits until the relay has stored the newest conversation with
 * `status`, and returns its detail.
 */
export async function storedConversation(
  relay: RelayStack,
  client: TestBrowser | undefined,
  status = 'completed',
) {
  if (client) {
    client.socket.close();
    await client.closed;
  }
  const [conversation] = await relay.store.conversations.list({ limit: 1 });
  await expect
    .poll(async () => (await relay.store.conversations.get(conversation!.id))?.status)
    .toBe(status);
  return relay.store.conversations.detail(conversation!.id);
}
