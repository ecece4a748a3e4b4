// PCM16 ⇄ float conversion. The scale is asymmetric on purpose: -1 maps to -32768 and +1 to
// 32767, so both ends of the int16 range are reachable and pcm16 → float → pcm16 is exact.

/**
 * Converts float samples in [-1, 1] to 16-bit PCM, rounding to nearest (half away from zero).
 * Values beyond ±1 are clipped; NaN becomes 0 (silence), so one bad sample can never become a
 * full-scale click. Writes into `output` when given (it must be at least as long).
 *
 * @example
 * ```ts
 * const pcm = floatToPcm16(frame); // Float32Array from the microphone
 * const audio = encodeBase64(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
 * ```
 */
export function floatToPcm16(
  input: ArrayLike<number>,
  output: Int16Array = new Int16Array(input.length),
): Int16Array {
  const length = input.length;
  if (output.length < length) {
    throw new RangeError(`floatToPcm16: output holds ${output.length} samples, needs ${length}`);
  }
  for (let index = 0; index < length; index++) {
    const sample = input[index]!;
    // `| 0` truncates toward zero, so ±0.5 before it rounds half away from zero. NaN fails
    // every comparison and lands in the final `0`.
    output[index] =
      sample > 0
        ? sample < 1
          ? (sample * 32767 + 0.5) | 0
          : 32767
        : sample > -1
          ? (sample * 32768 - 0.5) | 0
          : sample <= -1
            ? -32768
            : 0;
  }
  return output;
}

/**
 * Converts 16-bit PCM to float samples in [-1, 1] (-32768 → -1, 32767 → +1). Accepts an
 * `Int16Array`, or little-endian bytes (`Uint8Array`, e.g. a decoded base64 audio delta; a
 * trailing odd byte is ignored). Writes into `output` when given.
 */
export function pcm16ToFloat(input: Int16Array | Uint8Array, output?: Float32Array): Float32Array {
  const samples = input instanceof Int16Array ? input : bytesToInt16(input);
  const length = samples.length;
  const result = output ?? new Float32Array(length);
  if (result.length < length) {
    throw new RangeError(`pcm16ToFloat: output holds ${result.length} samples, needs ${length}`);
  }
  for (let index = 0; index < length; index++) {
    const sample = samples[index]!;
    result[index] = sample < 0 ? sample / 32768 : sample / 32767;
  }
  return result;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Views little-endian PCM16 bytes as an `Int16Array` (copying only when it must). */
export function bytesToInt16(bytes: Uint8Array): Int16Array {
  const length = bytes.byteLength >> 1;
  if (littleEndian && bytes.byteOffset % 2 === 0) {
    return new Int16Array(bytes.buffer, bytes.byteOffset, length);
  }
  const result = new Int16Array(length);
  for (let index = 0; index < length; index++) {
    const low = bytes[2 * index]!;
    const high = bytes[2 * index + 1]!;
    result[index] = ((high << 24) >> 16) | low;
  }
  return result;
}

/** The little-endian bytes of PCM16 samples, as sent on the wire (a view, no copy, on LE hosts). */
export function int16ToBytes(samples: Int16Array): Uint8Array {
  if (littleEndian) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const bytes = new Uint8Array(samples.length * 2);
  for (let index = 0; index < samples.length; index++) {
    const sample = samples[index]!;
    bytes[2 * index] = sample & 0xff;
    bytes[2 * index + 1] = (sample >> 8) & 0xff;
  }
  return bytes;
}
