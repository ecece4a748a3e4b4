import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Real ids start with 5 base62 digits of seconds since this epoch (see fixtures/PROVENANCE.md). */
const ID_EPOCH_SECONDS = 1_576_800_000;

let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (poolOffset >= pool.length) {
      pool = randomBytes(4096);
      poolOffset = 0;
    }
    const byte = pool[poolOffset++]!;
    // 248 = 4 * 62: rejecting above it keeps the distribution uniform.
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

function base62Seconds(nowMs: number): string {
  let value = Math.max(0, Math.floor(nowMs / 1000) - ID_EPOCH_SECONDS);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out = BASE62[value % 62]! + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** Prefixes of the ids the Realtime API hands out. */
export type IdPrefix = 'event' | 'item' | 'resp' | 'sess' | 'conv' | 'mcpr' | 'mcp';

/**
 * An id shaped like the real server's: prefix, `_`, then 21 base62 characters whose first five
 * encode the current second, so ids sort by creation time as real ones do.
 */
export function createId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${base62Seconds(nowMs)}${randomBase62(16)}`;
}

/** A function call id: `call_` and 16 base62 characters. */
export function createCallId(): string {
  return `call_${randomBase62(16)}`;
}

/** An ephemeral client secret: `ek_` and 32 hex characters. */
export function createEphemeralKey(): string {
  return `ek_${randomBytes(16).toString('hex')}`;
}

/** Random base62 padding of the given length, as sent in GA `obfuscation` fields. */
export function createObfuscation(length: number): string {
  return randomBase62(length);
}
