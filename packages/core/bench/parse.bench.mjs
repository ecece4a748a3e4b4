// Server-event parsing throughput: audio deltas of 20 ms and 100 ms (PCM16 24 kHz, base64) and
// transcript deltas, with and without full schema validation, against bare JSON.parse.
import { encodeBase64, parseServerEvent } from '../dist/index.js';
import { row, throughput } from './harness.mjs';

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

export async function run() {
  const cases = [
    ['audio delta 20 ms', audioDelta(20), 'ga'],
    ['audio delta 100 ms', audioDelta(100), 'ga'],
    ['transcript delta', transcriptDelta, 'ga'],
    ['beta audio delta 20 ms', audioDelta(20, 'response.audio.delta'), 'beta'],
  ];
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
  }
  return rows;
}
