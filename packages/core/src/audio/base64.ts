import { ParleyError } from '../errors.js';

// Base64 for audio payloads: every 20–100 ms frame goes through here in both directions, so it
// avoids per-character string building and never spreads a whole buffer into call arguments
// (`String.fromCharCode(...bytes)` throws past ~100k arguments and is slow well before that).

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// Two output characters per 12 input bits, stored as one 16-bit write in host byte order.
const pairs = new Uint16Array(4096);
for (let index = 0; index < 4096; index++) {
  const first = alphabet.charCodeAt(index >> 6);
  const second = alphabet.charCodeAt(index & 63);
  pairs[index] = littleEndian ? first | (second << 8) : (first << 8) | second;
}

// Character code → 6-bit value; 255 marks a character outside both alphabets.
const values = new Uint8Array(128).fill(255);
for (let index = 0; index < 64; index++) values[alphabet.charCodeAt(index)] = index;
values['-'.charCodeAt(0)] = 62; // base64url
values['_'.charCodeAt(0)] = 63;

// TextDecoder is missing in some AudioWorklet scopes; chunked fromCharCode is the fallback.
// The output is pure ASCII, so UTF-8 decoding is exact, and engines give UTF-8 their fastest
// (ASCII) path, measurably faster than 'latin1' (which the Encoding standard maps to windows-1252).
const ascii = typeof TextDecoder === 'function' ? new TextDecoder() : undefined;

interface NativeBase64 {
  toBase64?: (this: Uint8Array) => string;
}
interface NativeBase64Constructor {
  fromBase64?: (text: string) => Uint8Array;
}
interface NodeBufferLike {
  from(
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): { toString(encoding: 'base64'): string };
  from(text: string, encoding: 'base64'): Uint8Array;
}

const nativeToBase64 = (Uint8Array.prototype as NativeBase64).toBase64;
const nativeFromBase64 = (Uint8Array as NativeBase64Constructor).fromBase64;
const nodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;

function asBytes(input: Uint8Array | ArrayBufferView | ArrayBuffer): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

function asciiToString(codes: Uint8Array): string {
  if (ascii) return ascii.decode(codes);
  let text = '';
  for (let start = 0; start < codes.length; start += 8192) {
    text += String.fromCharCode.apply(
      null,
      codes.subarray(start, start + 8192) as unknown as number[],
    );
  }
  return text;
}

/**
 * Base64 (standard alphabet, padded) in portable JavaScript only: what browsers without the
 * native `Uint8Array.prototype.toBase64` run. Exported for benchmarks and tests.
 */
export function encodeBase64Portable(input: Uint8Array | ArrayBufferView | ArrayBuffer): string {
  const bytes = asBytes(input);
  const length = bytes.length;
  const whole = length - (length % 3);
  const codes = new Uint8Array(((length + 2) / 3) << 2);
  const codePairs = new Uint16Array(codes.buffer);
  let pair = 0;
  for (let index = 0; index < whole; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    codePairs[pair++] = pairs[triple >>> 12]!;
    codePairs[pair++] = pairs[triple & 4095]!;
  }
  const rest = length - whole;
  if (rest > 0) {
    const at = pair << 1;
    const first = bytes[whole]!;
    const second = rest === 2 ? bytes[whole + 1]! : 0;
    codes[at] = alphabet.charCodeAt(first >> 2);
    codes[at + 1] = alphabet.charCodeAt(((first & 3) << 4) | (second >> 4));
    codes[at + 2] = rest === 2 ? alphabet.charCodeAt((second & 15) << 2) : 61;
    codes[at + 3] = 61; // '='
  }
  return asciiToString(codes);
}

/**
 * Encodes bytes as base64 (standard alphabet, padded), identical to Node's
 * `Buffer.toString('base64')`. Uses the platform's native encoder where there is one
 * (`Uint8Array.prototype.toBase64`, Node's `Buffer`), else {@link encodeBase64Portable}.
 *
 * @example
 * ```ts
 * const audio = encodeBase64(int16ToBytes(floatToPcm16(frame)));
 * ```
 */
export function encodeBase64(input: Uint8Array | ArrayBufferView | ArrayBuffer): string {
  const bytes = asBytes(input);
  if (nativeToBase64) return nativeToBase64.call(bytes);
  if (nodeBuffer)
    return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return encodeBase64Portable(bytes);
}

function invalid(text: string, detail: string): ParleyError {
  const preview = text.length > 32 ? `${text.slice(0, 32)}…` : text;
  return new ParleyError('protocol', `Invalid base64 (${detail}): "${preview}"`);
}

// Node's decoder skips invalid characters silently, so it only runs on text that passed this.
const base64Text = /^[A-Za-z0-9+/\-_]*$/;

function paddedEnd(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  return end;
}

/**
 * Decodes base64 (standard or URL-safe alphabet, padding optional) to bytes. Throws a
 * `ParleyError` with reason `'protocol'` on characters outside the alphabet or an impossible
 * length, instead of silently skipping them as Node's `Buffer` does. Uses the native decoder
 * where there is one (`Uint8Array.fromBase64`, Node's `Buffer` after a strict check).
 */
export function decodeBase64(text: string): Uint8Array {
  const end = paddedEnd(text);
  if (text.length - end > 2) throw invalid(text, 'too much padding');
  if (end % 4 === 1) throw invalid(text, 'impossible length');
  if (nativeFromBase64 && text.indexOf('-') < 0 && text.indexOf('_') < 0) {
    try {
      return nativeFromBase64(text);
    } catch {
      throw invalid(text, 'character outside the alphabet');
    }
  }
  if (nodeBuffer) {
    const body = end === text.length ? text : text.slice(0, end);
    if (!base64Text.test(body)) throw invalid(text, 'character outside the alphabet');
    const buffer = nodeBuffer.from(body, 'base64');
    // A plain Uint8Array view, so callers see the same type on every platform.
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  return decodeBase64Portable(text, end);
}

/**
 * Base64 decoding in portable JavaScript only (what browsers without `Uint8Array.fromBase64`
 * run), with the same strictness as {@link decodeBase64}. Exported for benchmarks and tests.
 */
export function decodeBase64Portable(text: string, end: number = paddedEnd(text)): Uint8Array {
  if (text.length - end > 2) throw invalid(text, 'too much padding');
  if (end % 4 === 1) throw invalid(text, 'impossible length');
  const bytes = new Uint8Array((end * 3) >> 2);
  const whole = end - (end % 4);
  let out = 0;
  // OR of every 6-bit value (255 marks a bad character, setting bits 6–7) and of every char code
  // (a code above 0x7f cannot be base64; `& 0x7f` keeps the table small without aliasing).
  let bad = 0;
  let codes = 0;
  for (let index = 0; index < whole; index += 4) {
    const w = text.charCodeAt(index);
    const x = text.charCodeAt(index + 1);
    const y = text.charCodeAt(index + 2);
    const z = text.charCodeAt(index + 3);
    codes |= w | x | y | z;
    const a = values[w & 0x7f]!;
    const b = values[x & 0x7f]!;
    const c = values[y & 0x7f]!;
    const d = values[z & 0x7f]!;
    bad |= a | b | c | d;
    const quad = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[out++] = quad >> 16;
    bytes[out++] = (quad >> 8) & 0xff;
    bytes[out++] = quad & 0xff;
  }
  const rest = end - whole;
  if (rest > 0) {
    const w = text.charCodeAt(whole);
    const x = text.charCodeAt(whole + 1);
    const y = rest === 3 ? text.charCodeAt(whole + 2) : 65; // 'A' = 0
    codes |= w | x | y;
    const a = values[w & 0x7f]!;
    const b = values[x & 0x7f]!;
    const c = values[y & 0x7f]!;
    bad |= a | b | c;
    bytes[out++] = (a << 2) | (b >> 4);
    if (rest === 3) bytes[out++] = ((b & 15) << 4) | (c >> 2);
  }
  if (bad & 0xc0 || codes & ~0x7f) throw invalid(text, 'character outside the alphabet');
  return bytes;
}
