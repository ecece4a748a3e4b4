// Input and output levels of a WebRTC call, for visualizers: the microphone stream and the remote
// stream each feed an AnalyserNode, read every 50 ms (the bindings' notify interval).
import type { AudioLevels, Clock, TimerHandle } from '../ports.js';

/** A running level meter; `stop()` releases its AudioContext. */
export interface MediaLevels {
  stop(): void;
}

const INTERVAL_MS = 50;
/** RMS above which the local user is taken to be speaking (a UI hint, as the AudioPort's). */
const SPEAKING_RMS = 0.02;

function measure(analyser: AnalyserNode | null, buffer: Float32Array<ArrayBuffer>) {
  if (analyser === null) return { rms: 0, peak: 0 };
  analyser.getFloatTimeDomainData(buffer);
  let sum = 0;
  let peak = 0;
  for (const sample of buffer) {
    sum += sample * sample;
    const magnitude = Math.abs(sample);
    if (magnitude > peak) peak = magnitude;
  }
  return { rms: Math.sqrt(sum / buffer.length), peak };
}

/**
 * Meters `microphone` and `remote` and reports both every 50 ms; returns null where there is no
 * Web Audio (levels are a nicety: their absence never fails the call).
 */
export function createMediaLevels(
  microphone: MediaStream,
  remote: MediaStream | null,
  clock: Clock,
  report: (levels: AudioLevels) => void,
): MediaLevels | null {
  const Context = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (Context === undefined) return null;
  let context: AudioContext;
  try {
    context = new Context();
  } catch {
    return null;
  }
  const analyse = (stream: MediaStream | null): AnalyserNode | null => {
    if (stream === null || stream.getAudioTracks().length === 0) return null;
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    return analyser;
  };
  const input = analyse(microphone);
  const output = analyse(remote);
  const buffer = new Float32Array(1024);
  let timer: TimerHandle = null;
  const tick = (): void => {
    const inputLevel = measure(input, buffer);
    const outputLevel = measure(output, buffer);
    report({
      input: inputLevel,
      output: outputLevel,
      inputSpeaking: inputLevel.rms > SPEAKING_RMS,
    });
    timer = clock.setTimeout(tick, INTERVAL_MS);
  };
  timer = clock.setTimeout(tick, INTERVAL_MS);
  return {
    stop() {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      context.close().catch(() => undefined);
    },
  };
}
