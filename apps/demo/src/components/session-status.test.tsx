import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '@parley/core';
import { SessionAlerts } from './session-alerts.js';
import { StartButton } from './start-button.js';
import { StatusAnnouncer, TransportNote } from './session-status.js';
import { createFakeVoiceSession } from '@parley/core/test-utils';
import { actOnSession, actOnSessionAsync, renderWithSession } from '../test-utils/render.js';

afterEach(cleanup);

for (const strict of [false, true]) {
  describe(`session status${strict ? ' (StrictMode)' : ''}`, () => {
    it('names the start control "Start conversation", then "End conversation"', async () => {
      const session = createFakeVoiceSession();
      renderWithSession(<StartButton />, session, { strict });
      await actOnSessionAsync(async () => {
        screen.getByRole('button', { name: 'Start conversation' }).click();
        await Promise.resolve();
      });
      expect(screen.getByRole('button', { name: 'End conversation' })).toBeTruthy();
      expect(session.socketsOpened).toBe(1);
    });

    it('says which transport carries the audio, and why it fell back to the relay', () => {
      const session = createFakeVoiceSession();
      renderWithSession(<TransportNote />, session, { strict });
      expect(screen.queryByTestId('transport')).toBeNull();
      actOnSession(() => session.setSnapshot({ status: 'connected', transport: 'webrtc' }));
      expect(screen.getByTestId('transport').textContent).toBe('Audio over WebRTC');
      actOnSession(() =>
        session.setSnapshot({ transport: 'websocket', transportFallbackReason: 'ice_failed' }),
      );
      expect(screen.getByTestId('transport').textContent).toBe(
        'Audio over WebSocket (the network blocked WebRTC)',
      );
    });

    it('announces status changes politely', () => {
      const session = createFakeVoiceSession();
      renderWithSession(<StatusAnnouncer />, session, { strict });
      const region = screen.getByRole('status');
      expect(region.getAttribute('aria-live')).toBe('polite');
      actOnSession(() => session.setSnapshot({ status: 'connecting' }));
      expect(region.textContent).toBe('Connecting to the agent.');
      actOnSession(() => session.setSnapshot({ status: 'reconnecting', reconnectAttempt: 2 }));
      expect(region.textContent).toBe('Connection lost. Reconnecting, attempt 2.');
      actOnSession(() => session.setSnapshot({ status: 'closed' }));
      expect(region.textContent).toBe('Conversation ended.');
    });

    it('announces the end when the visitor ends the conversation', () => {
      const session = createFakeVoiceSession({ status: 'connected' });
      renderWithSession(<StatusAnnouncer />, session, { strict });
      const region = screen.getByRole('status');
      expect(region.textContent).toBe('Connected. The agent is listening.');
      actOnSession(() => session.setSnapshot({ status: 'idle' }));
      expect(region.textContent).toBe('Conversation ended.');
    });

    it('explains a denied microphone and offers to try again', () => {
      const session = createFakeVoiceSession({
        status: 'error',
        error: new ParleyError('permission', 'Permission denied'),
      });
      renderWithSession(<SessionAlerts />, session, { strict });
      const alert = screen.getByRole('alert');
      expect(alert.textContent).toContain('Microphone access is blocked');
      expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    });

    it('tells the visitor when the server cannot be reached, while reconnecting, and when it ended', () => {
      const session = createFakeVoiceSession({
        status: 'error',
        error: new ParleyError('transport', 'socket closed'),
      });
      renderWithSession(<SessionAlerts />, session, { strict });
      expect(screen.getByRole('alert').textContent).toContain(
        'The Parley server cannot be reached',
      );
      actOnSession(() =>
        session.setSnapshot({ status: 'reconnecting', error: null, reconnectAttempt: 1 }),
      );
      expect(screen.getByRole('alert').textContent).toContain('reconnecting');
      actOnSession(() => session.setSnapshot({ status: 'closed' }));
      expect(screen.getByRole('status').textContent).toContain('Conversation ended.');
    });
  });
}
