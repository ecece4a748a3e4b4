// Browser side of the benchmarks: Parley's worklets (the built dist/) against the seeds' approach
// (ScriptProcessorNode(4096) capture at a 24 kHz context; one AudioBufferSourceNode per chunk),
// each measured the same way in the same browser.
import { createPlayer } from '../dist/index.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mean = (values) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

/** Schedules `count` 2 ms pulses of 0.5 on `source.offset`, 200-220 ms apart; returns their times. */
function schedulePulses(context, source, count) {
  const times = [];
  let time = context.currentTime + 0.3;
  for (let index = 0; index < count; index++) {
    time += 0.2 + Math.random() * 0.02;
    source.offset.setValueAtTime(0.5, time);
    source.offset.setValueAtTime(0, time + 0.002);
    times.push(time);
  }
  return times;
}

/**
 * Capture latency: a pulse enters the graph at context time T; the frame holding it reaches the
 * main thread when context.currentTime reads `now`. Per pulse: `now - T` for that sample, and
 * `now - T + index / rate` for the oldest sample of its frame (what a frame size adds).
 */
function latencyTracker(times, rate, threshold) {
  const pulseLatencies = [];
  const oldestLatencies = [];
  let next = 0;
  let inPulse = false;
  return {
    scan(samples, now) {
      for (let index = 0; index < samples.length; index++) {
        const loud = samples[index] > threshold;
        if (loud && !inPulse && next < times.length) {
          const latency = now - times[next++];
          pulseLatencies.push(latency * 1000);
          oldestLatencies.push((latency + index / rate) * 1000);
        }
        inPulse = loud;
      }
    },
    result: () => ({
      pulses: pulseLatencies.length,
      sampleMs: mean(pulseLatencies),
      oldestMs: mean(oldestLatencies),
      worstOldestMs: Math.max(...oldestLatencies),
    }),
  };
}

export async function captureLatencyParley({
  pulses = 25,
  contextRate = 48000,
  frameMs = 20,
} = {}) {
  const context = new AudioContext({ sampleRate: contextRate, latencyHint: 'interactive' });
  await context.audioWorklet.addModule('/worklets/capture.js');
  const node = new AudioWorkletNode(context, 'parley-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    processorOptions: {
      targetRate: 24000,
      frameSamples: (frameMs * 24000) / 1000,
      levelIntervalMs: 1000 / 30,
      muted: false,
    },
  });
  const source = context.createConstantSource();
  source.offset.value = 0;
  source.connect(node);
  node.connect(context.destination);
  source.start();
  const times = schedulePulses(context, source, pulses);
  const tracker = latencyTracker(times, 24000, 8000);
  node.port.onmessage = (event) => {
    if (event.data.type === 'frame') tracker.scan(event.data.samples, context.currentTime);
  };
  await sleep((times.at(-1) - context.currentTime) * 1000 + 600);
  await context.close();
  return tracker.result();
}

/** The same pulses through a worklet that posts every render quantum at once (no framing). */
export async function captureLatencyReference({ pulses = 25, contextRate = 48000 } = {}) {
  const context = new AudioContext({ sampleRate: contextRate, latencyHint: 'interactive' });
  await context.audioWorklet.addModule('/bench/probe.js');
  const node = new AudioWorkletNode(context, 'bench-tap', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
  });
  const source = context.createConstantSource();
  source.offset.value = 0;
  source.connect(node);
  node.connect(context.destination);
  source.start();
  const times = schedulePulses(context, source, pulses);
  const tracker = latencyTracker(times, contextRate, 0.25);
  node.port.onmessage = (event) => tracker.scan(event.data.samples, context.currentTime);
  await sleep((times.at(-1) - context.currentTime) * 1000 + 600);
  await context.close();
  return tracker.result();
}

export async function captureLatencySeeds({ pulses = 25 } = {}) {
  const context = new AudioContext({ sampleRate: 24000, latencyHint: 'interactive' });
  const processor = context.createScriptProcessor(4096, 1, 1);
  const source = context.createConstantSource();
  source.offset.value = 0;
  source.connect(processor);
  processor.connect(context.destination);
  source.start();
  const times = schedulePulses(context, source, pulses);
  const tracker = latencyTracker(times, 24000, 0.25);
  processor.onaudioprocess = (event) => {
    const now = context.currentTime;
    const input = event.inputBuffer.getChannelData(0);
    // What the seeds do with each buffer: PCM16 and base64.
    const pcm16 = new Int16Array(input.length);
    for (let index = 0; index < input.length; index++) {
      const sample = Math.max(-1, Math.min(1, input[index]));
      pcm16[index] = sample < 0 ? sample * 0x8000 : sample * 0x7fff;
    }
    btoa(String.fromCharCode(...new Uint8Array(pcm16.buffer)));
    tracker.scan(input, now);
  };
  await sleep((times.at(-1) - context.currentTime) * 1000 + 800);
  await context.close();
  return tracker.result();
}

function chunkOf(samples, value = 0.3) {
  const pcm16 = new Int16Array(samples);
  for (let index = 0; index < samples; index++) {
    pcm16[index] = Math.round(
      (value + 0.2 * Math.sin((2 * Math.PI * 440 * index) / 24000)) * 32767,
    );
  }
  return pcm16;
}

async function probeFor(context) {
  await context.audioWorklet.addModule('/bench/probe.js');
  const probe = new AudioWorkletNode(context, 'bench-probe', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
  });
  probe.connect(context.destination);
  const waiters = [];
  probe.port.onmessage = (event) => {
    const index = waiters.findIndex((waiter) => waiter.type === event.data.type);
    if (index >= 0) waiters.splice(index, 1)[0].resolve(event.data.frame / context.sampleRate);
  };
  return {
    node: probe,
    next: (type) => new Promise((resolve) => waiters.push({ type, resolve })),
  };
}

/** Parley: chunk enqueued → first sample rendered; flush() → first silent sample. Repeated. */
export async function playbackParley({ rounds = 10, prerollMs = 40, contextRate = 48000 } = {}) {
  const context = new AudioContext({ sampleRate: contextRate, latencyHint: 'interactive' });
  const probe = await probeFor(context);
  const player = createPlayer({
    context,
    prerollMs,
    workletUrl: '/worklets/playback.js',
    output: 'context',
  });
  await player.start();
  player.output.connect(probe.node);
  const starts = [];
  const flushes = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(100);
    const sound = probe.next('sound');
    const enqueuedAt = context.currentTime;
    player.enqueue(`item_${round}`, chunkOf(2400 * 5)); // a 500 ms delta
    starts.push(((await sound) - enqueuedAt) * 1000);
    await sleep(150);
    const silence = probe.next('silence');
    const flushedAt = context.currentTime;
    await player.flush();
    flushes.push(((await silence) - flushedAt) * 1000);
  }
  await player.stop();
  await context.close();
  return { startMs: mean(starts), flushMs: mean(flushes) };
}

/** The seeds: one AudioBufferSourceNode per chunk scheduled at nextPlayTime; stop() them all to flush. */
export async function playbackSeeds({ rounds = 10, contextRate = 24000 } = {}) {
  const context = new AudioContext({ sampleRate: contextRate, latencyHint: 'interactive' });
  const probe = await probeFor(context);
  const bus = context.createGain();
  bus.connect(probe.node);
  let sources = [];
  let nextPlayTime = 0;
  const play = (pcm16) => {
    const float32 = new Float32Array(pcm16.length);
    for (let index = 0; index < pcm16.length; index++) float32[index] = pcm16[index] / 0x8000;
    const buffer = context.createBuffer(1, float32.length, 24000);
    buffer.getChannelData(0).set(float32);
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(bus);
    if (nextPlayTime < context.currentTime) nextPlayTime = context.currentTime;
    source.start(nextPlayTime);
    nextPlayTime += buffer.duration;
    sources.push(source);
  };
  const starts = [];
  const flushes = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(100);
    const sound = probe.next('sound');
    const enqueuedAt = context.currentTime;
    play(chunkOf(2400 * 5));
    starts.push(((await sound) - enqueuedAt) * 1000);
    await sleep(150);
    const silence = probe.next('silence');
    const flushedAt = context.currentTime;
    for (const source of sources) {
      source.stop();
      source.disconnect();
    }
    sources = [];
    nextPlayTime = 0;
    flushes.push(((await silence) - flushedAt) * 1000);
  }
  await context.close();
  return { startMs: mean(starts), flushMs: mean(flushes) };
}

/** Render time of an offline graph, in ms. */
async function renderMs(context) {
  const started = performance.now();
  const buffer = await context.startRendering();
  return { ms: performance.now() - started, buffer };
}

/** Milliseconds of rendering per second of audio for the capture processors (minus a bare graph). */
export async function captureCpu({ seconds = 60 } = {}) {
  const bare = async (rate) => {
    const context = new OfflineAudioContext(1, rate * seconds, rate);
    const oscillator = context.createOscillator();
    oscillator.connect(context.destination);
    oscillator.start();
    return (await renderMs(context)).ms;
  };
  const parley = new OfflineAudioContext(1, 48000 * seconds, 48000);
  await parley.audioWorklet.addModule('/worklets/capture.js');
  const node = new AudioWorkletNode(parley, 'parley-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    processorOptions: {
      targetRate: 24000,
      frameSamples: 480,
      levelIntervalMs: 1000 / 30,
      muted: false,
    },
  });
  let parleyFrames = 0;
  node.port.onmessage = (event) => {
    if (event.data.type === 'frame') parleyFrames++;
  };
  const oscillator = parley.createOscillator();
  oscillator.connect(node);
  node.connect(parley.destination);
  oscillator.start();
  const parleyMs = (await renderMs(parley)).ms - (await bare(48000));

  const seeds = new OfflineAudioContext(1, 24000 * seconds, 24000);
  const processor = seeds.createScriptProcessor(4096, 1, 1);
  let seedBuffers = 0;
  processor.onaudioprocess = (event) => {
    const input = event.inputBuffer.getChannelData(0);
    const pcm16 = new Int16Array(input.length);
    for (let index = 0; index < input.length; index++) {
      const sample = Math.max(-1, Math.min(1, input[index]));
      pcm16[index] = sample < 0 ? sample * 0x8000 : sample * 0x7fff;
    }
    btoa(String.fromCharCode(...new Uint8Array(pcm16.buffer)));
    seedBuffers++;
  };
  const seedOscillator = seeds.createOscillator();
  seedOscillator.connect(processor);
  processor.connect(seeds.destination);
  seedOscillator.start();
  const seedsMs = (await renderMs(seeds)).ms - (await bare(24000));
  await sleep(100);
  return {
    parleyMsPerSecond: parleyMs / seconds,
    seedsMsPerSecond: seedsMs / seconds,
    parleyFrames,
    seedBuffers,
  };
}

/** Milliseconds of rendering per second of audio for playback (48 kHz contexts, 100 ms chunks). */
export async function playbackCpu({ seconds = 60 } = {}) {
  const chunks = seconds * 10;
  const bare = new OfflineAudioContext(1, 48000 * seconds, 48000);
  const silent = bare.createConstantSource();
  silent.connect(bare.destination);
  silent.start();
  const bareMs = (await renderMs(bare)).ms;

  const parley = new OfflineAudioContext(1, 48000 * seconds, 48000);
  const player = createPlayer({
    context: parley,
    prerollMs: 0,
    workletUrl: '/worklets/playback.js',
    output: 'context',
  });
  await player.start();
  for (let index = 0; index < chunks; index++) player.enqueue('item_cpu', chunkOf(2400));
  await sleep(500);
  const parleyRender = await renderMs(parley);
  let parleyRendered = 0;
  for (const sample of parleyRender.buffer.getChannelData(0)) if (sample !== 0) parleyRendered++;

  const seeds = new OfflineAudioContext(1, 48000 * seconds, 48000);
  let nextPlayTime = 0;
  for (let index = 0; index < chunks; index++) {
    const pcm16 = chunkOf(2400);
    const float32 = new Float32Array(pcm16.length);
    for (let sample = 0; sample < pcm16.length; sample++) float32[sample] = pcm16[sample] / 0x8000;
    const buffer = seeds.createBuffer(1, float32.length, 24000);
    buffer.getChannelData(0).set(float32);
    const source = seeds.createBufferSource();
    source.buffer = buffer;
    source.connect(seeds.destination);
    source.start(nextPlayTime);
    nextPlayTime += buffer.duration;
  }
  const seedsRender = await renderMs(seeds);
  return {
    parleyMsPerSecond: (parleyRender.ms - bareMs) / seconds,
    seedsMsPerSecond: (seedsRender.ms - bareMs) / seconds,
    parleyRenderedSeconds: parleyRendered / 48000,
  };
}

window.parleyBench = {
  captureLatencyParley,
  captureLatencyReference,
  captureLatencySeeds,
  playbackParley,
  playbackSeeds,
  captureCpu,
  playbackCpu,
};
