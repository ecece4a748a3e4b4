// @vitest-environment node
// How fast the replay page loads a 10-minute recorded conversation in Chromium, against the same
// page for an empty conversation (no recording, no transcript), measured in the same run. "Ready"
// means: the player knows its duration, both waveforms are drawn and the transcript lines are
// listed (for the baseline: the page says there is no recording and shows its empty transcript).
// The duration is the one the server recorded, shown by the page; when the <audio> element has
// read it from the Ogg file is reported apart (playerDuration in the breakdown).
// REPLAY_BENCH_BEFORE_DIST=<a built console> also serves that build (another server on the same
// store) and measures it interleaved with this one: before/after figures of the same run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createParleyServer, silentLogger } from '@parley/server';
import type { ParleyServer } from '@parley/server';
import { agentConfigSchema } from '@parley/server/schemas';
import { OggOpusWriter } from '../../../packages/server/src/recording/ogg-opus-writer.ts';
import { signIn, startConsole } from '../test/console-stack';
import type { ConsoleStack } from '../test/console-stack';

const minutes = 10;
const runs = 7;

let stack: ConsoleStack | undefined;
let dataDir = '';
let parley: ParleyServer;
let page: Page;
let clock = Date.now();

/** A 10-minute two-channel recording: the visitor and the agent take turns of ~5 s of tone. */
async function tenMinuteRecording(
  file: string,
): Promise<Awaited<ReturnType<OggOpusWriter['finish']>>> {
  const writer = new OggOpusWriter(file);
  const frames = (minutes * 60 * 1000) / 20;
  const left = new Int16Array(480);
  const right = new Int16Array(480);
  const both = new Int16Array(960);
  for (let frame = 0; frame < frames; frame++) {
    const second = Math.floor(frame / 50);
    const visitorTurn = Math.floor(second / 5) % 2 === 0;
    for (let i = 0; i < 480; i++) {
      const n = frame * 480 + i;
      const tone = Math.round(
        8000 *
          Math.sin((2 * Math.PI * (visitorTurn ? 300 : 500) * n) / 24000) *
          (0.5 + 0.5 * Math.sin(n / 3000)),
      );
      left[i] = visitorTurn ? tone : 0;
      right[i] = visitorTurn ? 0 : tone;
      both[i * 2] = left[i]!;
      both[i * 2 + 1] = right[i]!;
    }
    await writer.frame(both, left, right);
  }
  return writer.finish();
}

async function seed(): Promise<{ long: string; empty: string }> {
  const { store } = parley;
  const agent = await store.agents.create(
    {
      slug: 'bench',
      name: 'Bench',
      description: '',
      publish: true,
      config: agentConfigSchema.parse({ instructions: 'Bench.', recording: { enabled: true } }),
    },
    null,
  );
  const started = Date.now() - 3600_000;
  clock = started;
  const long = await store.conversations.start({
    agentId: agent.id,
    agentVersion: 1,
    mode: 'relay',
    model: 'gpt-realtime',
    clientId: null,
  });
  // A line every 5 s, visitor and agent in turn, and a tool call every minute.
  for (let turn = 0; turn < (minutes * 60) / 5; turn++) {
    clock = started + turn * 5000;
    const role = turn % 2 === 0 ? 'user' : 'assistant';
    await store.conversations.recordItem(long, {
      itemId: `item_${turn}`,
      type: 'message',
      role,
      text: `${role === 'user' ? 'Visitor' : 'Agent'} line ${turn}: a sentence of about this length, said in the conversation.`,
      status: 'completed',
    });
    if (turn % 12 === 5)
      await store.conversations.recordToolCall(long, {
        callId: `call_${turn}`,
        name: 'search_knowledge_base',
        arguments: '{"query":"opening hours"}',
        output: '{"results":[]}',
        outcome: 'ok',
        durationMs: 420,
      });
    if (role === 'user')
      await store.turns.record(long, {
        seq: turn / 2 + 1,
        firstAudioMs: 700 + (turn % 7) * 50,
        toolMs: 0,
        toolCalls: 0,
        responses: 1,
      });
  }
  clock = started + minutes * 60_000;
  await store.conversations.end(long, { status: 'completed', endReason: 'client_closed' });
  const file = join(dataDir, 'scratch.ogg');
  mkdirSync(dataDir, { recursive: true });
  const written = await tenMinuteRecording(file);
  const { size } = await import('node:fs').then((fs) => fs.statSync(file));
  const key = `recordings/${long}/bench.ogg`;
  await parley.recordings.storage.put(key, file, 'audio/ogg; codecs=opus');
  await store.recordings.add({
    id: 'bench',
    conversationId: long,
    agentId: agent.id,
    source: 'relay',
    storageKey: key,
    contentType: 'audio/ogg; codecs=opus',
    channels: 2,
    durationMs: written.durationMs,
    bytes: size,
    startedAt: new Date(started).toISOString(),
    expiresAt: new Date(started + 30 * 86_400_000).toISOString(),
    marks: [{ type: 'interruption', atMs: 65_000, itemId: 'item_13', heardMs: 1500 }],
    peaks: written.peaks,
  });
  const empty = await store.conversations.start({
    agentId: agent.id,
    agentVersion: 1,
    mode: 'relay',
    model: 'gpt-realtime',
    clientId: null,
  });
  await store.conversations.end(empty, { status: 'completed', endReason: 'client_closed' });
  clock = Date.now();
  return { long, empty };
}

/** Milliseconds from navigation start until each part of the page is there. */
interface Load {
  ready: number;
  lines: number;
  waves: number;
  duration: number;
  /** When each API answer finished arriving (resource timing), by path. */
  fetches: Record<string, number>;
}

/** Milliseconds from navigation start until the page is ready (see the header), and its parts. */
async function load(origin: string, id: string, recorded: boolean): Promise<Load> {
  await page.goto('about:blank');
  await page.goto(`${origin}/admin/#/conversations/${id}`);
  return page.evaluate(
    (recorded) =>
      new Promise<Load>((resolve) => {
        const at: Partial<Load> = {};
        const mark = (key: 'lines' | 'waves' | 'duration', done: boolean) => {
          if (done && at[key] === undefined) at[key] = performance.now();
          return done;
        };
        // The page is ready when it shows the recording's duration (the server's figure), both
        // waveforms and the transcript lines; the native player reading the duration from the Ogg
        // file itself (a request for the file's last pages) is timed on its own.
        const ready = () => {
          if (!recorded)
            return (
              document.querySelector('[data-testid=no-recording]') !== null &&
              document.querySelector('[data-testid=transcript]') !== null
            );
          const audio = document.querySelector<HTMLAudioElement>('[data-testid=replay-audio]');
          const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=wave-agent]');
          const shown = document.querySelector<HTMLElement>('[data-testid=replay-duration]');
          mark('duration', audio !== null && Number.isFinite(audio.duration) && audio.duration > 0);
          const parts = [
            mark('waves', canvas !== null && canvas.width > 1),
            mark('lines', document.querySelectorAll('[data-testid=replay-line]').length > 0),
            audio !== null && Number(shown?.dataset['durationMs']) > 0,
          ];
          if (parts.every(Boolean) && at.ready === undefined) at.ready = performance.now();
          return at.ready !== undefined && at.duration !== undefined;
        };
        const finish = () => {
          const fetches: Record<string, number> = {};
          for (const entry of performance.getEntriesByType(
            'resource',
          ) as PerformanceResourceTiming[]) {
            const path = new URL(entry.name).pathname.replace(
              /\/conversations\/[^/]+/,
              '/conversations/:id',
            );
            fetches[path] = Math.round(entry.responseEnd);
          }
          const now = performance.now();
          resolve({
            ready: at.ready ?? now,
            lines: at.lines ?? now,
            waves: at.waves ?? now,
            duration: at.duration ?? now,
            fetches,
          });
        };
        const poll = () => (ready() ? finish() : requestAnimationFrame(poll));
        poll();
      }),
    recorded,
  );
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

beforeAll(async () => {
  stack = await startConsole({
    name: 'replay-bench',
    server: { upstream: { kind: 'emulator' }, seedTemplates: false, now: () => new Date(clock) },
  });
  ({ parley, dataDir, page } = stack);
});

afterAll(async () => {
  await stack?.close();
});

/** A second server on the same store serving an earlier build of the console (see the header). */
async function startBefore(dist: string): Promise<{ origin: string; server: ParleyServer }> {
  const server = await createParleyServer({
    env: {},
    upstream: { kind: 'emulator' },
    store: parley.store,
    database: { dataDir },
    staticDirs: { admin: dist, demo: null },
    seedTemplates: false,
    logger: silentLogger,
    now: () => new Date(clock),
  });
  return { origin: (await server.listen({ port: 0, host: '127.0.0.1' })).url, server };
}

it('loads a 10-minute conversation on the replay page', async () => {
  const { long, empty } = await seed();
  const origin = stack!.origin;
  const beforeDist = process.env.REPLAY_BENCH_BEFORE_DIST;
  const before = beforeDist ? await startBefore(beforeDist) : null;
  await signIn(page, origin);
  const baseline: number[] = [];
  const replay: number[] = [];
  const beforeBaseline: number[] = [];
  const beforeReplay: number[] = [];
  const parts: Load[] = [];
  // Interleaved, so all see the same machine load; the first of each warms the caches. (The
  // session cookie serves both servers: cookies do not depend on the port.)
  for (let run = 0; run <= runs; run++) {
    const b = await load(origin, empty, false);
    const r = await load(origin, long, true);
    const bb = before ? await load(before.origin, empty, false) : null;
    const br = before ? await load(before.origin, long, true) : null;
    if (run > 0) {
      baseline.push(b.ready);
      replay.push(r.ready);
      parts.push(r);
      if (bb && br) {
        beforeBaseline.push(bb.ready);
        beforeReplay.push(br.ready);
      }
    }
  }
  await before?.server.close();
  const { loadavg } = await import('node:os');
  const figure = {
    replayMsP50: Math.round(median(replay)),
    replayMsMax: Math.round(Math.max(...replay)),
    emptyPageMsP50: Math.round(median(baseline)),
    ratio: Number((median(replay) / median(baseline)).toFixed(2)),
    ...(before
      ? {
          beforeReplayMsP50: Math.round(median(beforeReplay)),
          beforeEmptyPageMsP50: Math.round(median(beforeBaseline)),
          afterOverBefore: Number((median(replay) / median(beforeReplay)).toFixed(2)),
        }
      : {}),
    runs,
    load: loadavg()
      .map((value) => value.toFixed(1))
      .join(' '),
  };
  console.log(`replay page, ${minutes}-minute conversation: ${JSON.stringify(figure)}`);
  // Where the time goes (medians, ms from navigation start): what to fix next.
  const paths = [...new Set(parts.flatMap((part) => Object.keys(part.fetches)))];
  const breakdown = {
    transcriptLines: Math.round(median(parts.map((part) => part.lines))),
    waveformsDrawn: Math.round(median(parts.map((part) => part.waves))),
    playerDuration: Math.round(median(parts.map((part) => part.duration))),
    responseEnd: Object.fromEntries(
      paths
        .filter((path) => path.includes('/api/') || path.endsWith('.js'))
        .map((path) => [path, Math.round(median(parts.map((part) => part.fetches[path] ?? NaN)))]),
    ),
  };
  console.log(`replay page breakdown: ${JSON.stringify(breakdown)}`);
  expect(replay.length).toBe(runs);
});
