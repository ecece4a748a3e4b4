// For each kind of turn the real recordings in ../shared/fixtures show, the emulator emits the
// same event types in the same order. Runs of deltas are collapsed (their count depends on the
// reply). Transport-specific events are set aside on each side, and said so where it happens.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { collapseRuns, connectRaw, isSubsequence, pcmFrames, readWavPcm16 } from './helpers.js';

const fixturesDir = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
const speechWav = fileURLToPath(new URL('./__fixtures__/speech-24k.wav', import.meta.url));

function fixtureTypes(name: string): string[] {
  return readFileSync(`${fixturesDir}${name}.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { type: string }).type);
}

/** Events that only exist over WebRTC (the beta recordings are WebRTC sessions). */
const WEBRTC_ONLY = new Set([
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'conversation.item.truncated',
]);
/** Audio deltas exist only over WebSocket (the emulator's transport). */
const WEBSOCKET_AUDIO = new Set(['response.audio.delta', 'response.output_audio.delta']);
/** Input transcription is asynchronous: it may land anywhere after the commit, in both. */
const ASYNC_TRANSCRIPTION = (type: string) =>
  type.startsWith('conversation.item.input_audio_transcription.');

let emulator: EmulatorHandle;
const closers: Array<() => void> = [];

beforeAll(async () => {
  emulator = await startEmulator({ speechRate: 50, allowBeta: true });
});

afterAll(async () => {
  for (const close of closers) close();
  await emulator?.close();
});

async function connect(dialect: 'ga' | 'beta') {
  const client = await connectRaw(
    `${emulator.url}?model=${dialect === 'beta' ? 'gpt-4o-realtime-preview-2024-12-17' : 'gpt-realtime'}`,
    {
      headers: {
        authorization: 'Bearer sk-test',
        ...(dialect === 'beta' ? { 'openai-beta': 'realtime=v1' } : {}),
      },
    },
  );
  closers.push(() => client.socket.close());
  await client.log.waitFor('session.created');
  return client;
}

function speak(send: (event: Record<string, unknown>) => void): void {
  for (const frame of pcmFrames(readWavPcm16(speechWav)))
    send({ type: 'input_audio_buffer.append', audio: frame });
}

describe('event orders match the recordings', () => {
  it('beta text turn (beta-text-turn.jsonl)', async () => {
    const { send, log } = await connect('beta');
    send({ type: 'session.update', session: { modalities: ['text'] } });
    await log.waitFor('session.updated');
    send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Define pending' }],
      },
    });
    send({ type: 'response.create' });
    await log.waitFor('response.done');
    const ours = log.types();
    // The recorded log has no rate_limits.updated at all (its position "varies", per the reference).
    const actual = collapseRuns(
      ours.slice(ours.indexOf('response.created')).filter((type) => type !== 'rate_limits.updated'),
    );
    expect(actual).toEqual(collapseRuns(fixtureTypes('beta-text-turn')));
  });

  it('beta spoken turn with server VAD (beta-webrtc-session.jsonl, second turn)', async () => {
    const { send, log } = await connect('beta');
    send({
      type: 'session.update',
      session: { input_audio_transcription: { model: 'whisper-1' } },
    });
    await log.waitFor('session.updated');
    speak(send);
    await log.waitFor('response.done');
    const recorded = fixtureTypes('beta-webrtc-session');
    const turn = recorded.slice(
      recorded.indexOf('input_audio_buffer.speech_started'),
      recorded.lastIndexOf('response.done') + 1,
    );
    const expected = collapseRuns(
      turn.filter((type) => !WEBRTC_ONLY.has(type) && !ASYNC_TRANSCRIPTION(type)),
    );
    const ours = log.types();
    const actual = collapseRuns(
      ours
        .slice(ours.indexOf('input_audio_buffer.speech_started'))
        .filter((type) => !WEBSOCKET_AUDIO.has(type) && !ASYNC_TRANSCRIPTION(type)),
    );
    expect(actual).toEqual(expected);
    expect(ours.some(ASYNC_TRANSCRIPTION)).toBe(true);
  });

  it('beta function call (beta-webrtc-session-function-call.jsonl)', async () => {
    const { send, log } = await connect('beta');
    send({
      type: 'session.update',
      session: {
        tools: [
          {
            type: 'function',
            name: 'transferToSupervisor',
            description: 'Transfer',
            parameters: {
              type: 'object',
              properties: { reason: { type: 'string' } },
              required: ['reason'],
            },
          },
        ],
        tool_choice: { type: 'function', name: 'transferToSupervisor' },
      },
    });
    await log.waitFor('session.updated');
    send({ type: 'response.create' });
    await log.waitFor('response.done');
    const recorded = fixtureTypes('beta-webrtc-session-function-call');
    const callStart = recorded.indexOf('response.function_call_arguments.delta') - 2; // output_item.added, conversation.item.created
    const expected = collapseRuns(
      recorded.slice(callStart, recorded.indexOf('response.done', callStart) + 1),
    );
    const ours = log.types();
    expect(collapseRuns(ours.slice(ours.indexOf('response.output_item.added')))).toEqual(expected);
    // The recorded response opens with response.created then rate_limits.updated, as ours does.
    expect(
      ours.slice(ours.indexOf('response.created'), ours.indexOf('response.created') + 2),
    ).toEqual(['response.created', 'rate_limits.updated']);
  });

  it('GA session start and spoken turn (ga-websocket-session.jsonl, ga-websocket-fragments.jsonl)', async () => {
    const { send, log } = await connect('ga');
    send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'You are a polite AI assistant on a phone call. Keep answers short.',
      },
    });
    await log.waitFor('session.updated');
    speak(send);
    await log.waitFor('rate_limits.updated');
    const recorded = fixtureTypes('ga-websocket-session');
    const ours = log.types().filter((type) => !WEBSOCKET_AUDIO.has(type));
    expect(ours.slice(0, 2)).toEqual(recorded.slice(0, 2));
    // Lines 14–23 of the GA capture are one contiguous, ordered run: speech_started … first transcript delta.
    const head = recorded.slice(13);
    const start = ours.indexOf('input_audio_buffer.speech_started');
    expect(ours.slice(start, start + head.length)).toEqual(head);
    // The sparse tail pieces, in the order the captures show them.
    expect(isSubsequence(fixtureTypes('ga-websocket-fragments'), ours)).toBe(true);
    expect(isSubsequence(['response.content_part.done', 'rate_limits.updated'], ours)).toBe(true);
  });
});
