import { useEffect, useId, useState } from 'react';
import type { ReactNode } from 'react';
import { listDevices, watchDevices } from '@parley/audio-worklets';
import type { AudioDevice } from '@parley/audio-worklets';
import { useVoiceSelector } from '@parley/react';
import { useAudioPort } from '../audio-context.js';

/** Whether this browser can route audio to a chosen speaker (Chromium can; Safari and Firefox mostly cannot). */
function canPickOutput(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

function useDevices(kind: 'audioinput' | 'audiooutput', refreshKey: unknown): AudioDevice[] {
  const [devices, setDevices] = useState<AudioDevice[]>([]);
  useEffect(() => {
    let cancelled = false;
    const load = (): void => {
      listDevices(kind)
        .then((found) => {
          if (!cancelled) setDevices(found);
        })
        .catch(() => undefined);
    };
    load();
    const stop = watchDevices(load);
    return () => {
      cancelled = true;
      stop();
    };
  }, [kind, refreshKey]);
  return devices;
}

function deviceLabel(device: AudioDevice, index: number, kind: string): string {
  if (device.label) return device.label;
  if (device.deviceId === 'default') return 'System default';
  return `${kind} ${index + 1}`;
}

/**
 * Microphone and speaker pickers. Switching the microphone during a conversation swaps the
 * device without reconnecting. Labels appear once the browser has granted microphone access.
 */
export function DevicePickers(): ReactNode {
  const audio = useAudioPort();
  // Labels are hidden until permission is granted, so list again once connected.
  const status = useVoiceSelector((snapshot) => snapshot.status);
  const inputs = useDevices('audioinput', status);
  const outputs = useDevices('audiooutput', status);
  const [inputId, setInputId] = useState('');
  const [outputId, setOutputId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const inputFieldId = useId();
  const outputFieldId = useId();
  const outputSupported = canPickOutput();

  const chooseInput = (deviceId: string): void => {
    setInputId(deviceId);
    setProblem(null);
    audio?.setInputDevice(deviceId || undefined).catch((error: unknown) => {
      setProblem(
        `That microphone could not be opened: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  };
  const chooseOutput = (deviceId: string): void => {
    setOutputId(deviceId);
    setProblem(null);
    audio?.setOutputDevice(deviceId).catch((error: unknown) => {
      setProblem(
        `That speaker could not be selected: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  };

  return (
    <div className="devices">
      <div className="field">
        <label htmlFor={inputFieldId}>Microphone</label>
        <select
          id={inputFieldId}
          value={inputId}
          onChange={(event) => chooseInput(event.target.value)}
        >
          <option value="">System default</option>
          {inputs
            .filter((device) => device.deviceId && device.deviceId !== 'default')
            .map((device, index) => (
              <option key={device.deviceId} value={device.deviceId}>
                {deviceLabel(device, index, 'Microphone')}
              </option>
            ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={outputFieldId}>Speaker</label>
        <select
          id={outputFieldId}
          value={outputId}
          disabled={!outputSupported}
          onChange={(event) => chooseOutput(event.target.value)}
          aria-describedby={outputSupported ? undefined : `${outputFieldId}-note`}
        >
          <option value="">System default</option>
          {outputs
            .filter((device) => device.deviceId && device.deviceId !== 'default')
            .map((device, index) => (
              <option key={device.deviceId} value={device.deviceId}>
                {deviceLabel(device, index, 'Speaker')}
              </option>
            ))}
        </select>
        {outputSupported ? null : (
          <p id={`${outputFieldId}-note`} className="field__note">
            This browser plays through the system speaker only.
          </p>
        )}
      </div>
      {problem ? (
        <p className="field__error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
