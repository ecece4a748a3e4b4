import { describe, expect, it } from 'vitest';
import { betaDialect, loadBetaDialect } from './beta-loader.js';
import { parseServerEvent, serializeClientEvent } from './parse.js';

// The beta dialect's translators load on demand. This file's module registry is its own, so the
// tests before `loadBetaDialect()` see the dialect unloaded, as a GA app always does.

const betaSessionCreated = {
  type: 'session.created',
  event_id: 'e1',
  session: { id: 'sess_1', modalities: ['text', 'audio'], voice: 'alloy', temperature: 0.8 },
};

describe('before the beta dialect is loaded', () => {
  it('parses GA frames, renaming beta names and content as it always did', () => {
    expect(betaDialect()).toBeNull();
    const renamed = parseServerEvent({
      type: 'response.audio.delta',
      event_id: 'e',
      response_id: 'r',
      item_id: 'i',
      output_index: 0,
      content_index: 0,
      delta: 'AAAA',
    });
    expect(renamed).toMatchObject({
      success: true,
      event: { type: 'response.output_audio.delta' },
    });
    const item = parseServerEvent({
      type: 'conversation.item.created',
      event_id: 'e',
      previous_item_id: null,
      item: {
        id: 'i',
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'text', text: 'hi' }],
      },
    });
    expect(item).toMatchObject({
      success: true,
      event: {
        type: 'conversation.item.added',
        item: { content: [{ type: 'output_text', text: 'hi' }] },
      },
    });
    const done = parseServerEvent({
      type: 'response.done',
      event_id: 'e',
      response: {
        id: 'r',
        object: 'realtime.response',
        status: 'completed',
        output: [],
        voice: 'alloy',
        temperature: 0.7,
      },
    });
    expect(done).toMatchObject({
      success: true,
      event: { response: { audio: { output: { voice: 'alloy' } } } },
      warnings: [expect.objectContaining({ path: 'response.temperature', value: 0.7 })],
    });
    expect(betaDialect()).toBeNull();
  });

  it('fails a beta session frame with a clear error instead of misreading it', () => {
    const result = parseServerEvent(betaSessionCreated, { dialect: 'beta' });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.message).toContain('await loadBetaDialect()');
    expect(result.error.issues[0]?.code).toBe('beta_not_loaded');
    expect(result.error.eventType).toBe('session.created');
    expect(result.error.raw).toBe(betaSessionCreated);
  });

  it('refuses to write a beta frame, with a ProtocolError naming the event', () => {
    expect(() =>
      serializeClientEvent(
        { type: 'session.update', session: { type: 'realtime' } },
        { dialect: 'beta' },
      ),
    ).toThrow(/beta dialect is not loaded.*session\.update/);
    // GA needs nothing loaded.
    expect(serializeClientEvent({ type: 'input_audio_buffer.commit' })).toBe(
      '{"type":"input_audio_buffer.commit"}',
    );
  });
});

describe('once loaded', () => {
  it('translates the beta session both ways', async () => {
    await loadBetaDialect();
    await loadBetaDialect(); // a second call is harmless
    expect(betaDialect()).not.toBeNull();
    const result = parseServerEvent(betaSessionCreated, { dialect: 'beta' });
    expect(result).toMatchObject({
      success: true,
      event: {
        type: 'session.created',
        session: {
          type: 'realtime',
          output_modalities: ['audio'],
          audio: { output: { voice: 'alloy' } },
        },
      },
      warnings: [expect.objectContaining({ path: 'session.temperature', value: 0.8 })],
    });
    const frame = serializeClientEvent(
      { type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'] } },
      { dialect: 'beta' },
    );
    expect(JSON.parse(frame)).toEqual({
      type: 'session.update',
      session: { modalities: ['text', 'audio'] },
    });
  });
});
