// Type-level tests, checked by `tsc` (pnpm typecheck): the inferred types narrow the way the
// session and the bindings rely on.
import { expectTypeOf } from 'vitest';
import {
  isUnknownEvent,
  parseServerEvent,
  serializeClientEvent,
  type ClientEvent,
  type ClientEventOf,
  type ServerEvent,
  type ServerEventOf,
  type UnknownEvent,
} from './index.js';
import type { RealtimeItem } from './items.js';
import type { SessionConfig } from './session.js';

declare const frame: string;
const result = parseServerEvent(frame);
if (result.success) {
  expectTypeOf(result.event).toEqualTypeOf<ServerEvent | UnknownEvent>();
  if (!isUnknownEvent(result.event)) {
    expectTypeOf(result.event).toEqualTypeOf<ServerEvent>();
    const event = result.event;
    if (event.type === 'response.output_audio.delta')
      expectTypeOf(event.delta).toEqualTypeOf<string>();
    if (event.type === 'response.done') {
      expectTypeOf(event.response.usage?.input_tokens).toEqualTypeOf<number | undefined>();
    }
    if (event.type === 'conversation.item.done')
      expectTypeOf(event.item).toEqualTypeOf<RealtimeItem>();
  }
} else {
  expectTypeOf(result.error.issues[0]!.path).toEqualTypeOf<Array<string | number>>();
}

expectTypeOf<ServerEventOf<'error'>['error']['message']>().toEqualTypeOf<string>();
expectTypeOf<ClientEventOf<'conversation.item.truncate'>['audio_end_ms']>().toEqualTypeOf<number>();
expectTypeOf<SessionConfig['type']>().toEqualTypeOf<'realtime'>();

// Client events are written as plain object literals.
const append: ClientEvent = { type: 'input_audio_buffer.append', audio: 'AAAA' };
expectTypeOf(serializeClientEvent(append)).toEqualTypeOf<string>();
// @ts-expect-error: a truncate needs its item and offsets.
const invalid: ClientEvent = { type: 'conversation.item.truncate' };
void invalid;
