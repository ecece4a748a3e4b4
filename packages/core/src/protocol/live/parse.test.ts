import { describe, expect, it } from 'vitest';
import { liveSequences } from '../../test-utils/live-sequences.js';
import { isUnknownEvent } from '../frame.js';
import { ownValue } from '../json.js';
import { liveClientEventSchemas, LIVE_CONTROL_CLIENT_EVENTS } from './client-events.js';
import { parseLiveServerEvent, serializeLiveClientEvent } from './parse.js';
import { parseLiveClientEvent } from './parse-client.js';
import { liveServerEventSchemas } from './server-events.js';
import { liveSessionConfigSchema } from './session.js';

const serverSteps = liveSequences.flatMap((sequence) =>
  sequence.steps.filter((step) => step.from === 'server').map((step) => step.event),
);
const clientSteps = liveSequences.flatMap((sequence) =>
  sequence.steps.filter((step) => step.from === 'client').map((step) => step.event),
);

describe('the reference sequences', () => {
  it('parse as known Live server events, unchanged and without warnings', () => {
    expect(serverSteps.length).toBeGreaterThan(30);
    for (const event of serverSteps) {
      for (const validate of [true, false]) {
        const result = parseLiveServerEvent(JSON.stringify(event), { validate });
        expect(result.success, event.type).toBe(true);
        if (!result.success) continue;
        expect(isUnknownEvent(result.event)).toBe(false);
        expect(result.event).toEqual(event);
        expect(result.warnings).toBeUndefined();
      }
    }
  });

  it('match the full zod schemas of @parley/core/schemas', () => {
    for (const event of serverSteps) {
      const schema = ownValue<{ safeParse(value: unknown): { success: boolean } }>(
        liveServerEventSchemas,
        event.type,
      );
      expect(schema?.safeParse(event).success, event.type).toBe(true);
    }
  });

  it('client events parse as known Live client events and serialize back to the same JSON', () => {
    expect(clientSteps.length).toBeGreaterThan(10);
    for (const event of clientSteps) {
      const text = serializeLiveClientEvent(event);
      const result = parseLiveClientEvent(text);
      expect(result.success, event.type).toBe(true);
      if (result.success) expect(result.event).toEqual(event);
    }
  });
});

describe('tolerant reading (unknown events and fields never stall)', () => {
  it('an unknown event type parses as an unknown event keeping its payload', () => {
    const raw = { type: 'session.paused', event_id: 'event_p1', client_event_id: 'x' };
    const result = parseLiveServerEvent(JSON.stringify(raw));
    expect(result.success).toBe(true);
    if (result.success && isUnknownEvent(result.event)) expect(result.event.raw).toEqual(raw);
    else expect.fail('expected an unknown event');
  });

  it('unknown fields pass through untouched', () => {
    const raw = {
      type: 'session.output_transcript.delta',
      event_id: 'e1',
      delta: ' hi',
      start_ms: 1,
      end_ms: 2,
      speaker_confidence: 0.9,
    };
    const result = parseLiveServerEvent(raw);
    expect(result.success && result.event).toEqual(raw);
  });

  it('a fragment without times is kept with warnings; one without text fails', () => {
    const noTimes = parseLiveServerEvent({
      type: 'session.input_transcript.delta',
      delta: ' hey',
      start_ms: null,
      end_ms: '12',
    });
    expect(noTimes.success).toBe(true);
    if (noTimes.success) {
      expect(noTimes.event).toEqual({ type: 'session.input_transcript.delta', delta: ' hey' });
      expect(noTimes.warnings?.map((warning) => warning.path)).toEqual(['start_ms', 'end_ms']);
    }
    const noText = parseLiveServerEvent({
      type: 'session.input_transcript.delta',
      start_ms: 1,
      end_ms: 2,
    });
    expect(noText.success).toBe(false);
    if (!noText.success) expect(noText.error.issues[0]?.path).toEqual(['delta']);
  });

  it('session.closed with a new reason, no session and a string usage still parses', () => {
    const result = parseLiveServerEvent({
      type: 'session.closed',
      event_id: 'e',
      reason: 'maintenance',
      usage: { seconds: '12' },
    });
    expect(result.success).toBe(true);
    if (result.success) {
      expect(result.event).toMatchObject({ type: 'session.closed', reason: 'maintenance' });
      expect(result.warnings?.map((warning) => warning.path).sort()).toEqual([
        'reason',
        'usage.seconds',
      ]);
    }
  });

  it('a nested Responses event without a type is kept with a warning', () => {
    const result = parseLiveServerEvent({
      type: 'response.event',
      event_id: 'e',
      delegation_id: 'item_1',
      event: { sequence_number: 3 },
    });
    expect(result.success).toBe(true);
    if (result.success) expect(result.warnings?.[0]?.path).toBe('event.type');
  });

  it('a delegation without an id or an error without a message fails as a protocol error', () => {
    const delegation = parseLiveServerEvent({
      type: 'session.delegation.created',
      offset_ms: 1,
      delegation: { type: 'delegation', target: 'client' },
    });
    expect(delegation.success).toBe(false);
    const error = parseLiveServerEvent({ type: 'error', error: { code: null } });
    expect(error.success).toBe(false);
    if (!error.success) expect(error.error.message).toContain('error.message');
  });

  it('an error with a null code (the wire) is read as it came', () => {
    const event = {
      type: 'error',
      event_id: 'e',
      error: { type: 'invalid_request_error', code: null, message: 'bad' },
    };
    const result = parseLiveServerEvent(event);
    expect(result.success && result.event).toEqual(event);
  });

  it('bad frames fail without throwing', () => {
    for (const frame of ['{', '[]', '{"no":"type"}', 42]) {
      const result = parseLiveServerEvent(frame);
      expect(result.success).toBe(false);
    }
  });
});

describe('client events (what a relay or an emulator accepts)', () => {
  it('an unknown client event is an unknown event, a malformed known one fails', () => {
    const unknown = parseLiveClientEvent({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    expect(unknown.success && isUnknownEvent(unknown.event)).toBe(true);
    const missing = parseLiveClientEvent({ type: 'session.commentary.append', content: 'hi' });
    expect(missing.success).toBe(false);
    if (!missing.success) expect(missing.error.issues[0]?.path).toEqual(['delegation_id']);
  });

  it('the control channels accept every client event but start and audio', () => {
    expect(LIVE_CONTROL_CLIENT_EVENTS).not.toContain('session.start');
    expect(LIVE_CONTROL_CLIENT_EVENTS).not.toContain('session.input_audio.append');
    expect(LIVE_CONTROL_CLIENT_EVENTS.length).toBe(Object.keys(liveClientEventSchemas).length - 2);
  });

  it('the startup config names the fields the API knows (for a strict server)', () => {
    expect(Object.keys(liveSessionConfigSchema.shape).sort()).toEqual([
      'audio',
      'client',
      'delegation',
      'input',
      'instructions',
      'model',
      'safety_identifier',
      'store',
      'triggers',
    ]);
  });
});
