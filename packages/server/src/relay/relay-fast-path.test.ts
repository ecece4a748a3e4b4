import { parseServerEvent } from '@parley/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardOnlyServerEvents, leadingType } from './fast-path.js';

describe('upstream fast path', () => {
  it('reads the type of a frame that starts with it, and nothing else (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.jsonValue(), (type, rest) => {
        const text = JSON.stringify({ type, rest });
        const read = leadingType(Buffer.from(text, 'utf8'));
        // Either the exact type, or "parse it" (escapes, non-ASCII, very long types).
        if (read !== null) expect(read).toBe(type);
        if (/^[\x20-\x7e]{0,96}$/.test(type) && !/["\\]/.test(type)) expect(read).toBe(type);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const read = leadingType(Buffer.from(text, 'utf8'));
        if (read === null) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          return;
        }
        // A well-formed frame whose type came first: the bytes said what the parser says.
        if (!/"type"\s*:.*"type"\s*:/s.test(text)) {
          expect((parsed as { type?: unknown }).type).toBe(read);
        }
      }),
      { numRuns: 2000 },
    );
    for (const text of [
      ' {"type":"x"}',
      '{"type" :"x"}',
      '{"event_id":"e","type":"x"}',
      '{"type":1}',
    ]) {
      expect(leadingType(Buffer.from(text))).toBeNull();
    }
    expect(
      leadingType(Buffer.from('{"type":"response.output_audio.delta","event_id":"e","delta":""}')),
    ).toBe('response.output_audio.delta');
  });

  it('forwards unparsed only GA events the core parser neither renames nor adapts', () => {
    for (const type of forwardOnlyServerEvents) {
      const parsed = parseServerEvent(JSON.stringify({ type, event_id: 'e' }), { validate: false });
      expect(parsed.success).toBe(true);
      if (parsed.success) {
        expect(parsed.event.type).toBe(type);
        expect('unknown' in parsed.event).toBe(false);
      }
    }
    for (const type of [
      'session.created',
      'session.updated',
      'error',
      'response.created',
      'response.done',
      'response.output_item.done',
      'conversation.item.created',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.completed',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'response.audio.delta',
    ]) {
      expect(forwardOnlyServerEvents.has(type)).toBe(false);
    }
  });
});
