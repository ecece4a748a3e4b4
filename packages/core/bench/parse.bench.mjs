// Server-event parsing throughput: audio deltas of 20 ms and 100 ms (PCM16 24 kHz, base64),
// transcript deltas and a response.done, with and without validation, against bare JSON.parse,
// and validated against the previous parser (full zod schemas on every event), rebuilt from git
// in the same run (previous-parser.mjs).
import { readFileSync } from 'node:fs';
import { encodeBase64, loadBetaDialect, parseServerEvent } from '../dist/index.js';
import { row, throughput } from './harness.mjs';
import { loadPreviousParser, previousCommit } from './previous-parser.mjs';

function audioDelta(milliseconds, type = 'response.output_audio.delta') {
  const bytes = new Uint8Array((24000 * 2 * milliseconds) / 1000).map(
    (_, index) => (index * 31) & 0xff,
  );
  return JSON.stringify({
    type,
    event_id: 'event_Ct1OkERqGuVLIDkWkL23S',
    response_id: 'resp_Ct1OjWbqaXJ0yDdPHCkVN',
    item_id: 'item_Ct1OjOjYjYH3yB6ALWWVw',
    output_index: 0,
    content_index: 0,
    delta: encodeBase64(bytes),
  });
}

const transcriptDelta = JSON.stringify({
  type: 'response.output_audio_transcript.delta',
  event_id: 'event_Ct1OkERqGuVLIDkWkL23S',
  response_id: 'resp_Ct1OjWbqaXJ0yDdPHCkVN',
  item_id: 'item_Ct1OjOjYjYH3yB6ALWWVw',
  output_index: 0,
  content_index: 0,
  delta: ' highest',
  obfuscation: 'ODLPYS9t',
});

// The last response.done of a recorded (beta) session: usage, output items, content parts.
const responseDone = readFileSync(
  new URL('../../../../shared/fixtures/beta-webrtc-session.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .findLast((line) => line.includes('"type":"response.done"'));

export async function run() {
  // The beta cases read beta frames: the dialect's translators load on demand.
  await loadBetaDialect();
  const cases = [
    ['audio delta 20 ms', audioDelta(20), 'ga'],
    ['audio delta 100 ms', audioDelta(100), 'ga'],
    ['transcript delta', transcriptDelta, 'ga'],
    ['beta response.done', responseDone, 'beta'],
    ['beta audio delta 20 ms', audioDelta(20, 'response.audio.delta'), 'beta'],
  ];
  const previous = await loadPreviousParser();
  const rows = [];
  for (const [name, frame, dialect] of cases) {
    for (const validate of [true, false]) {
      const result = parseServerEvent(frame, { dialect, validate });
      if (!result.success) throw result.error;
    }
    const bare = throughput(() => JSON.parse(frame));
    const validated = throughput(() => parseServerEvent(frame, { dialect, validate: true }));
    const fast = throughput(() => parseServerEvent(frame, { dialect, validate: false }));
    rows.push(
      row(`parse ${name} (validated)`, validated, 'events/s', {
        baseline: 'JSON.parse only',
        baselineValue: bare,
      }),
      row(`parse ${name} (validate: false)`, fast, 'events/s', {
        baseline: 'JSON.parse only',
        baselineValue: bare,
      }),
    );
    if (previous) {
      const before = previous(frame, { dialect, validate: true });
      if (!before.success) throw before.error;
      // Interleaved, three times each, medians: load from other processes hits both alike.
      const now = [];
      const old = [];
      for (let turn = 0; turn < 3; turn++) {
        now.push(
          throughput(() => parseServerEvent(frame, { dialect, validate: true }), { rounds: 5 }),
        );
        old.push(throughput(() => previous(frame, { dialect, validate: true }), { rounds: 5 }));
      }
      const median = (values) => values.sort((a, b) => a - b)[1];
      rows.push(
        row(`parse ${name} (validated) vs the previous parser`, median(now), 'events/s', {
          baseline: `zod parser of ${previousCommit}`,
          baselineValue: median(old),
          target: 'not slower',
          minRatio: 1,
        }),
      );
    }
  }
  return rows;
}
