import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RealtimeConnection } from './connection.js';
import { generateVoiceLikeSpeech, type SpeechSynthesizer } from './speech.js';

const synthesizer: SpeechSynthesizer = {
  engine: 'generated',
  synthesize: (text, voice, speed) =>
    Promise.resolve(generateVoiceLikeSpeech(text.slice(0, 40), voice, speed)),
  close: () => Promise.resolve(),
};

const TYPES = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
  'emulator.reply',
  'emulator.transcript',
];

// Events that are shaped like client events, with fields drawn from plausible and absurd values.
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('item_x', 'call_x', 'root', 'auto', 'none', 'realtime', 'AAAA', 0, -1, 1e9, null),
);
const event = fc.record(
  {
    type: fc.constantFrom(...TYPES),
    event_id: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    session: fc.option(
      fc.record(
        {
          type: fc.constantFrom('realtime', 'transcription', 'x'),
          instructions: value,
          audio: value,
          tools: value,
          tool_choice: value,
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    item: fc.option(
      fc.record(
        {
          type: fc.constantFrom('message', 'function_call', 'function_call_output', 'x'),
          role: fc.constantFrom('user', 'assistant', 'system'),
          content: value,
          call_id: value,
          output: value,
          name: value,
          id: value,
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    item_id: fc.option(value, { nil: undefined }),
    audio_end_ms: fc.option(value, { nil: undefined }),
    content_index: fc.option(value, { nil: undefined }),
    audio: fc.option(fc.oneof(fc.base64String({ maxLength: 400 }), value), { nil: undefined }),
    response: fc.option(value, { nil: undefined }),
    previous_item_id: fc.option(value, { nil: undefined }),
    text: fc.option(value, { nil: undefined }),
  },
  { requiredKeys: ['type'] },
);

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date', 'performance'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RealtimeConnection under arbitrary client events', () => {
  it('never throws, never closes, and answers every refusal with a well-formed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 25 }),
        fc.constantFrom<'ga' | 'beta'>('ga', 'beta'),
        async (events, dialect) => {
          const sent: Array<{
            type: string;
            event_id?: string;
            error?: { type: string; message: string };
          }> = [];
          let closed = false;
          const connection = new RealtimeConnection({
            dialect,
            model: 'gpt-realtime',
            intent: 'realtime',
            synthesizer,
            speechRate: Infinity,
            maxSessionMs: 3_600_000,
            faults: {},
            emitConversationCreated: false,
            maxEventBytes: 1 << 20,
            send: (data) => sent.push(JSON.parse(data) as (typeof sent)[number]),
            close: () => {
              closed = true;
            },
          });
          connection.start();
          for (const client of events) connection.handleFrame(JSON.stringify(client), false);
          await vi.advanceTimersByTimeAsync(1000);
          connection.dispose();
          expect(closed).toBe(false);
          for (const server of sent) {
            expect(server.event_id).toMatch(/^event_[0-9A-Za-z]{21}$/);
            if (server.type === 'error') {
              expect(server.error?.message.length).toBeGreaterThan(0);
              expect(
                server.error?.type === 'invalid_request_error' ||
                  server.error?.type === 'server_error',
              ).toBe(true);
            }
          }
          expect(
            sent.filter(
              (server) => server.type === 'error' && server.error?.type === 'server_error',
            ),
          ).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
