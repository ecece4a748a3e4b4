/** A scripted browser for relay tests: a ws client that records every frame it receives. */
import WebSocket from 'ws';
import { startEmulator } from '@parley/emulator';
import { silentLogger } from '../src/logger.js';
import { agentConfigSchema } from '../src/schemas.js';
import type { AgentConfigInput } from '../src/schemas.js';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer, ParleyServerOptions } from '../src/server.js';
import { createStore } from '../src/storage/store.js';
import type { Store } from '../src/storage/store.js';
import type { Database } from '../src/storage/database.js';

/** One received event (parsed JSON). */
export type Received = Record<string, any> & { type: string };

/** A test client connected to the relay. */
export interface TestBrowser {
  socket: WebSocket;
  events: Received[];
  raw: string[];
  protocol: string;
  send(event: Record<string, unknown>): void;
  waitFor(predicate: (event: Received) => boolean, timeoutMs?: number): Promise<Received>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a relay connection with the ticket as subprotocol (or in the query string). */
export function connectBrowser(
  url: string,
  ticket: string,
  via: 'protocol' | 'query' = 'protocol',
): Promise<TestBrowser> {
  const target = via === 'query' ? `${url}?ticket=${encodeURIComponent(ticket)}` : url;
  const protocols = via === 'query' ? ['realtime'] : ['realtime', `parley-ticket.${ticket}`];
  const socket = new WebSocket(target, protocols);
  const events: Received[] = [];
  const raw: string[] = [];
  const waiters: { predicate: (event: Received) => boolean; resolve: (event: Received) => void }[] =
    [];
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    raw.push(text);
    const event = JSON.parse(text) as Received;
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        events,
        raw,
        protocol: socket.protocol,
        closed,
        send: (event) => socket.send(JSON.stringify(event)),
        waitFor(predicate, timeoutMs = 8000) {
          const found = events.find(predicate);
          if (found) return Promise.resolve(found);
          return new Promise((resolveWait, rejectWait) => {
            const timer = setTimeout(() => {
              rejectWait(new Error(`timed out; got ${events.map((e) => e.type).join(', ')}`));
            }, timeoutMs);
            waiters.push({
              predicate,
              resolve: (event) => {
                clearTimeout(timer);
                resolveWait(event);
              },
            });
          });
        },
      }),
    );
  });
}

/** `ms` of a 440 Hz tone (amplitude 0.3) then `silenceMs` of silence, as base64 PCM16 20 ms frames. */
export function speechFrames(ms: number, silenceMs: number): string[] {
  const rate = 24000;
  const frames: string[] = [];
  const total = Math.round(((ms + silenceMs) / 1000) * rate);
  const speech = Math.round((ms / 1000) * rate);
  const frameSamples = 480;
  for (let start = 0; start < total; start += frameSamples) {
    const pcm = Buffer.alloc(frameSamples * 2);
    for (let i = 0; i < frameSamples; i += 1) {
      const n = start + i;
      const value =
        n < speech ? Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 440 * n) / rate)) : 0;
      pcm.writeInt16LE(value, i * 2);
    }
    frames.push(pcm.toString('base64'));
  }
  return frames;
}

/** Publishes an agent named after its slug (`tester` → "Tester") with `config` filled by the schema. */
export async function publishTestAgent(
  store: Store,
  slug: string,
  config: AgentConfigInput,
): ReturnType<Store['agents']['create']> {
  return store.agents.create(
    {
      slug,
      name: slug.charAt(0).toUpperCase() + slug.slice(1),
      description: '',
      publish: true,
      config: agentConfigSchema.parse(config),
    },
    null,
  );
}

/** An emulator, a store and a Parley server relaying to it, listening on loopback. */
export interface RelayStack {
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  store: Store;
  parley: ParleyServer;
  url: string;
  /** Closes the server, the emulator and the store (the backend's cleanup stays the caller's). */
  close(): Promise<void>;
}

/**
 * Starts the stack most relay tests need: the emulator requiring `apiKey`, a store on `database`
 * seeded by `seed`, and a Parley server with that store (or `serveStore(store)`) relaying to the
 * emulator, with `server` options on top.
 */
export async function startRelayStack(options: {
  apiKey: string;
  database: Database;
  seed: (store: Store) => Promise<unknown>;
  serveStore?: (store: Store) => Store;
  server?: Partial<Omit<ParleyServerOptions, 'store' | 'upstream'>>;
  faults?: { closeAfterEvents: number };
  /** The emulator's speech rate: 1 streams a reply's audio in real time; default as fast as it can. */
  speechRate?: number;
  /** The emulator's speech engine (WebRTC tests use `generated` audio); default its own choice. */
  speechEngine?: 'generated';
  /** Timeline ms between the emulator's GPT-Live `session.usage.updated` events (default 15 s). */
  liveUsageIntervalMs?: number;
}): Promise<RelayStack> {
  const { apiKey } = options;
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speechRate: options.speechRate ?? Infinity,
    requireKey: apiKey,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.speechEngine ? { speechEngine: options.speechEngine } : {}),
    ...(options.liveUsageIntervalMs ? { liveUsageIntervalMs: options.liveUsageIntervalMs } : {}),
  });
  const store = createStore(options.database);
  await options.seed(store);
  const parley = await createParleyServer({
    seedTemplates: false,
    logger: silentLogger,
    admin: { password: 'admin-password-123' },
    ...options.server,
    store: options.serveStore ? options.serveStore(store) : store,
    upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
  });
  const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
  return {
    emulator,
    store,
    parley,
    url,
    async close() {
      await parley.close();
      await emulator.close();
      await store.close();
    },
  };
}

/**
 * What the emulator answers typed `text` that asks for no tool, for an agent whose instructions
 * give no persona and which has no tools (see the emulator's reply rules).
 */
export const notUnderstood = (text: string): string =>
  `I'm not sure how to help with "${text}". Could you put that another way?`;

/**
 * A `response.done` whose outputs are all messages: an answer. A response that calls a tool is not
 * one, even when it starts with a message (the preamble the gpt-realtime-2 family, the default
 * model of new agents, says before a call).
 */
export const isAnswerDone = (event: Received): boolean =>
  event.type === 'response.done' &&
  event.response.output.length > 0 &&
  event.response.output.every((item: { type: string }) => item.type === 'message');

/**
 * A relay stack whose only agent is `live`: a published GPT-Live agent (Ava of Example Realty,
 * no transcription model) with `config` on top, and `server` options (limits default to 1000
 * session requests a minute).
 */
export function startLiveStack(options: {
  apiKey: string;
  database: Database;
  config?: Partial<AgentConfigInput>;
  server?: Partial<Omit<ParleyServerOptions, 'store' | 'upstream'>>;
  speechEngine?: 'generated';
  /** Timeline ms between the emulator's GPT-Live `session.usage.updated` events (default 15 s). */
  liveUsageIntervalMs?: number;
}): Promise<RelayStack> {
  return startRelayStack({
    apiKey: options.apiKey,
    database: options.database,
    ...(options.speechEngine ? { speechEngine: options.speechEngine } : {}),
    seed: (store) =>
      publishTestAgent(store, 'live', {
        api: 'live',
        model: 'gpt-live-1',
        instructions: 'You are Ava, the voice assistant of Example Realty.',
        transcriptionModel: null,
        ...options.config,
      }),
    server: { limits: { sessionRequestsPerMinute: 1000 }, ...options.server },
  });
}
