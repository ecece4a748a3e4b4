import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ParleyAudioPort } from '@parley/audio-worklets';
import { AudioPortContext } from '../audio-context.js';
import { createFakeVoiceSession } from '@parley/core/test-utils';
import { renderWithSession } from '../test-utils/render.js';
import { DevicePickers } from './device-pickers.js';

const devices = [
  { deviceId: 'default', kind: 'audioinput', label: 'Default', groupId: 'g0' },
  { deviceId: 'mic-usb', kind: 'audioinput', label: 'USB microphone', groupId: 'g1' },
  { deviceId: 'spk-hdmi', kind: 'audiooutput', label: 'HDMI speaker', groupId: 'g2' },
];

function fakeAudioPort(overrides: Partial<ParleyAudioPort> = {}): ParleyAudioPort {
  return {
    setInputDevice: vi.fn(() => Promise.resolve()),
    setOutputDevice: vi.fn(() => Promise.resolve()),
    ...overrides,
  } as unknown as ParleyAudioPort;
}

function withAudio(audio: ParleyAudioPort) {
  return function Wrapped({ children }: { children: ReactNode }): ReactNode {
    return <AudioPortContext.Provider value={audio}>{children}</AudioPortContext.Provider>;
  };
}

beforeEach(() => {
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      enumerateDevices: () => Promise.resolve(devices),
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    },
  });
  Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', {
    configurable: true,
    value: () => Promise.resolve(),
  });
});

afterEach(() => {
  cleanup();
  Reflect.deleteProperty(navigator, 'mediaDevices');
  Reflect.deleteProperty(HTMLMediaElement.prototype, 'setSinkId');
});

for (const strict of [false, true]) {
  describe(`DevicePickers${strict ? ' (StrictMode)' : ''}`, () => {
    async function renderPickers(audio: ParleyAudioPort): Promise<void> {
      const Wrapper = withAudio(audio);
      renderWithSession(
        <Wrapper>
          <DevicePickers />
        </Wrapper>,
        createFakeVoiceSession({ status: 'connected' }),
        { strict },
      );
      await act(async () => {
        await Promise.resolve();
      });
    }

    it('lists the microphones and speakers and switches the audio port to the chosen ones', async () => {
      const audio = fakeAudioPort();
      await renderPickers(audio);
      const microphone = screen.getByLabelText('Microphone');
      expect(
        [...microphone.querySelectorAll('option')].map((option) => option.textContent),
      ).toEqual(['System default', 'USB microphone']);
      fireEvent.change(microphone, { target: { value: 'mic-usb' } });
      expect(audio.setInputDevice).toHaveBeenCalledWith('mic-usb');
      fireEvent.change(screen.getByLabelText('Speaker'), { target: { value: 'spk-hdmi' } });
      expect(audio.setOutputDevice).toHaveBeenCalledWith('spk-hdmi');
    });

    it('says so when a device cannot be opened', async () => {
      const audio = fakeAudioPort({
        setInputDevice: vi.fn(() => Promise.reject(new Error('device busy'))),
      });
      await renderPickers(audio);
      await act(async () => {
        fireEvent.change(screen.getByLabelText('Microphone'), { target: { value: 'mic-usb' } });
        await Promise.resolve();
      });
      expect(screen.getByRole('alert').textContent).toBe(
        'That microphone could not be opened: device busy',
      );
    });
  });
}
