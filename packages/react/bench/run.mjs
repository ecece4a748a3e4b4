// Benchmarks of the React binding: how much rendering it saves an app. Counts, not timings, so the
// figures are the same on every machine. Runs the built dist/ in jsdom with React 19.
//  1. A component that reads one field (`turn`) while 1,000 unrelated snapshot changes arrive:
//     useVoiceSelector against the baseline of reading the whole snapshot (useVoiceSession).
//  2. A level meter while the session reports levels at 100 Hz for 2 s: useAudioLevels (coalesced
//     per animation frame) against the baseline of a useState update per report.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';

process.env.NODE_ENV ??= 'production';

const dom = new JSDOM('<!doctype html><div id="root"></div>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.navigator ??= dom.window.navigator;
globalThis.HTMLElement = dom.window.HTMLElement;
globalThis.requestAnimationFrame = dom.window.requestAnimationFrame.bind(dom.window);
globalThis.cancelAnimationFrame = dom.window.cancelAnimationFrame.bind(dom.window);
globalThis.IS_REACT_ACT_ENVIRONMENT = false;

const React = await import('react');
const { createRoot } = await import('react-dom/client');
const { flushSync } = await import('react-dom');
const { VoiceSessionProvider, useAudioLevels, useVoiceSelector, useVoiceSession } =
  await import('../dist/index.js');

function fakeSession() {
  let snapshot = { status: 'connected', turn: 'listening', items: [], muted: false, counter: 0 };
  const listeners = new Set();
  const levelListeners = new Set();
  return {
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    getSnapshot: () => snapshot,
    on: (_event, listener) => (levelListeners.add(listener), () => levelListeners.delete(listener)),
    set(patch) {
      snapshot = { ...snapshot, ...patch };
      for (const listener of listeners) listener();
    },
    emitLevels(levels) {
      for (const listener of levelListeners) listener(levels);
    },
    connect: async () => {},
    disconnect: async () => {},
  };
}

async function mount(session, Component) {
  const container = document.createElement('div');
  const root = createRoot(container);
  flushSync(() =>
    root.render(
      React.createElement(VoiceSessionProvider, { session }, React.createElement(Component)),
    ),
  );
  return root;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function rendersForUnrelatedChanges(useTurn) {
  const session = fakeSession();
  let renders = 0;
  const Turn = () => {
    renders += 1;
    useTurn();
    return null;
  };
  const root = await mount(session, Turn);
  renders = 0;
  for (let change = 0; change < 1000; change += 1)
    flushSync(() => session.set({ counter: change }));
  root.unmount();
  return renders;
}

async function meterRendersPerSecond(useLevels) {
  const session = fakeSession();
  let renders = 0;
  const Meter = () => {
    renders += 1;
    useLevels(session);
    return null;
  };
  const root = await mount(session, Meter);
  renders = 0;
  const started = performance.now();
  for (let report = 0; report < 200; report += 1) {
    session.emitLevels({
      input: { rms: report / 200, peak: 0 },
      output: { rms: 0, peak: 0 },
      inputSpeaking: false,
    });
    await sleep(10);
  }
  await sleep(50);
  const seconds = (performance.now() - started) / 1000;
  root.unmount();
  return renders / seconds;
}

// Baseline: state per report, the way a binding without a frame-throttled store does it.
function useLevelsPerReport(session) {
  const [levels, setLevels] = React.useState(null);
  React.useEffect(() => session.on('levels', setLevels), [session]);
  return levels;
}

const selectorRenders = await rendersForUnrelatedChanges(() => useVoiceSelector((s) => s.turn));
const wholeSnapshotRenders = await rendersForUnrelatedChanges(() => useVoiceSession().turn);
const throttled = await meterRendersPerSecond(() => useAudioLevels());
const perReport = await meterRendersPerSecond(useLevelsPerReport);

const round = (value) => Math.round(value * 10) / 10;
const rows = [
  {
    name: 'Renders of a component reading `turn` during 1,000 unrelated snapshot changes (useVoiceSelector)',
    value: selectorRenders,
    unit: 'renders',
    baseline: 'whole snapshot (useVoiceSession)',
    baselineValue: wholeSnapshotRenders,
    ratio: selectorRenders === 0 ? null : round(wholeSnapshotRenders / selectorRenders),
    target: '0',
    pass: selectorRenders === 0,
  },
  {
    name: 'Level meter renders per second with levels reported at 100 Hz (useAudioLevels)',
    value: round(throttled),
    unit: 'renders/s',
    baseline: 'setState per report',
    baselineValue: round(perReport),
    ratio: round(perReport / Math.max(throttled, 1e-9)),
    target: '<= 60 (one per frame)',
    pass: throttled <= 61,
  },
];

console.log('\n@parley/react benchmarks');
for (const row of rows) {
  console.log(
    `  ${row.name}: ${row.value} ${row.unit} (baseline ${row.baseline}: ${row.baselineValue})${row.pass ? '  PASS' : '  FAIL'}`,
  );
}
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
writeFileSync(
  join(packageDir, 'bench-results.json'),
  `${JSON.stringify({ package: '@parley/react', rows }, null, 2)}\n`,
);
dom.window.close();
