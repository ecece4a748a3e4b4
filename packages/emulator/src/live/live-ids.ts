import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting above it keeps the distribution uniform.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A server event id as GPT-Live sends them: `event_` + 21 base62. */
export function createLiveEventId(): string {
  return `event_${base62(21)}`;
}

/** A delegation id: `item_` + 21 base62 (observed on the wire). */
export function createDelegationId(): string {
  return `item_${base62(21)}`;
}

/** A session id shaped like the observed ones: `live_u1_` + 32 base62. */
export function createLiveSessionId(): string {
  return `live_u1_${base62(32)}`;
}

/** Ordinary Responses ids inside `response.event`: `resp_`/`fc_`/`msg_` + 50 hex, `call_` + 24 base62. */
export function createResponsesId(prefix: 'resp' | 'fc' | 'msg' | 'ws'): string {
  return `${prefix}_${randomBytes(25).toString('hex')}`;
}

/** A function call id of the Responses backend. */
export function createResponsesCallId(): string {
  return `call_${base62(24)}`;
}
