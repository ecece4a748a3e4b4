// Operations benchmarks of @parley/server (issue 18), run by bench/run.mjs after the relay ones
// (or alone: BENCH_ONLY=operations). Each prints its figures and a ratio against a baseline
// measured in the same run:
//  1. Sign-in limit under 500 concurrent wrong passwords for one account from one address, per
//     shared-state backend (memory; PostgreSQL with DATABASE_URL; Redis with REDIS_URL): attempts
//     that got as far as a password check (401), against the limit (10).
//  2. Relay memory under a pre-upstream flood: 20 sockets each sending 4 MiB frames as fast as
//     they can before their conversation is ready; the relay process's peak RSS against its idle
//     RSS in the same run.
//  3. Drain time with 50 live conversations, against draining one.
//  4. The write-behind window: from an item reaching the browser to its row stored, with 20
//     conversations taking turns at once, against a lone conversation.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createParleyServer, createStore, openDatabase, silentLogger } from '../dist/index.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

const agentConfig = (outputModality) => ({
  instructions: 'Benchmark agent',
  model: 'gpt-realtime',
  voice: 'marin',
  outputModality,
  speed: 1,
  turnDetection: null,
  transcriptionModel: null,
  language: null,
  tools: [],
  clientTools: [],
  notifyEmail: null,
  allowDirect: false,
  maxSessionSeconds: 3600,
  greeting: null,
});

/** A Parley server in this process on SQLite (or `options`), upstream the bench's emulator. */
async function startServer(emulator, apiKey, options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-ops-'));
  const store = options.store ?? createStore(await openDatabase({ dataDir }));
  const parley = await createParleyServer({
    store,
    upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
    // Only what is passed here: REDIS_URL in the environment must not switch the memory run.
    env: {},
    logger: silentLogger,
    admin: { password: 'bench-admin-password' },
    limits: {
      maxSessionsPerClient: 10_000,
      sessionRequestsPerMinute: 1_000_000,
      idleTimeoutMs: 600_000,
    },
    ...(options.server ?? {}),
  });
  const agent = await store.agents.create(
    { slug: 'ops', name: 'Ops', description: '', publish: true, config: agentConfig('text') },
    null,
  );
  const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
  return {
    parley,
    store,
    url,
    agentId: agent.id,
    async close() {
      await parley.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A relayed conversation as a browser holds it: events by type, close code. */
async function converse(server) {
  const response = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: server.agentId }),
  });
  const grant = await response.json();
  const socket = new WebSocket(grant.url, ['realtime', `parley-ticket.${grant.ticket}`], {
    perMessageDeflate: false,
  });
  const listeners = new Set();
  const closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  socket.on('message', (data) => {
    const event = JSON.parse(data.toString());
    for (const listener of listeners) listener(event);
  });
  const next = (predicate) =>
    new Promise((resolve) => {
      const listener = (event) => {
        if (predicate(event)) {
          listeners.delete(listener);
          resolve(event);
        }
      };
      listeners.add(listener);
    });
  await next((event) => event.type === 'session.updated');
  return {
    socket,
    closed,
    listeners,
    next,
    async turn(text) {
      socket.send(
        JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
        }),
      );
      socket.send(JSON.stringify({ type: 'response.create' }));
      await next((event) => event.type === 'response.done');
    },
  };
}

async function loginLimit(row, emulator, apiKey) {
  const backends = [{ name: 'memory', server: {} }];
  if (process.env.DATABASE_URL) {
    backends.push({
      name: 'PostgreSQL',
      schema: `parley_bench_${Date.now().toString(36)}`,
    });
  }
  if (process.env.REDIS_URL) {
    backends.push({
      name: 'Redis',
      server: { redis: { url: process.env.REDIS_URL, keyPrefix: `parley-bench-${Date.now()}:` } },
    });
  }
  for (const backend of backends) {
    const store = backend.schema
      ? createStore(
          await openDatabase({
            databaseUrl: process.env.DATABASE_URL,
            schema: backend.schema,
            poolSize: 8,
          }),
        )
      : undefined;
    const server = await startServer(emulator, apiKey, {
      ...(store ? { store } : {}),
      server: backend.server ?? {},
    });
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 500 }, () =>
        fetch(`${server.url}/api/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@parley.local', password: 'wrong password' }),
        }).then((response) => response.status),
      ),
    );
    const elapsed = performance.now() - started;
    const checked = statuses.filter((status) => status === 401).length;
    const refused = statuses.filter((status) => status === 429).length;
    console.log(
      `sign-in limit (${backend.name}): ${checked} of 500 concurrent attempts checked, ${refused} refused with 429, in ${elapsed.toFixed(0)} ms (limit 10, ratio ${(checked / 10).toFixed(2)})`,
    );
    row(`sign-in attempts checked of 500 concurrent (${backend.name})`, checked, 'attempts', {
      baseline: 'the limit',
      baselineValue: 10,
      ratio: checked / 10,
      target: '= 10',
      pass: checked === 10,
    });
    if (backend.schema) {
      await server.store.database.db.schema.dropSchema(backend.schema).cascade().execute();
    }
    await server.close();
  }
}

async function floodMemory(row, startChild, emulator, apiKey, dataDir) {
  const relay = await startChild('bench/relay-child.mjs', [emulator.httpUrl, apiKey, dataDir]);
  try {
    await sleep(1000);
    const idle = rssOf(relay.child.pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(relay.child.pid))), 25);
    const frame = Buffer.alloc(4 * 1024 * 1024, 'a').toString();
    const floods = Array.from({ length: 20 }, async () => {
      const response = await fetch(`${relay.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: relay.agentId }),
      });
      const grant = await response.json();
      const socket = new WebSocket(grant.url, ['realtime', `parley-ticket.${grant.ticket}`], {
        perMessageDeflate: false,
      });
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('open', resolve));
      let sent = 0;
      let open = true;
      void closed.then(() => (open = false));
      // 4 MiB frames, as fast as the socket takes them, until the relay closes it (or 25: a relay
      // that accepted them would hold 100 MiB per socket, 2 GiB for all).
      while (open && sent < 25) {
        socket.send(frame);
        sent += 1;
        if (socket.bufferedAmount > 64 * 1024 * 1024) await sleep(5);
      }
      await Promise.race([closed, sleep(5_000)]);
      const refused = !open;
      socket.terminate();
      return { sent, refused };
    });
    const outcomes = await Promise.all(floods);
    const sent = outcomes.map((outcome) => outcome.sent);
    const refused = outcomes.filter((outcome) => outcome.refused).length;
    await sleep(500);
    clearInterval(sampler);
    const growth = peak - idle;
    console.log(
      `pre-upstream flood: 20 sockets sent ${sent.reduce((a, b) => a + b, 0)} frames of 4 MiB, ${refused} sockets closed by the relay; relay RSS idle ${idle.toFixed(1)} MB, peak ${peak.toFixed(1)} MB (+${growth.toFixed(1)} MB, ratio ${(peak / idle).toFixed(2)})`,
    );
    row('relay peak RSS under a pre-upstream flood (20 sockets × 4 MiB frames)', peak, 'MB', {
      baseline: 'idle RSS, same process',
      baselineValue: Math.round(idle * 10) / 10,
      ratio: peak / idle,
      target: '< idle + 200 MB',
      pass: growth < 200,
    });
  } finally {
    relay.child.kill('SIGTERM');
    await new Promise((resolve) => relay.child.once('exit', resolve));
  }
}

async function drainTime(row, emulator, apiKey) {
  const figures = {};
  for (const count of [1, 50]) {
    const server = await startServer(emulator, apiKey);
    const conversations = [];
    for (let index = 0; index < count; index += 10) {
      conversations.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(10, count - index) }, () => converse(server)),
        )),
      );
    }
    // Each has said something, so the drain has writes to store.
    await Promise.all(conversations.map((conversation) => conversation.turn('Hello there.')));
    const started = performance.now();
    const drained = await server.parley.drain({ deadlineMs: 30_000 });
    const elapsed = performance.now() - started;
    const codes = await Promise.all(conversations.map((conversation) => conversation.closed));
    figures[count] = elapsed;
    console.log(
      `drain: ${drained.handedOver} of ${count} conversations handed over in ${elapsed.toFixed(0)} ms (${codes.filter((code) => code === 1012).length} closed with 1012)${drained.timedOut ? ', deadline reached' : ''}`,
    );
    await server.close();
  }
  row('drain time with 50 live conversations', figures[50], 'ms', {
    baseline: 'drain of 1 conversation',
    baselineValue: Math.round(figures[1]),
    ratio: figures[50] / figures[1],
    target: '< 30000 ms (the default deadline)',
    pass: figures[50] < 30_000,
  });
}

async function writeBehind(row, emulator, apiKey) {
  const figures = {};
  for (const count of [1, 20]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-writes-'));
    const store = createStore(await openDatabase({ dataDir }));
    const storedAt = new Map();
    const recordItem = store.conversations.recordItem.bind(store.conversations);
    store.conversations.recordItem = async (conversationId, item) => {
      await recordItem(conversationId, item);
      if (item.status === 'completed') storedAt.set(item.itemId, performance.now());
    };
    const server = await startServer(emulator, apiKey, { store });
    const forwardedAt = new Map();
    const conversations = await Promise.all(Array.from({ length: count }, () => converse(server)));
    for (const conversation of conversations) {
      conversation.listeners.add((event) => {
        if (event.type === 'conversation.item.done' || event.type === 'response.output_item.done')
          if (event.item?.status === 'completed' && !forwardedAt.has(event.item.id))
            forwardedAt.set(event.item.id, performance.now());
      });
    }
    for (let turn = 0; turn < 5; turn += 1) {
      await Promise.all(
        conversations.map((conversation) => conversation.turn(`Turn ${turn}, please answer.`)),
      );
    }
    await Promise.all(conversations.map(() => server.parley.drain({ deadlineMs: 10_000 })));
    const lags = [...forwardedAt].flatMap(([id, at]) =>
      storedAt.has(id) ? [storedAt.get(id) - at] : [],
    );
    const lost = [...forwardedAt.keys()].filter((id) => !storedAt.has(id)).length;
    figures[count] = {
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: Math.max(...lags),
    };
    console.log(
      `write-behind window, ${count} conversation(s): ${lags.length} completed items, forwarded → stored p50 ${figures[count].p50.toFixed(2)} ms, p99 ${figures[count].p99.toFixed(2)} ms, max ${figures[count].max.toFixed(2)} ms; ${lost} not stored after the drain`,
    );
    await server.parley.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  row(
    'write-behind window p99, 20 conversations (item forwarded → stored)',
    figures[20].p99,
    'ms',
    {
      baseline: 'one conversation',
      baselineValue: Math.round(figures[1].p99 * 100) / 100,
      ratio: figures[20].p99 / figures[1].p99,
    },
  );
  row('write-behind window max, 20 conversations', figures[20].max, 'ms');
}

/** Runs the operations benchmarks; `row` adds a result, `startChild` spawns a bench child. */
export async function operationsBenchmarks({ row, startChild, emulator, apiKey, dataDir }) {
  await loginLimit(row, emulator, apiKey);
  await floodMemory(row, startChild, emulator, apiKey, dataDir);
  await drainTime(row, emulator, apiKey);
  await writeBehind(row, emulator, apiKey);
}
