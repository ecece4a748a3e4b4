// G.711 µ-law and A-law (ITU-T G.711), the 8 kHz telephony formats the Realtime API accepts as
// `audio/pcmu` / `audio/pcma` (beta: `g711_ulaw` / `g711_alaw`). Encoders follow the reference
// segment search of the classic Sun/CCITT implementation; decoders are 256-entry tables.

const muLawBias = 0x84;
const muLawClip = 8159; // in the 14-bit domain
const muLawSegmentEnds = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
const aLawSegmentEnds = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

function segmentOf(value: number, ends: readonly number[]): number {
  let segment = 0;
  while (segment < 8 && value > ends[segment]!) segment++;
  return segment;
}

function muLawSample(sample: number): number {
  let pcm = sample >> 2;
  let mask = 0xff;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  }
  if (pcm > muLawClip) pcm = muLawClip;
  pcm += muLawBias >> 2;
  const segment = segmentOf(pcm, muLawSegmentEnds);
  if (segment >= 8) return 0x7f ^ mask;
  return ((segment << 4) | ((pcm >> (segment + 1)) & 0x0f)) ^ mask;
}

function aLawSample(sample: number): number {
  let pcm = sample >> 3;
  let mask = 0xd5;
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segment = segmentOf(pcm, aLawSegmentEnds);
  if (segment >= 8) return 0x7f ^ mask;
  const quantized = segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | quantized) ^ mask;
}

const muLawTable = new Int16Array(256);
const aLawTable = new Int16Array(256);
for (let code = 0; code < 256; code++) {
  const mu = ~code & 0xff;
  const muExponent = (mu >> 4) & 0x07;
  const muMagnitude = ((((mu & 0x0f) << 3) + muLawBias) << muExponent) - muLawBias;
  muLawTable[code] = mu & 0x80 ? -muMagnitude : muMagnitude;

  const a = code ^ 0x55;
  const aExponent = (a >> 4) & 0x07;
  let aMagnitude = (a & 0x0f) << 4;
  aMagnitude = aExponent === 0 ? aMagnitude + 8 : (aMagnitude + 0x108) << (aExponent - 1);
  aLawTable[code] = a & 0x80 ? aMagnitude : -aMagnitude;
}

/** Encodes 16-bit PCM samples to G.711 µ-law bytes (one byte per sample). */
export function encodeMuLaw(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length);
  for (let index = 0; index < samples.length; index++) bytes[index] = muLawSample(samples[index]!);
  return bytes;
}

/** Decodes G.711 µ-law bytes to 16-bit PCM samples. */
export function decodeMuLaw(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length);
  for (let index = 0; index < bytes.length; index++) samples[index] = muLawTable[bytes[index]!]!;
  return samples;
}

/** Encodes 16-bit PCM samples to G.711 A-law bytes (one byte per sample). */
export function encodeALaw(samples: Int16Array): Uint8Array {
  const bytes = new Uint8Array(samples.length);
  for (let index = 0; index < samples.length; index++) bytes[index] = aLawSample(samples[index]!);
  return bytes;
}

/** Decodes G.711 A-law bytes to 16-bit PCM samples. */
export function decodeALaw(bytes: Uint8Array): Int16Array {
  const samples = new Int16Array(bytes.length);
  for (let index = 0; index < bytes.length; index++) samples[index] = aLawTable[bytes[index]!]!;
  return samples;
}
