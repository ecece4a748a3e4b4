// GPT-Live recordings (issue 19 §1): a Live agent that records starts its sessions with
// `store: true`, and the relay imports the session's own recording from the emulator's
// `/content` when the conversation ends; the admin API serves it with its media type.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, startLiveStack } from '../../test/relay-helpers.js';
import type { RelayStack } from '../../test/relay-helpers.js';
import { testBackends } from '../test-utils/databases.js';
import type { RecordingAnswer } from '../schemas.js';
import { importLiveRecording, wavSummary } from './live-recording-import.js';
import { createRecordings } from './recordings.js';
import { fileRecordingStorage } from './recording-storage.js';

const apiKey = 'test-upstream-credential';
const SILENCE = Buffer.alloc(4800).toString('base64');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('importing a GPT-Live recording', () => {
  const backend = testBackends()[0]!;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-live-recording-'));
  let stack: RelayStack;

  beforeAll(async () => {
    stack = await startLiveStack({
      apiKey,
      database: await backend.open(),
      config: { recording: { enabled: true, retentionDays: 7 } },
      // Audible speech, so the agent's channel of the recording is not silence.
      speechEngine: 'generated',
      server: {
        recording: { dataDir },
        admin: { email: 'owner@example.com', password: 'admin-password-123' },
      },
    });
  });

  afterAll(async () => {
    await stack.close();
    await backend.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the session content as a playable WAV row that the audio route serves', async () => {
    const response = await fetch(`${stack.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'live' }),
    });
    const session = (await response.json()) as {
      url: string;
      ticket: string;
      conversationId: string;
    };
    const browser = await connectBrowser(session.url, session.ticket);
    const started = await browser.waitFor((event) => event.type === 'session.started');
    expect((started.session as { store?: boolean }).store).toBe(true);
    browser.send({
      type: 'response.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    });
    browser.send({ type: 'response.create' });
    const answered = () =>
      browser.events.some((event) => event.type === 'session.output_audio.delta');
    for (let frame = 0; frame < 400 && !answered(); frame++) {
      browser.send({ type: 'session.input_audio.append', audio: SILENCE });
      await sleep(5);
    }
    expect(answered()).toBe(true);
    for (let frame = 0; frame < 20; frame++) {
      browser.send({ type: 'session.input_audio.append', audio: SILENCE });
      await sleep(5);
    }
    browser.socket.close();
    await browser.closed;

    const id = session.conversationId;
    let rows = await stack.store.recordings.forConversation(id);
    for (let i = 0; i < 150 && rows.length === 0; i++) {
      await sleep(100);
      rows = await stack.store.recordings.forConversation(id);
    }
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ source: 'live_import', contentType: 'audio/wav', channels: 2 });
    expect(row.storageKey).toMatch(/\.wav$/);
    expect(row.durationMs).toBeGreaterThan(0);
    const stored = readFileSync(join(dataDir, row.storageKey));
    expect(stored.length).toBe(row.bytes);
    expect(stored.toString('latin1', 0, 4)).toBe('RIFF');
    // The agent's reply is on the right channel: its peaks are not all silence.
    const right = Buffer.from(row.peaks.channels[1]!, 'base64');
    expect(Math.max(...right)).toBeGreaterThan(10);
    expect(wavSummary(stored)?.durationMs).toBe(row.durationMs);

    const login = await fetch(`${stack.url}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'admin-password-123' }),
    });
    const headers = { cookie: login.headers.get('set-cookie')!.split(';')[0]! };
    const answer = (await (
      await fetch(`${stack.url}/api/admin/conversations/${id}/recording`, { headers })
    ).json()) as RecordingAnswer;
    expect(answer.reason).toBeNull();
    expect(answer.recordings[0]).toMatchObject({ source: 'live_import', contentType: 'audio/wav' });
    const audio = await fetch(`${stack.url}${answer.recordings[0]!.audioUrl}`, { headers });
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await audio.arrayBuffer())).toEqual(stored);
    // The conversation itself is stored as usual.
    const { conversation } = await stack.store.conversations.detail(id);
    expect(conversation.status).toBe('completed');
  }, 60_000);

  it('logs a failed download and stores nothing', async () => {
    const errors: unknown[] = [];
    const log = {
      info() {},
      warn() {},
      error: (...args: unknown[]) => errors.push(args),
    };
    const recordings = createRecordings({
      store: stack.store,
      storage: fileRecordingStorage(dataDir),
      dataDir,
      log,
      now: () => new Date(),
    });
    const agent = (await stack.store.agents.published('live'))!;
    await importLiveRecording(
      {
        recordings,
        upstream: {
          liveUrl: () => `${stack.emulator.httpUrl.replace(/^http/, 'ws')}/v1/live/sessions`,
          headers: () => ({ authorization: `Bearer ${apiKey}` }),
        },
        log,
        retryDelaysMs: [10],
      },
      { id: 'conv_missing', agentId: agent.agent.id, settings: agent.config.recording },
      'live_not_a_stored_session',
      new Date(),
    );
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('could not import the GPT-Live recording');
    expect(await stack.store.recordings.forConversation('conv_missing')).toEqual([]);
  });
});
