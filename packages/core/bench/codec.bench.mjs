// Microphone uplink: one second of 24 kHz float32 audio → PCM16 → base64 → the
// `input_audio_buffer.append` JSON frame. Parley against the seeds' code (per-sample loop and
// `btoa(String.fromCharCode(...bytes))`, from the quick-reference seed) and against Node's
// Buffer base64 as the floor. Also the downlink: a base64 audio delta → float32 for playback.
import {
  decodeBase64,
  floatToPcm16,
  int16ToBytes,
  pcm16ToFloat,
  serializeClientEvent,
} from '../dist/index.js';
import { decodeBase64Portable, encodeBase64Portable } from '../dist/audio/base64.js';
import { encodeBase64 } from '../dist/index.js';
import { row, throughput } from './harness.mjs';

const sampleRate = 24000;

// Speech-like test signal: a few harmonics with a wandering pitch, noise, and some clipping.
function microphoneSecond() {
  const samples = new Float32Array(sampleRate);
  let seed = 12345;
  for (let index = 0; index < samples.length; index++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const time = index / sampleRate;
    const pitch = 140 + 30 * Math.sin(2 * Math.PI * 3 * time);
    const voiced =
      0.5 * Math.sin(2 * Math.PI * pitch * time) +
      0.25 * Math.sin(2 * Math.PI * 2 * pitch * time) +
      0.12 * Math.sin(2 * Math.PI * 3 * pitch * time);
    samples[index] = voiced * 1.6 + (seed / 0x7fffffff - 0.5) * 0.05;
  }
  return samples;
}

// The seeds' uplink, verbatim apart from the socket send.
function seedsUplink(input) {
  const pcm16 = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]));
    pcm16[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
  }
  const base64 = btoa(String.fromCharCode(...new Uint8Array(pcm16.buffer)));
  return JSON.stringify({ type: 'input_audio_buffer.append', audio: base64 });
}

function parleyUplink(input, encode) {
  const audio = encode(int16ToBytes(floatToPcm16(input)));
  return serializeClientEvent({ type: 'input_audio_buffer.append', audio });
}

// The floor: the same conversion with Node's native base64 and a plain JSON.stringify.
function floorUplink(input) {
  const pcm = floatToPcm16(input);
  const audio = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
  return JSON.stringify({ type: 'input_audio_buffer.append', audio });
}

// The seeds' downlink (playback side), verbatim apart from the AudioBuffer.
function seedsDownlink(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const pcm16 = new Int16Array(bytes.buffer);
  const float32 = new Float32Array(pcm16.length);
  for (let i = 0; i < pcm16.length; i++) float32[i] = pcm16[i] / 32768.0;
  return float32;
}

function parleyDownlink(base64, decode) {
  return pcm16ToFloat(decode(base64));
}

export async function run() {
  const input = microphoneSecond();
  const reference = floorUplink(input);
  for (const candidate of [
    parleyUplink(input, encodeBase64),
    parleyUplink(input, encodeBase64Portable),
  ]) {
    if (candidate !== reference) throw new Error('uplink outputs differ from the floor');
  }

  const seeds = throughput(() => seedsUplink(input));
  const floor = throughput(() => floorUplink(input));
  const parley = throughput(() => parleyUplink(input, encodeBase64));
  const portable = throughput(() => parleyUplink(input, encodeBase64Portable));

  const delta = JSON.parse(reference).audio;
  const seedsDown = throughput(() => seedsDownlink(delta));
  const parleyDown = throughput(() => parleyDownlink(delta, decodeBase64));
  const portableDown = throughput(() => parleyDownlink(delta, decodeBase64Portable));

  const unit = 's of audio/s';
  return [
    row('uplink 1 s mic → append JSON: Parley (Node, native base64)', parley, unit, {
      baseline: "seeds' approach",
      baselineValue: seeds,
      target: '>= 5x',
      minRatio: 5,
    }),
    row('uplink 1 s mic → append JSON: Parley portable (browser path)', portable, unit, {
      baseline: "seeds' approach",
      baselineValue: seeds,
      target: '>= 5x',
      minRatio: 5,
    }),
    row('uplink: Parley (Node) vs Buffer floor', parley, unit, {
      baseline: 'Node Buffer floor',
      baselineValue: floor,
      target: '>= 0.5x (within 2x)',
      minRatio: 0.5,
    }),
    row('uplink: Parley portable vs Buffer floor', portable, unit, {
      baseline: 'Node Buffer floor',
      baselineValue: floor,
      target: '>= 0.5x (within 2x)',
      minRatio: 0.5,
    }),
    row('downlink 1 s delta base64 → float32: Parley (Node, native base64)', parleyDown, unit, {
      baseline: "seeds' approach (atob loop)",
      baselineValue: seedsDown,
    }),
    row('downlink 1 s delta base64 → float32: Parley portable', portableDown, unit, {
      baseline: "seeds' approach (atob loop)",
      baselineValue: seedsDown,
    }),
  ];
}
