// Browser side of the audio tests: bundled by esbuild, served from a loopback server under a strict
// CSP, and driven from Node through page.evaluate(window.parleyTest.*).
import { createAudioPort, createMicrophone, createPlayer, listDevices } from '../../src/index.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
}

/** Options of {@link capture}. */
export interface CaptureRun {
  sampleRate: number;
  durationMs: number;
  frameMs?: number;
}

/** Captures the fake microphone for `durationMs` and returns every frame. */
async function capture(run: CaptureRun) {
  const microphone = createMicrophone({
    sampleRate: run.sampleRate,
    frameMs: run.frameMs ?? 20,
    workletUrl: '/worklets/capture.js',
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
  });
  const frames: Int16Array[] = [];
  const sequences: number[] = [];
  let levels = 0;
  let maxRms = 0;
  let speakingSeen = false;
  microphone.on('frame', (frame) => {
    frames.push(frame.samples);
    sequences.push(frame.sequence);
  });
  const levelTimes: number[] = [];
  microphone.on('level', (level) => {
    levelTimes.push(performance.now());
    levels++;
    maxRms = Math.max(maxRms, level.rms);
    speakingSeen ||= level.speaking;
  });
  const captureTimes: number[] = [];
  microphone.on('frame', (frame) => captureTimes.push(frame.captureTime));
  await microphone.start();
  const context = microphone.context!;
  const contextRate = context.sampleRate;
  // Tap the same source the capture worklet reads, to compare its frames with its exact input.
  await context.audioWorklet.addModule('/worklets/recorder.js');
  const tap = new AudioWorkletNode(context, 'test-recorder', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    processorOptions: { maxFrames: Math.ceil(((run.durationMs + 1000) * contextRate) / 1000) },
  });
  microphone.source!.connect(tap);
  tap.connect(context.destination);
  const startedAt = performance.now();
  await sleep(run.durationMs);
  const levelsInWindow = levelTimes.filter(
    (time) => time >= startedAt && time <= startedAt + run.durationMs,
  ).length;
  const input = await new Promise<Recording>((resolve) => {
    tap.port.onmessage = (event: MessageEvent<Recording>) => resolve(event.data);
    tap.port.postMessage({ type: 'dump' });
  });
  await microphone.stop();
  const elapsedMs = performance.now() - startedAt;
  const total = frames.reduce((sum, frame) => sum + frame.length, 0);
  const joined = new Int16Array(total);
  let offset = 0;
  for (const frame of frames) {
    joined.set(frame, offset);
    offset += frame.length;
  }
  return {
    contextRate,
    elapsedMs,
    frameLengths: frames.map((frame) => frame.length),
    sequences,
    levels,
    levelsInWindow,
    maxRms,
    speakingSeen,
    pcm: toBase64(new Uint8Array(joined.buffer)),
    firstCaptureFrame: Math.round((captureTimes[0] ?? 0) * contextRate),
    input: toBase64(new Uint8Array(input.samples.buffer)),
    inputStartFrame: input.startFrame,
  };
}

/** One chunk of a playback schedule: `length` samples of item `itemId` from `offset`, sent at `atMs`. */
export interface ScheduledChunk {
  atMs: number;
  itemId: string;
  offset: number;
  length: number;
}

/** Options of {@link playback}. */
export interface PlaybackRun {
  sampleRate: number;
  prerollMs: number;
  chunks: ScheduledChunk[];
  /** When to flush (ms after the first chunk), if at all. */
  flushAtMs?: number;
  /** Total time to record (ms). */
  recordMs: number;
}

/** The test signal of every item: never zero, so exact zeros in the output are silence. */
function itemSignal(offset: number, length: number): Int16Array {
  const samples = new Int16Array(length);
  for (let index = 0; index < length; index++) {
    const n = offset + index;
    samples[index] = Math.round((0.3 + 0.2 * Math.sin((2 * Math.PI * 440 * n) / 24000)) * 32767);
  }
  return samples;
}

interface Recording {
  startFrame: number;
  samples: Float32Array;
  markers: { name: string; frame: number }[];
}

/** Plays a chunk schedule through a player and records its output sample by sample. */
async function playback(run: PlaybackRun) {
  const context = new AudioContext({ sampleRate: run.sampleRate, latencyHint: 'interactive' });
  await context.audioWorklet.addModule('/worklets/recorder.js');
  const player = createPlayer({
    context,
    prerollMs: run.prerollMs,
    workletUrl: '/worklets/playback.js',
    output: 'context',
  });
  const events: { type: string; itemId: string; atMs: number; playedSamples?: number }[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  player.on('started', (itemId) => events.push({ type: 'started', itemId, atMs: now() }));
  player.on('idle', (position) =>
    events.push({
      type: 'idle',
      itemId: position.itemId,
      atMs: now(),
      playedSamples: position.playedSamples,
    }),
  );
  player.on('underrun', ({ itemId }) => events.push({ type: 'underrun', itemId, atMs: now() }));
  let silentFromFrame: number | null = null;
  player.on('flushed', ({ silentFrom }) => {
    silentFromFrame = Math.round(silentFrom * context.sampleRate);
  });
  await player.start();
  const recorder = new AudioWorkletNode(context, 'test-recorder', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    processorOptions: { maxFrames: Math.ceil(((run.recordMs + 2000) * run.sampleRate) / 1000) },
  });
  player.output!.connect(recorder);
  recorder.connect(context.destination);
  await sleep(50);

  const start = performance.now();
  const timers = run.chunks.map(
    (chunk) =>
      new Promise<void>((resolve) => {
        setTimeout(() => {
          player.enqueue(chunk.itemId, itemSignal(chunk.offset, chunk.length));
          resolve();
        }, chunk.atMs);
      }),
  );
  let flush: { position: unknown; callMs: number; resolvedMs: number } | null = null;
  if (run.flushAtMs !== undefined) {
    await sleep(run.flushAtMs - (performance.now() - start));
    recorder.port.postMessage({ type: 'marker', name: 'flush' });
    const callMs = now();
    const position = await player.flush();
    flush = { position, callMs, resolvedMs: now() };
  }
  await Promise.all(timers);
  await sleep(Math.max(0, run.recordMs - (performance.now() - start)));
  const recording = await new Promise<Recording>((resolve) => {
    recorder.port.onmessage = (event: MessageEvent<Recording>) => resolve(event.data);
    recorder.port.postMessage({ type: 'dump' });
  });
  const stats = player.stats;
  await player.stop();
  await context.close();

  const samples = recording.samples;
  let first = -1;
  let last = -1;
  let nonZero = 0;
  for (let index = 0; index < samples.length; index++) {
    if (samples[index] !== 0) {
      if (first < 0) first = index;
      last = index;
      nonZero++;
    }
  }
  // Zero runs strictly inside the rendered span are gaps the listener heard.
  const gaps: { atFrame: number; frames: number }[] = [];
  for (let index = first; first >= 0 && index <= last; index++) {
    if (samples[index] === 0) {
      const begin = index;
      while (index <= last && samples[index] === 0) index++;
      gaps.push({ atFrame: recording.startFrame + begin, frames: index - begin });
    }
  }
  const marker = recording.markers.find((entry) => entry.name === 'flush');
  // Samples rendered after the flush reached the audio thread (the worklet's own report), and
  // after the marker posted just before flush() reached the recorder on the same thread.
  const countFrom = (frame: number | null) => {
    let count = 0;
    if (frame === null) return count;
    for (let index = Math.max(0, frame - recording.startFrame); index < samples.length; index++) {
      if (samples[index] !== 0) count++;
    }
    return count;
  };
  const nonZeroAfterFlush = countFrom(silentFromFrame);
  const nonZeroAfterMarker = countFrom(marker?.frame ?? null);
  let minInsideSpan = Infinity;
  for (let index = first; first >= 0 && index <= last; index++) {
    const sample = samples[index]!;
    if (sample !== 0 && sample < minInsideSpan) minInsideSpan = sample;
  }
  return {
    contextRate: context.sampleRate,
    nonZero,
    firstFrame: recording.startFrame + first,
    lastFrame: recording.startFrame + last,
    gaps,
    minInsideSpan,
    stats,
    events,
    flush,
    flushMarkerFrame: marker?.frame ?? null,
    silentFromFrame: silentFromFrame as number | null,
    nonZeroAfterFlush,
    nonZeroAfterMarker,
  };
}

const workletUrls = {
  microphone: { workletUrl: '/worklets/capture.js' },
  player: { workletUrl: '/worklets/playback.js' },
};

/** Why starting a microphone failed, as the typed error's reason and code. */
async function startFailure(options: { deviceId?: string; workletUrl?: string }) {
  const microphone = createMicrophone({ workletUrl: '/worklets/capture.js', ...options });
  try {
    await microphone.start();
    await microphone.stop();
    return null;
  } catch (error) {
    const failure = error as { name: string; reason?: string; code?: string };
    return {
      name: failure.name,
      reason: failure.reason,
      code: failure.code,
      state: microphone.state,
    };
  }
}

/** A port whose microphone is refused: start() rejects with the reason, yet the speaker plays. */
async function portWithRefusedMicrophone() {
  const port = createAudioPort({ microphone: workletUrls.microphone, player: workletUrls.player });
  const idle: { itemId: string; playedSamples: number }[] = [];
  port.on('playbackIdle', (position) => idle.push(position));
  const failure = await port.start().then(
    () => null,
    (error: { reason?: string; code?: string }) => ({ reason: error.reason, code: error.code }),
  );
  const stateAfterStart = port.state;
  port.enqueue('item_refused', itemSignal(0, 4800));
  const deadline = performance.now() + 3000;
  while (idle.length === 0 && performance.now() < deadline) await sleep(20);
  const context = port.context!;
  await port.stop();
  return { failure, stateAfterStart, idle, contextClosed: context.state === 'closed' };
}

/** The audio port end to end: frames, levels, a hot device switch, playback, mute. */
async function portRoundTrip() {
  const port = createAudioPort({
    microphone: {
      ...workletUrls.microphone,
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    },
    player: workletUrls.player,
  });
  const states: string[] = [];
  port.onStateChange((state) => states.push(state));
  let frames = 0;
  const frameLengths = new Set<number>();
  port.on('frame', (pcm16) => {
    frames++;
    frameLengths.add(pcm16.length);
  });
  let levels = 0;
  let maxOutputRms = 0;
  port.on('levels', (value) => {
    levels++;
    maxOutputRms = Math.max(maxOutputRms, value.output.rms);
  });
  const started: string[] = [];
  const idle: { itemId: string; playedSamples: number }[] = [];
  port.on('playbackStarted', (itemId) => started.push(itemId));
  port.on('playbackIdle', (position) => idle.push(position));

  await port.start();
  const context = port.context!;
  const sequences: number[] = [];
  port.microphone!.on('frame', (frame) => sequences.push(frame.sequence));
  const inputs = await listDevices('audioinput');
  await sleep(300);
  const before = port.microphone!.deviceId;
  const other = inputs.find(
    (device) => device.deviceId !== before && device.deviceId !== 'default',
  );
  await port.setInputDevice(other?.deviceId);
  const after = port.microphone!.deviceId;
  await sleep(300);

  port.enqueue('item_port', itemSignal(0, 7200));
  const deadline = performance.now() + 3000;
  while (idle.length === 0 && performance.now() < deadline) await sleep(20);

  port.setInputMuted(true);
  await sleep(100);
  const framesWhenMuted = frames;
  await sleep(300);
  const framesWhileMuted = frames - framesWhenMuted;
  port.setInputMuted(false);
  await sleep(200);
  const framesAfterUnmute = frames - framesWhenMuted - framesWhileMuted;
  const sameContext = port.context === context;
  const position = port.position('item_port');
  await port.stop();
  return {
    states,
    frames,
    frameLengths: [...frameLengths],
    sequencesContinuous: sequences.every(
      (sequence, index) => index === 0 || sequence === sequences[index - 1]! + 1,
    ),
    levels,
    maxOutputRms,
    inputs: inputs.map((device) => ({ deviceId: device.deviceId, label: device.label })),
    before,
    after,
    sameContext,
    started,
    idle,
    position,
    framesWhileMuted,
    framesAfterUnmute,
    contextClosed: context.state === 'closed',
  };
}

/** Output-only port on a page without autoplay permission: blocked until a click. */
async function blockedUntilGesture() {
  const port = createAudioPort({ outputOnly: true, player: workletUrls.player });
  const states: string[] = [];
  port.onStateChange((state) => states.push(state));
  await port.start();
  (window as unknown as { blockedPort: typeof port }).blockedPort = port;
  return { state: port.state, states };
}

function blockedPort() {
  return (window as unknown as { blockedPort: ReturnType<typeof createAudioPort> }).blockedPort;
}

async function waitForState(state: string) {
  const port = blockedPort();
  const deadline = performance.now() + 2000;
  while (port.state !== state && performance.now() < deadline) await sleep(20);
  return { state: port.state, contextState: port.context?.state };
}

/** What iOS does on a phone call: the running context gets suspended behind the app's back. */
async function interrupt() {
  await blockedPort().context?.suspend();
  return waitForState('blocked');
}

async function stopBlocked() {
  await blockedPort().stop();
}

declare global {
  interface Window {
    parleyTest: {
      capture: typeof capture;
      playback: typeof playback;
      startFailure: typeof startFailure;
      portRoundTrip: typeof portRoundTrip;
      portWithRefusedMicrophone: typeof portWithRefusedMicrophone;
      blockedUntilGesture: typeof blockedUntilGesture;
      waitForState: typeof waitForState;
      interrupt: typeof interrupt;
      stopBlocked: typeof stopBlocked;
    };
  }
}

// `?blocked` starts an output-only port as the page loads, before any automation call could
// count as a user gesture (Playwright's evaluate does).
// The result goes out as a console message, which Node reads without evaluating anything.
if (location.search === '?blocked') {
  void blockedUntilGesture().then((result) =>
    console.info(`blocked-result ${JSON.stringify(result)}`),
  );
}

window.parleyTest = {
  capture,
  playback,
  startFailure,
  portRoundTrip,
  portWithRefusedMicrophone,
  blockedUntilGesture,
  waitForState,
  interrupt,
  stopBlocked,
};
