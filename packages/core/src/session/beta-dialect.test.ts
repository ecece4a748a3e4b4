import { describe, expect, it, vi } from 'vitest';
import { betaDialect } from '../protocol/beta-loader.js';
import { createTestSession } from '../test-utils/session-kit.js';

// The beta dialect is a lazily loaded chunk: a session whose credentials choose it loads it
// before the transport opens, so the first beta frame is already read right. Own file, so the
// dialect starts unloaded here.

describe('a session on the beta dialect', () => {
  it('a GA session never loads the beta translators', async () => {
    const kit = createTestSession();
    await kit.connect();
    expect(kit.session.getSnapshot().status).toBe('connected');
    expect(betaDialect()).toBeNull();
  });

  it('loads the beta translators at connect, then reads and writes beta frames', async () => {
    expect(betaDialect()).toBeNull();
    const kit = createTestSession({
      dialect: 'beta',
      session: { instructions: 'Be brief.' },
    });
    const connected = kit.session.connect();
    // The chunk loads before the transport opens.
    await vi.waitFor(() => expect(kit.transport.connections).toHaveLength(1));
    expect(betaDialect()).not.toBeNull();
    // The beta flat session of session.created, translated to GA.
    kit.transport.receive({
      type: 'session.created',
      event_id: 'e1',
      session: {
        id: 'sess_beta',
        object: 'realtime.session',
        model: 'gpt-4o-realtime-preview',
        modalities: ['text', 'audio'],
        voice: 'alloy',
      },
    });
    const update = kit.transport.sentOf('session.update');
    expect(update).toHaveLength(1);
    // Written in the beta dialect: the flat session, no GA `type`.
    expect(update[0]!.session).toMatchObject({ instructions: 'Be brief.' });
    expect(update[0]!.session).not.toHaveProperty('type');
    kit.transport.receive({
      type: 'session.updated',
      event_id: 'e2',
      session: {
        id: 'sess_beta',
        object: 'realtime.session',
        instructions: 'Be brief.',
        voice: 'alloy',
      },
    });
    await connected;
    expect(kit.session.getSnapshot()).toMatchObject({ status: 'connected', error: null });
    expect(kit.internalErrors).toEqual([]);
  });
});
