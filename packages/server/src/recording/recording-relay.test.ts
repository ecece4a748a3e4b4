import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectBrowser,
  publishTestAgent,
  speechFrames,
  startRelayStack,
} from '../../test/relay-helpers.js';
import type { RelayStack } from '../../test/relay-helpers.js';
import { decodeRecording } from '../../test/recording-helpers.js';
import { testBackends } from '../test-utils/databases.js';
import type { RecordingAnswer, Timeline } from '../schemas.js';

const apiKey = 'test-upstream-credential';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('recording a relayed conversation', () => {
  const backend = testBackends()[0]!;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-recording-'));
  let stack: RelayStack;

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: async (store) => {
        await publishTestAgent(store, 'recorded', {
          instructions: 'Test',
          transcriptionModel: null,
          recording: { enabled: true, retentionDays: 7 },
        });
        await publishTestAgent(store, 'unrecorded', {
          instructions: 'Test',
          transcriptionModel: null,
        });
      },
      server: {
        limits: { sessionRequestsPerMinute: 1000 },
        recording: { dataDir },
        admin: { email: 'owner@example.com', password: 'admin-password-123' },
      },
      speechRate: 1,
    });
  });

  afterAll(async () => {
    await stack.close();
    await backend.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function converse(agentId: string) {
    const response = await fetch(`${stack.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId }),
    });
    const session = (await response.json()) as {
      url: string;
      ticket: string;
      conversationId: string;
    };
    const browser = await connectBrowser(session.url, session.ticket);
    const opened = performance.now();
    await browser.waitFor((event) => event.type === 'session.updated');
    // 1 s of tone then 0.8 s of silence, paced like a microphone: the VAD ends the turn.
    for (const audio of speechFrames(1000, 800)) {
      browser.send({ type: 'input_audio_buffer.append', audio });
      await sleep(20);
    }
    await browser.waitFor((event) => event.type === 'response.done', 20_000);
    await sleep(300);
    browser.socket.close();
    await browser.closed;
    const elapsedMs = performance.now() - opened;
    return { conversationId: session.conversationId, elapsedMs };
  }

  it('stores a decodable two-channel Ogg Opus file as long as the connection', async () => {
    const { conversationId, elapsedMs } = await converse('recorded');
    let recordings = await stack.store.recordings.forConversation(conversationId);
    for (let i = 0; i < 100 && recordings.length === 0; i++) {
      await sleep(100);
      recordings = await stack.store.recordings.forConversation(conversationId);
    }
    expect(recordings).toHaveLength(1);
    const recording = recordings[0]!;
    expect(recording.source).toBe('relay');
    expect(recording.channels).toBe(2);
    // The file spans the conversation as stored (its start and end are taken a moment apart from
    // the recording's, more so on a loaded machine), and the connection as the browser saw it.
    const { conversation } = await stack.store.conversations.detail(conversationId);
    console.log(
      `recording ${recording.durationMs} ms, conversation ${conversation.durationMs} ms, browser ${Math.round(elapsedMs)} ms`,
    );
    expect(Math.abs(recording.durationMs - conversation.durationMs!)).toBeLessThan(400);
    expect(Math.abs(recording.durationMs - elapsedMs)).toBeLessThan(1000);
    expect(
      new Date(recording.expiresAt).getTime() - new Date(recording.startedAt).getTime(),
    ).toBeGreaterThan(6.9 * 86_400_000);

    const bytes = readFileSync(join(dataDir, recording.storageKey));
    expect(bytes.length).toBe(recording.bytes);
    const decoded = await decodeRecording(bytes);
    expect(decoded.mimeType).toContain('audio/ogg');
    expect(decoded.channels).toBe(2);
    expect(Math.abs(decoded.durationSeconds * 1000 - recording.durationMs)).toBeLessThan(40);
    expect(Math.abs(decoded.decodedSeconds * 1000 - recording.durationMs)).toBeLessThan(40);
    // The visitor's tone is on the left and the agent's reply on the right, not the other way.
    const [left, right] = decoded.levels;
    const loud = (levels: number[]) => levels.filter((level) => level > 0.05).length;
    expect(loud(left)).toBeGreaterThanOrEqual(8);
    expect(loud(right)).toBeGreaterThanOrEqual(3);
    // The tone (first second of the visitor's audio) comes before the agent's reply starts.
    const firstLoud = (levels: number[]) => levels.findIndex((level) => level > 0.05);
    expect(firstLoud(left)).toBeLessThan(firstLoud(right));
    // Peaks for the waveform: one byte per 40 ms and channel.
    const peaks = recording.peaks.channels.map((channel) => Buffer.from(channel, 'base64'));
    expect(peaks).toHaveLength(2);
    expect(Math.abs(peaks[0]!.length - recording.durationMs / 40)).toBeLessThanOrEqual(1);
    expect(Math.max(...peaks[0]!)).toBeGreaterThan(50);
  }, 60_000);

  async function signIn(): Promise<Record<string, string>> {
    const signedIn = await fetch(`${stack.url}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'admin-password-123' }),
    });
    return { cookie: signedIn.headers.get('set-cookie')!.split(';')[0]! };
  }

  it('serves the recording to a signed-in admin, with byte ranges and a timeline', async () => {
    const { conversationId } = await converse('recorded');
    const headers = await signIn();
    const admin = (path: string, extra: Record<string, string> = {}) =>
      fetch(`${stack.url}/api/admin${path}`, { headers: { ...headers, ...extra } });
    let answer: RecordingAnswer = { recordings: [], reason: null };
    for (let i = 0; i < 100 && answer.recordings.length === 0; i++) {
      await sleep(100);
      answer = (await (
        await admin(`/conversations/${conversationId}/recording`)
      ).json()) as RecordingAnswer;
    }
    expect(answer.reason).toBeNull();
    const recording = answer.recordings[0]!;
    expect(recording).toMatchObject({ channels: 2, contentType: 'audio/ogg; codecs=opus' });
    // Signed out: refused.
    expect((await fetch(`${stack.url}${recording.audioUrl}`)).status).toBe(401);
    expect(
      (await fetch(`${stack.url}/api/admin/conversations/${conversationId}/recording`)).status,
    ).toBe(401);

    const whole = await fetch(`${stack.url}${recording.audioUrl}`, { headers });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBe(recording.bytes);
    expect((await decodeRecording(bytes)).channels).toBe(2);

    const part = await fetch(`${stack.url}${recording.audioUrl}`, {
      headers: { ...headers, range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${recording.bytes}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await fetch(`${stack.url}${recording.audioUrl}`, {
      headers: { ...headers, range: 'bytes=-50' },
    });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 50));
    const beyond = await fetch(`${stack.url}${recording.audioUrl}`, {
      headers: { ...headers, range: `bytes=${recording.bytes}-` },
    });
    expect(beyond.status).toBe(416);

    const timeline = (await (
      await admin(`/conversations/${conversationId}/timeline`)
    ).json()) as Timeline;
    expect(timeline.startedAt).toBe(recording.startedAt);
    const items = timeline.entries.filter((entry) => entry.kind === 'item');
    expect(items.some((entry) => entry.role === 'assistant')).toBe(true);
    for (const entry of timeline.entries) {
      expect(entry.atMs).toBeGreaterThanOrEqual(-1000);
      expect(entry.atMs).toBeLessThanOrEqual(recording.durationMs + 1000);
    }
    const atMs = timeline.entries.map((entry) => entry.atMs);
    expect(atMs).toEqual([...atMs].sort((a, b) => a - b));
  }, 60_000);

  it('says a WebRTC call has no audio on the server rather than offering a player', async () => {
    const agent = (await stack.store.agents.list()).find((row) => row.slug === 'recorded')!;
    await stack.store.conversations.start({
      id: 'conv_webrtc_call',
      agentId: agent.id,
      agentVersion: 1,
      mode: 'webrtc',
      model: 'gpt-realtime',
      clientId: null,
    });
    const headers = await signIn();
    const answer = await fetch(`${stack.url}/api/admin/conversations/conv_webrtc_call/recording`, {
      headers,
    });
    expect(await answer.json()).toEqual({ recordings: [], reason: 'webrtc' });
  });

  it('sends a WebRTC call to a recording agent to the relay, which records it', async () => {
    const offer = readFileSync(
      new URL('../webrtc/__fixtures__/offer.sdp', import.meta.url),
      'utf8',
    );
    const call = await fetch(`${stack.url}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'recorded', sdp: offer }),
    });
    expect(call.status).toBe(409);
    expect(((await call.json()) as { error: { code: string } }).error.code).toBe('relay_required');
  });

  it('tells visitors of a recording agent, and no one else', async () => {
    const { agents } = (await (await fetch(`${stack.url}/api/agents`)).json()) as {
      agents: { slug: string; recordingNotice: string | null }[];
    };
    const notice = Object.fromEntries(agents.map((agent) => [agent.slug, agent.recordingNotice]));
    expect(notice).toEqual({ recorded: 'This conversation is recorded.', unrecorded: null });
  });

  it('records nothing for an agent that does not record', async () => {
    const { conversationId } = await converse('unrecorded');
    await sleep(500);
    expect(await stack.store.recordings.forConversation(conversationId)).toEqual([]);
    const headers = await signIn();
    const answer = await fetch(`${stack.url}/api/admin/conversations/${conversationId}/recording`, {
      headers,
    });
    expect(await answer.json()).toEqual({ recordings: [], reason: 'not_recorded' });
  }, 60_000);
});
