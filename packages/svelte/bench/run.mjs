// Benchmarks of the Svelte binding's hot path: audio levels arrive every render quantum
// (~2.7 ms at 48 kHz) and must reach a meter without flooding the UI.
// Baseline: the usual store approach, a `writable` set on every level event.
import { writeFileSync } from 'node:fs';
import { writable } from 'svelte/store';
import { createVoiceSession } from '../dist/index.js';

function fakeSession() {
  const levelListeners = new Set();
  const snapshot = {
    status: 'connected',
    turn: 'listening',
    items: [],
    metrics: {},
    usage: {},
    error: null,
    muted: false,
  };
  return {
    emit(levels) {
      for (const listener of levelListeners) listener(levels);
    },
    subscribe: () => () => {},
    getSnapshot: () => snapshot,
    on: (_event, listener) => {
      levelListeners.add(listener);
      return () => levelListeners.delete(listener);
    },
    registerTool: () => () => {},
    disconnect: () => Promise.resolve(),
  };
}

function fakeClock() {
  let now = 0;
  const timers = new Map();
  let id = 0;
  return {
    now: () => now,
    wallNow: () => now,
    setTimeout(callback, ms) {
      timers.set(++id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle);
    },
    advance(ms) {
      now += ms;
      for (const [key, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(key);
          timer.callback();
        }
      }
    },
  };
}

const quantumMs = 128 / 48; // one render quantum at 48 kHz
const seconds = 60;
const events = Math.round((seconds * 1000) / quantumMs);
const sample = (index) => ({
  input: { rms: (index % 100) / 100, peak: 1 },
  output: { rms: 0, peak: 0 },
  inputSpeaking: false,
});

// 1. UI updates per second of audio: deterministic, on a simulated clock.
function updatesPerSecond() {
  const session = fakeSession();
  const clock = fakeClock();
  const voice = createVoiceSession({ voiceSession: session, clock, levelsIntervalMs: 50 });
  let updates = 0;
  const stop = voice.levelsStore.subscribe(() => (updates += 1));
  updates = 0;
  for (let index = 0; index < events; index++) {
    session.emit(sample(index));
    clock.advance(quantumMs);
  }
  stop();
  voice.destroy();
  return updates / seconds;
}

function naiveUpdatesPerSecond() {
  const store = writable(sample(0));
  let updates = 0;
  const stop = store.subscribe(() => (updates += 1));
  updates = 0;
  for (let index = 0; index < events; index++) store.set(sample(index));
  stop();
  return updates / seconds;
}

// 2. Throughput of the level path itself (events handled per second of CPU).
function throughput(run) {
  const rounds = 5;
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    run();
    const elapsed = performance.now() - start;
    best = Math.max(best, events / (elapsed / 1000));
  }
  return best;
}

function bindingRun() {
  const session = fakeSession();
  const clock = fakeClock();
  const voice = createVoiceSession({ voiceSession: session, clock, levelsIntervalMs: 50 });
  let last = null;
  const stop = voice.levelsStore.subscribe((levels) => (last = levels));
  for (let index = 0; index < events; index++) {
    session.emit(sample(index));
    clock.advance(quantumMs);
  }
  stop();
  voice.destroy();
  return last;
}

function naiveRun() {
  const clock = fakeClock();
  const store = writable(sample(0));
  let last = null;
  const stop = store.subscribe((levels) => (last = levels));
  for (let index = 0; index < events; index++) {
    store.set(sample(index));
    clock.advance(quantumMs);
  }
  stop();
  return last;
}

const throttled = updatesPerSecond();
const naive = naiveUpdatesPerSecond();
const bindingEvents = throughput(bindingRun);
const naiveEvents = throughput(naiveRun);

const rows = [
  {
    name: 'level updates reaching the UI per second of audio',
    value: throttled,
    unit: 'updates/s',
    baseline: 'writable store set per level event',
    baselineValue: naive,
    ratio: naive / throttled,
    target: '<= 25 updates/s (>= 10x fewer)',
    pass: throttled <= 25,
  },
  {
    name: 'level events handled (throttle + store)',
    value: bindingEvents,
    unit: 'events/s',
    baseline: 'writable store set per level event',
    baselineValue: naiveEvents,
    ratio: bindingEvents / naiveEvents,
    target: '>= 100x real time (37,500 events/s)',
    pass: bindingEvents >= 37_500,
  },
];

const pad = (text, width) => String(text).padEnd(width);
console.log(`${pad('benchmark', 52)}${pad('value', 24)}${pad('baseline', 16)}ratio`);
for (const row of rows) {
  console.log(
    `${pad(row.name, 52)}${pad(`${row.value.toFixed(1)} ${row.unit}`, 24)}${pad(row.baselineValue.toFixed(1), 16)}${row.ratio.toFixed(2)}x`,
  );
}
writeFileSync(
  new URL('../bench-results.json', import.meta.url),
  `${JSON.stringify({ package: '@parley/svelte', rows }, null, 2)}\n`,
);
