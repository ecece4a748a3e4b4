import { cleanup, fireEvent, screen } from '@testing-library/react';
import { REALTIME_CAPABILITIES } from '@parley/core';
import { afterEach, describe, expect, it } from 'vitest';
import { LATENCY_DEFINITION, type TurnMetrics as TurnMetricsData } from '@parley/core';
import { Composer } from './composer.js';
import { MuteButton } from './mute-button.js';
import { PushToTalkButton } from './push-to-talk-button.js';
import { PushToTalkHint } from './push-to-talk-hint.js';
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

    it('says speaking alone does nothing only for an agent with turn detection off', () => {
      const manual = renderWithSession(
        <PushToTalkHint turnDetection="manual" />,
        createFakeVoiceSession(),
        { strict },
      );
      expect(screen.getByTestId('push-to-talk-hint').textContent).toMatch(
        /listens only while you hold “Hold to talk”: speaking alone does nothing/,
      );
      manual.unmount();
      for (const kind of ['server_vad', 'semantic_vad', undefined] as const) {
        const view = renderWithSession(
          <PushToTalkHint turnDetection={kind} />,
          createFakeVoiceSession(),
          { strict },
        );
        expect(screen.queryByTestId('push-to-talk-hint')).toBeNull();
        view.unmount();
      }
    });

    it('cannot push to talk before the conversation starts', () => {
      const session = createFakeVoiceSession();
      renderWithSession(<PushToTalkButton />, session, { strict });
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Hold to talk' }).disabled).toBe(
        true,
      );
    });

    it('offers no push-to-talk on GPT-Live, whose model decides when a turn ends', () => {
      const session = createFakeVoiceSession({
        status: 'connected',
        capabilities: {
          ...REALTIME_CAPABILITIES['realtime-ga'],
          family: 'live',
          turnTaking: 'model',
          commitAudio: false,
        },
      });
      renderWithSession(<PushToTalkButton />, session, { strict });
      expect(screen.queryByRole('button', { name: 'Hold to talk' })).toBeNull();
    });

    it('shows a GPT-Live session in billed seconds and context used, not tokens', async () => {
      const session = createFakeVoiceSession({ status: 'connected' });
      renderWithSession(<TurnMetrics />, session, { strict });
      expect(screen.getByText('Tokens')).toBeTruthy();
      actOnSession(() =>
        session.setSnapshot({
          usage: {
            ...idleSnapshot().usage,
            billing: 'seconds',
            seconds: 42.5,
            contextUsageRatio: 0.0123,
            costUsd: 0.0354,
          },
        }),
      );
      expect((await screen.findByTestId('billed-seconds')).textContent).toBe('42.5 s');
      expect(screen.getByText('1.2%')).toBeTruthy();
      expect(screen.queryByText('Tokens')).toBeNull();
      expect(screen.getByTestId('total-cost').textContent).toBe('$0.035');
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

    it('lists latency (as core defines it), when it was heard, tools and cost per turn, with the totals', () => {
      const session = createFakeVoiceSession({ status: 'connected' });
      renderWithSession(<TurnMetrics />, session, { strict });
      expect(screen.getByText("Each answer's latency and cost will be listed here.")).toBeTruthy();
      // The same words the admin shows beside its latency figures.
      expect(screen.getByTestId('latency-definition').textContent).toBe(LATENCY_DEFINITION);
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
      // Latency is the time to the first audio arriving; "Heard" is when it played.
      expect(rows.map((row) => row.textContent)).toEqual([
        '1300 ms342 ms—$0.0040',
        '2300 ms1.2 sget_weather 88 ms$0.0025',
      ]);
      expect(screen.getByTestId('average-latency').textContent).toBe('300 ms');
      expect(screen.getByTestId('total-cost').textContent).toBe('$0.0065');
    });
  });
}
