// The contract with @parley/core end to end: a real VoiceSession (text only, Node WebSocket
// transport, parleyServerCredentials) talking through the relay to the emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVoiceSession,
  createWebSocketTransport,
  parleyServerCredentials,
} from '@parley/core';
import type {
  Transport,
  TransportHandlers,
  VoiceSession,
  VoiceSessionSnapshot,
} from '@parley/core';
import { startEmulator } from '@parley/emulator';
import { agentConfigSchema } from '../src/schemas.js';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { notUnderstood } from './relay-helpers.js';
import { createStore } from '../src/storage/store.js';
import type { Store } from '../src/storage/store.js';

const apiKey = 'fake-key-core-contract-key-31415926';
const [sqlite] = testBackends();

function until(
  session: VoiceSession,
  predicate: (snapshot: VoiceSessionSnapshot) => boolean,
  timeoutMs = 8000,
) {
  return new Promise<VoiceSessionSnapshot>((resolve, reject) => {
    if (predicate(session.getSnapshot())) return resolve(session.getSnapshot());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out in status ${session.getSnapshot().status}`));
    }, timeoutMs);
    const unsubscribe = session.subscribe(() => {
      const snapshot = session.getSnapshot();
      if (predicate(snapshot)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(snapshot);
      }
    });
  });
}

const assistantTexts = (snapshot: VoiceSessionSnapshot) =>
  snapshot.items.flatMap((item) =>
    item.type === 'message' && item.role === 'assistant' && !item.streaming ? [item.text] : [],
  );

describe('a @parley/core VoiceSession through the relay', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let parley: ParleyServer;
  let base: string;
  let store: Store;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      speechRate: Infinity,
      requireKey: apiKey,
    });
    store = createStore(await sqlite!.open());
    await store.agents.create(
      {
        slug: 'helper',
        name: 'Helper',
        description: '',
        publish: true,
        config: agentConfigSchema.parse({
          instructions: 'Help.',
          outputModality: 'text',
          transcriptionModel: null,
          tools: ['search_knowledge_base'],
        }),
      },
      null,
    );
    parley = await createParleyServer({
      store,
      seedTemplates: false,
      upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
      logger: silentLogger,
      admin: { password: 'admin-password-123' },
    });
    base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  });

  afterAll(async () => {
    await parley?.close();
    await parley?.store.close();
    await emulator?.close();
    await sqlite!.cleanup();
  });

  it('connects with a ticket, converses by text, and sees the server run a tool', async () => {
    const session = createVoiceSession({
      credentials: parleyServerCredentials({ baseUrl: base, agentId: 'helper' }),
      transport: createWebSocketTransport(),
    });
    try {
      await session.connect();
      await until(session, (snapshot) => snapshot.status === 'connected');
      session.sendText('hello there');
      await until(session, (snapshot) =>
        assistantTexts(snapshot).includes("Hello! I can search the business's documents."),
      );

      session.sendText('please search knowledge base');
      const done = await until(session, (snapshot) =>
        assistantTexts(snapshot).includes('Nothing in the knowledge base matches.'),
      );
      const call = done.items.find((item) => item.type === 'function_call');
      expect(call).toMatchObject({ name: 'search_knowledge_base', status: 'completed' });
      expect(call?.type === 'function_call' ? call.output : null).toContain('results');
      expect(done.error).toBeNull();
    } finally {
      await session.disconnect();
    }
  });

  it('reconnects after a dropped connection into the same conversation, the model keeping its context', async () => {
    // A transport whose connection can be made to drop, as a network would: the session sees
    // an abnormal close (1006) it did not ask for.
    const inner = createWebSocketTransport();
    let dropping = false;
    const transport: Transport & { drop(): void } = {
      connect(credentials, handlers: TransportHandlers) {
        inner.connect(credentials, {
          ...handlers,
          onClose(info) {
            if (!dropping) return handlers.onClose(info);
            dropping = false;
            handlers.onClose({ code: 1006, reason: '', initiatedLocally: false });
          },
        });
      },
      send: (data, kind) => inner.send(data, kind),
      close: (code, reason) => inner.close(code, reason),
      get stats() {
        return inner.stats;
      },
      drop() {
        dropping = true;
        inner.close(1000, 'network gone');
      },
    };
    const session = createVoiceSession({
      credentials: parleyServerCredentials({ baseUrl: base, agentId: 'helper' }),
      transport,
      reconnect: { baseDelayMs: 20, maxDelayMs: 50 },
    });
    const opening = 'My name is Ada Lovelace and I would like a table for two on Friday.';
    // The helper's one tool searches, so each answer offers it; a question goes to the search.
    const notFound = (text: string) =>
      `${notUnderstood(text).replace(' Could you put that another way?', '')} I can search the business's documents.`;
    try {
      await session.connect();
      await until(session, (snapshot) => snapshot.status === 'connected');
      session.sendText(opening);
      await until(session, (snapshot) => assistantTexts(snapshot).includes(notFound(opening)));

      transport.drop();
      await until(session, (snapshot) => snapshot.status === 'reconnecting');
      await until(session, (snapshot) => snapshot.status === 'connected');
      session.sendText('Which day was it?');
      const after = await until(session, (snapshot) =>
        assistantTexts(snapshot).includes('Nothing in the knowledge base matches.'),
      );
      // The transcript the user sees is continuous, nothing in it twice.
      expect(
        after.items.flatMap((item) => (item.type === 'message' ? [[item.role, item.text]] : [])),
      ).toEqual([
        ['user', opening],
        ['assistant', notFound(opening)],
        ['user', 'Which day was it?'],
        // The search's response starts with the default model's preamble, its own item.
        ['assistant', 'One moment, let me check that.'],
        ['assistant', 'Nothing in the knowledge base matches.'],
      ]);
      expect(after.error).toBeNull();
    } finally {
      await session.disconnect();
    }
    // One conversation on the server, and the model's context after the drop held the opening.
    const conversations = await store.conversations.list({ limit: 10 });
    // The relay writes in order and ends the conversation last: once it is ended, all is stored.
    await expect
      .poll(
        async () => (await store.conversations.detail(conversations[0]!.id)).conversation.status,
        { timeout: 5000 },
      )
      .not.toBe('active');
    const latest = await store.conversations.detail(conversations[0]!.id);
    const messages = latest.items.filter((item) => item.type === 'message');
    expect(messages.map((item) => item.text)).toEqual([
      opening,
      notFound(opening),
      'Which day was it?',
      'One moment, let me check that.',
      'Nothing in the knowledge base matches.',
    ]);
    const [before, resumed] = latest.responses;
    expect(resumed!.inputTextTokens).toBeGreaterThan(
      before!.inputTextTokens + Math.ceil(opening.length / 4),
    );
  });
});
