import { endianness } from 'node:os';
import { EmulatorProtocolError } from './errors.js';
import type { AudioFormat } from './session-config.js';

/** Samples per second of a Realtime audio format (PCM16 is 24 kHz; G.711 is 8 kHz). */
export function sampleRateOf(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? 24000 : 8000;
}

/** Bytes per sample of a Realtime audio format. */
export function bytesPerSampleOf(format: AudioFormat): number {
  return format.type === 'audio/pcm' ? 2 : 1;
}

/** Milliseconds of audio in `byteLength` bytes of the format (PCM16: bytes/48; G.711: bytes/8). */
export function bytesToMs(byteLength: number, format: AudioFormat): number {
  return (byteLength / bytesPerSampleOf(format) / sampleRateOf(format)) * 1000;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes strict base64 (Node's decoder silently skips bad characters; the real server does not). */
export function decodeStrictBase64(text: string, param: string): Buffer {
  if (text.length % 4 === 0) {
    const bytes = Buffer.from(text, 'base64');
    // Re-encoding is several times faster than the pattern on the 50-frames-a-second path; the
    // pattern only decides the rare non-canonical encodings (unused bits set before the padding).
    if (bytes.toString('base64') === text || BASE64_PATTERN.test(text)) return bytes;
  }
  throw new EmulatorProtocolError(
    'invalid_value',
    `Invalid '${param}': the value is not valid base64-encoded audio.`,
    param,
  );
}

function decodeMuLawSample(value: number): number {
  const u = ~value & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

function decodeALawSample(value: number): number {
  const a = value ^ 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude =
    exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return sign ? magnitude : -magnitude;
}

const LITTLE_ENDIAN = endianness() === 'LE';
const MU_LAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => decodeMuLawSample(i));
const A_LAW_TABLE = Int16Array.from({ length: 256 }, (_, i) => decodeALawSample(i));

/** Linear 16-bit samples of a chunk in the session's input format. */
export function decodeToLinear(bytes: Buffer, format: AudioFormat): Int16Array {
  if (format.type === 'audio/pcm') {
    const copy = new Int16Array(bytes.length >> 1);
    if (LITTLE_ENDIAN) Buffer.from(copy.buffer).set(bytes.subarray(0, copy.length * 2));
    else for (let i = 0; i < copy.length; i++) copy[i] = bytes.readInt16LE(i * 2);
    return copy;
  }
  const table = format.type === 'audio/pcmu' ? MU_LAW_TABLE : A_LAW_TABLE;
  const out = new Int16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]!]!;
  return out;
}

/**
 * Rejects audio that cannot be in the session's format: an odd byte count for PCM16, or a
 * WAV/Ogg/MP3 container where raw samples are expected.
 */
export function checkAudioFormat(bytes: Buffer, format: AudioFormat, param: string): void {
  const head = bytes.subarray(0, 4).toString('latin1');
  const container =
    head === 'RIFF'
      ? 'a WAV file'
      : head === 'OggS'
        ? 'an Ogg file'
        : head.startsWith('ID3')
          ? 'an MP3 file'
          : head === 'fLaC'
            ? 'a FLAC file'
            : null;
  if (container !== null && bytes.length >= 12) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid '${param}': the audio looks like ${container}; send raw ${format.type === 'audio/pcm' ? '24 kHz mono PCM16 little-endian' : 'G.711'} samples without a container.`,
      param,
    );
  }
  if (format.type === 'audio/pcm' && bytes.length % 2 !== 0) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid '${param}': PCM16 audio must have an even number of bytes, but got ${bytes.length}.`,
      param,
    );
  }
}

/** Encodes 24 kHz PCM16 output for the session's output format (G.711 is 8 kHz). */
export function encodeOutput(
  pcm: Buffer,
  format: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma',
): Buffer {
  if (format === 'audio/pcm') return Buffer.from(pcm);
  // G.711 output: decimate 24 kHz → 8 kHz (speech band) and companding-encode.
  const samples = pcm.length / 2;
  const out = Buffer.alloc(Math.floor(samples / 3));
  for (let i = 0; i < out.length; i++) {
    // Averaging each group of three is a cheap low-pass before keeping one sample in three.
    const value = Math.round(
      (pcm.readInt16LE(i * 6) + pcm.readInt16LE(i * 6 + 2) + pcm.readInt16LE(i * 6 + 4)) / 3,
    );
    out[i] = format === 'audio/pcmu' ? encodeMuLaw(value) : encodeALaw(value);
  }
  return out;
}

function encodeMuLaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = ~(sign | (exponent << 4) | mantissa) & 0xff;
  return magnitude;
}

function encodeALaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  let magnitude = Math.min(32767, Math.abs(sample)) >> 3;
  let exponent = 0;
  if (magnitude >= 32) {
    exponent = 1;
    while (magnitude >= 64 && exponent < 7) {
      magnitude >>= 1;
      exponent++;
    }
    magnitude = (magnitude >> 1) & 0x0f;
  } else magnitude >>= 1;
  return ((sign | (exponent << 4) | magnitude) ^ 0x55) & 0xff;
}
