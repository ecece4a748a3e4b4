// A stand-in for the upstream end of a WebRTC call's sideband, on loopback: it accepts the socket,
// notes every event it is sent (with when) and answers through `reply`; `emit` sends server events.
// With the parts a sideband session under test is built from.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { silentLogger } from '../src/logger.js';
import type { AgentConfigInput } from '../src/schemas.js';
import { createStore } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createUpstream } from '../src/upstream.js';
import type { Upstream } from '../src/upstream.js';
import type { SidebandCallOptions } from '../src/webrtc/sideband-lifecycle.js';
import { publishTestAgent } from './relay-helpers.js';
import type { Received } from './relay-helpers.js';

/** See {@link fakeSidebandUpstream}. */
export interface FakeSidebandUpstream {
  /** An upstream whose sideband URLs reach this server. */
  upstream: Upstream;
  received: Array<{ event: Received; at: number }>;
  /** Sends a server event on every open sideband. */
  emit(event: unknown): void;
}

/** Starts the stand-in; `cleanups` gets what stops it. */
export async function fakeSidebandUpstream(
  apiKey: string,
  cleanups: Array<() => unknown>,
  reply: (type: string, send: (event: unknown) => void) => void = () => undefined,
): Promise<FakeSidebandUpstream> {
  const received: Array<{ event: Received; at: number }> = [];
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const sockets: Array<(event: unknown) => void> = [];
  wss.on('connection', (socket) => {
    const send = (event: unknown) => socket.send(JSON.stringify(event));
    sockets.push(send);
    socket.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as Received;
      received.push({ event, at: Date.now() });
      reply(event.type, send);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => http.close(resolve)));
  cleanups.push(() => wss.clients.forEach((socket) => socket.terminate()));
  const { port } = http.address() as AddressInfo;
  const upstream = await createUpstream({
    kind: 'openai',
    apiKey,
    baseUrl: `http://127.0.0.1:${port}/v1`,
  });
  return { upstream, received, emit: (event) => sockets.forEach((send) => send(event)) };
}

/**
 * What a sideband under test needs besides its kind's own options: a store on the first test
 * backend with `config` published as `agent`, a new conversation, and a hang-up that notes when it
 * was called (`hangups`, ms since the epoch).
 */
export async function sidebandCallParts(
  upstream: Upstream,
  config: AgentConfigInput,
  cleanups: Array<() => unknown>,
) {
  const [backend] = testBackends();
  cleanups.push(() => backend!.cleanup());
  const store = createStore(await backend!.open());
  cleanups.push(() => store.close());
  await publishTestAgent(store, 'agent', config);
  const agent = (await store.agents.published('agent'))!;
  const hangups: number[] = [];
  const options: SidebandCallOptions = {
    agent,
    clientId: 'client-1',
    conversationId: randomUUID(),
    reopened: false,
    store,
    upstream,
    log: silentLogger,
    hangup: () => Promise.resolve(void hangups.push(Date.now())),
    onClose: () => undefined,
  };
  return { store, agent, hangups, conversationId: options.conversationId, options };
}
