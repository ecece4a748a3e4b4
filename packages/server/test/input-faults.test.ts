/**
 * Hostile input that used to fail inside the server, reproduced the way it was found: U+0000 in
 * a visitor's message (never stored on PostgreSQL), in a query or a body (500), deeply nested
 * JSON in a tool's `parameters` (stack overflow), a document naming an unknown agent or an
 * agent's slug (foreign key failure).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfHeaderName } from '@parley/server/schemas';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createStore } from '../src/storage/store.js';

const email = 'admin@parley.local';
const password = 'input-faults-password-1';

describe.each(testBackends())('hostile input on $name', (backend) => {
  let parley: ParleyServer;
  let base: string;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    parley = await createParleyServer({
      store: createStore(await backend.open()),
      upstream: { kind: 'openai', apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/v1' },
      logger: silentLogger,
      admin: { email, password },
    });
    base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
    const signedIn = await fetch(`${base}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    csrf = ((await signedIn.json()) as { csrfToken: string }).csrfToken;
  });

  afterAll(async () => {
    await parley?.close();
    await parley?.store.close();
    await backend.cleanup();
  });

  const admin = (path: string, method: string, body?: string) =>
    fetch(`${base}/api/admin${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie, [csrfHeaderName]: csrf },
      ...(body === undefined ? {} : { body }),
    });

  it('stores a visitor message containing U+0000 (as U+FFFD) instead of losing it', async () => {
    const { store } = parley;
    const agent = (await store.agents.list())[0]!;
    const id = await store.conversations.start({
      agentId: agent.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    await store.conversations.recordItem(id, {
      itemId: 'item_nul',
      type: 'message',
      role: 'user',
      text: 'hello\u0000world',
      status: 'completed',
    });
    const detail = await store.conversations.detail(id);
    expect(JSON.stringify(detail)).toContain('hello\uFFFDworld');
  });

  it('answers 400 for NUL in a query parameter, a path or a body, naming the field', async () => {
    const query = await fetch(`${base}/api/admin/documents/search?q=a%00b`, {
      headers: { cookie },
    });
    expect(query.status).toBe(400);
    const path = await fetch(`${base}/api/agents%00`, { headers: { cookie } });
    expect(path.status).toBe(400);
    const body = await admin(
      '/documents',
      'POST',
      JSON.stringify({ title: 'a\u0000', content: 'x' }),
    );
    expect(body.status).toBe(400);
    expect(((await body.json()) as any).error.issues[0].path).toEqual(['title']);
  });

  it('answers 400 naming the field for deeply nested tool parameters and test arguments', async () => {
    // Within the 256 KiB body limit: arrays nest in two bytes a level.
    const deep = (levels: number) =>
      '{"type":"object","properties":{"a":' + '['.repeat(levels) + ']'.repeat(levels) + '}}';
    const created = await admin(
      '/tools',
      'POST',
      `{"kind":"webhook","name":"deep","url":"https://93.184.216.34/x","parameters":${deep(100_000)}}`,
    );
    expect(created.status).toBe(400);
    const problem = ((await created.json()) as any).error.issues[0];
    expect(problem.path[0]).toBe('parameters');
    expect(problem.message).toMatch(/nested deeper than/);
    const run = await admin(
      '/tools/capture_lead/test',
      'POST',
      `{"arguments":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    );
    expect(run.status).toBe(400);
    expect(((await run.json()) as any).error.issues[0].path[0]).toBe('arguments');
  });

  it('answers 400 naming agentId for a document of an unknown agent, and accepts an agent slug', async () => {
    const unknown = await admin(
      '/documents',
      'POST',
      JSON.stringify({ agentId: 'no-such-agent', title: 'T', content: 'C' }),
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).error.issues[0].path).toEqual(['agentId']);
    const agent = (await parley.store.agents.list())[0]!;
    const bySlug = await admin(
      '/documents',
      'POST',
      JSON.stringify({ agentId: agent.slug, title: 'T', content: 'C' }),
    );
    expect(bySlug.status).toBe(201);
    expect(((await bySlug.json()) as any).agentId).toBe(agent.id);
    const documentId = ((await (await admin('/documents', 'GET')).json()) as any).documents.at(
      -1,
    ).id;
    const moved = await admin(
      `/documents/${documentId}`,
      'PUT',
      JSON.stringify({ agentId: 'missing', title: 'T', content: 'C' }),
    );
    expect(moved.status).toBe(400);
  });
});
