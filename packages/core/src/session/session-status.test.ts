import { describe, expect, it } from 'vitest';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';
import { isSessionActive } from './session-status.js';
import type { VoiceSessionStatus } from '../types.js';

describe('isSessionActive', () => {
  it('is true from connecting to closing: connecting, connected and reconnecting', () => {
    const statuses: VoiceSessionStatus[] = [
      'idle',
      'connecting',
      'connected',
      'reconnecting',
      'closed',
      'error',
    ];
    expect(statuses.filter(isSessionActive)).toEqual(['connecting', 'connected', 'reconnecting']);
  });

  it('accepts text while active but not yet connected, and sends it once the link is open', async () => {
    const kit = createTestSession();
    const connected = kit.session.connect();
    await settle();
    expect(kit.session.getSnapshot().status).toBe('connecting');
    expect(isSessionActive(kit.session.getSnapshot().status)).toBe(true);
    kit.session.sendText('Do you have parking?');
    expect(kit.transport.sentOf('conversation.item.create')).toHaveLength(0);
    kit.transport.receive(server.sessionCreated());
    if (kit.transport.sentOf('session.update').length > 0) {
      kit.transport.receive(server.sessionUpdated());
    }
    await connected;
    expect(kit.session.getSnapshot().status).toBe('connected');
    expect(kit.transport.sentOf('conversation.item.create')).toHaveLength(1);
  });

  it('is false once the session is closed, when the next step is connect()', async () => {
    const kit = createTestSession();
    await kit.connect();
    await kit.session.disconnect();
    expect(isSessionActive(kit.session.getSnapshot().status)).toBe(false);
  });
});
