import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TurnMetrics as TurnMetricsData } from '@parley/core';
import { Composer } from './composer.js';
import { MuteButton } from './mute-button.js';
import { PushToTalkButton } from './push-to-talk-button.js';
import { TurnMetrics } from './turn-metrics.js';
import { createFakeVoiceSession, idleSnapshot } from '@parley/core/test-utils';
import { actOnSession, renderWithSession } from '../test-utils/render.js';

afterEach(cleanup);

function turn(responseId: string, patch: Partial<TurnMetricsData> = {}): TurnMetricsData {
  return {
    responseId,
    userStoppedAt: 1000,
    firstAudioReceivedAt: 1300,
    firstAudioPlayedAt: 1342,
    timeToFirstAudioMs: 300,
    timeToFirstPlayMs: 342,
    tools: [],
    usage: null,
    costUsd: null,
    ...patch,
  };
}

for (const strict of [false, true]) {
  describe(`controls${strict ? ' (StrictMode)' : ''}`, () => {
    it('mutes and unmutes, showing the state as pressed', () => {
      const session = createFakeVoiceSession();
      renderWithSession(<MuteButton />, session, { strict });
      actOnSession(() => fireEvent.click(screen.getByRole('button', { name: 'Mute' })));
      expect(session.commands).toEqual(['mute:true']);
      expect(screen.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe(
        'true',
      );
    });

    it('talks while the button is held, by pointer or by keyboard', () => {
      const session = createFakeVoiceSession({ status: 'connected' });
      renderWithSession(<PushToTalkButton />, session, { strict });
      const button = screen.getByRole('button', { name: 'Hold to talk' });
      fireEvent.pointerDown(button, { pointerId: 1 });
      fireEvent.pointerUp(button, { pointerId: 1 });
      fireEvent.keyDown(button, { key: ' ' });
      fireEvent.keyDown(button, { key: ' ', repeat: true });
      fireEvent.keyUp(button, { key: ' ' });
      expect(session.commands).toEqual([
        'startPushToTalk',
        'stopPushToTalk',
        'startPushToTalk',
        'stopPushToTalk',
      ]);
    });

    it('cannot push to talk before the conversation starts', () => {
      const session = createFakeVoiceSession();
      renderWithSession(<PushToTalkButton />, session, { strict });
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Hold to talk' }).disabled).toBe(
        true,
      );
    });

    it('sends typed text and clears the box', () => {
      const session = createFakeVoiceSession({ status: 'connected' });
      renderWithSession(<Composer />, session, { strict });
      const box = screen.getByLabelText('Message');
      fireEvent.change(box, { target: { value: '  What are your fees?  ' } });
      fireEvent.click(screen.getByRole('button', { name: 'Send' }));
      expect(session.commands).toEqual(['sendText:What are your fees?']);
      expect((box as HTMLInputElement).value).toBe('');
    });

    it('lists latency, tools and cost per turn, with the totals', () => {
      const session = createFakeVoiceSession({ status: 'connected' });
      renderWithSession(<TurnMetrics />, session, { strict });
      expect(screen.getByText("Each answer's latency and cost will be listed here.")).toBeTruthy();
      actOnSession(() =>
        session.setSnapshot({
          usage: { ...idleSnapshot().usage, costUsd: 0.0065, responses: 2 },
          metrics: {
            turns: [
              turn('resp_1', { costUsd: 0.004 }),
              turn('resp_2', {
                timeToFirstPlayMs: 1240,
                tools: [{ name: 'get_weather', durationMs: 88 }],
                costUsd: 0.0025,
              }),
            ],
            turnCount: 2,
            meanTimeToFirstPlayMs: 791,
            meanTimeToFirstAudioMs: 300,
          },
        }),
      );
      const rows = screen.getAllByRole('row').slice(1);
      expect(rows.map((row) => row.textContent)).toEqual([
        '1342 ms300 ms—$0.0040',
        '21.2 s300 msget_weather 88 ms$0.0025',
      ]);
      expect(screen.getByTestId('total-cost').textContent).toBe('$0.0065');
    });
  });
}
