// Type-level tests, checked by `tsc` (pnpm typecheck): core's Live vocabulary against the official
// `openai` 7.60.0 Live types (a devDependency pinned to that version for this test only).
// - The same event names, both ways: a new official event fails here until core knows it.
// - Every official event is one of core's (core is never stricter than the API's own types).
// - What Parley's session writes is an official client event.
import type {
  ClientEvent as OfficialClientEvent,
  CommentaryAppendEvent,
  ForkSessionStartEvent,
  InputAudioAppendEvent,
  InputAudioMuteEvent,
  InputAudioUnmuteEvent,
  InstructionsAppendEvent,
  ResponseCreateEvent,
  ServerEvent as OfficialServerEvent,
  SessionCloseEvent,
  SessionConfig as OfficialSessionConfig,
  SessionResource as OfficialSessionResource,
  SessionStartEvent,
  ThinkingAppendEvent,
  BuiltInVoice,
} from 'openai/resources/live/live';
import type { ForkClientEvent, ForkServerEvent } from 'openai/resources/live/forks/forks';
import type {
  ConnectClientEvent,
  ConnectServerEvent,
} from 'openai/resources/live/sideband/sideband';
import { expectTypeOf } from 'vitest';
import type { LiveClientEvent, LiveClientEventOf, LiveServerEvent } from './index.js';
import type { LiveSessionConfig, LiveSessionResource } from './session.js';
import type { LiveVoiceName } from './models.js';

/**
 * Core's schemas are loose (`z.looseObject` adds `[key: string]: unknown` at every level) and the
 * official types are interfaces (no index signature), so official → core is checked against core's
 * types with the index signatures removed: every named field must accept what the official type
 * allows, and nothing core requires may be missing from it.
 */
type Named<T> = T extends readonly (infer U)[]
  ? Named<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Named<T[K]> }
    : T;

/** `true` when every member of `A` is assignable to `B` (a compile error otherwise). */
function assignable<A, B>(check: [A] extends [B] ? true : { notAssignable: A }): void {
  void check;
}

type AnyOfficialServerEvent = OfficialServerEvent | ConnectServerEvent | ForkServerEvent;
type AnyOfficialClientEvent = OfficialClientEvent | ConnectClientEvent | ForkClientEvent;

// Names, both ways.
expectTypeOf<LiveServerEvent['type']>().toEqualTypeOf<AnyOfficialServerEvent['type']>();
expectTypeOf<LiveClientEvent['type']>().toEqualTypeOf<AnyOfficialClientEvent['type']>();
expectTypeOf<LiveVoiceName>().toEqualTypeOf<BuiltInVoice>();

// Every official shape is accepted by core's (never stricter).
assignable<AnyOfficialServerEvent, Named<LiveServerEvent>>(true);
assignable<AnyOfficialClientEvent, Named<LiveClientEvent>>(true);
assignable<OfficialSessionConfig, Named<LiveSessionConfig>>(true);
assignable<OfficialSessionResource, Named<LiveSessionResource>>(true);

// What the session sends is official.
expectTypeOf<LiveClientEventOf<'session.input_audio.append'>>().toExtend<InputAudioAppendEvent>();
expectTypeOf<LiveClientEventOf<'session.input_audio.mute'>>().toExtend<InputAudioMuteEvent>();
expectTypeOf<LiveClientEventOf<'session.input_audio.unmute'>>().toExtend<InputAudioUnmuteEvent>();
expectTypeOf<
  LiveClientEventOf<'session.instructions.append'>
>().toExtend<InstructionsAppendEvent>();
expectTypeOf<LiveClientEventOf<'session.thinking.append'>>().toExtend<ThinkingAppendEvent>();
expectTypeOf<LiveClientEventOf<'session.commentary.append'>>().toExtend<CommentaryAppendEvent>();
expectTypeOf<LiveClientEventOf<'response.create'>>().toExtend<ResponseCreateEvent>();
expectTypeOf<LiveClientEventOf<'session.close'>>().toExtend<SessionCloseEvent>();
// A session.start is the full config (primary) or overrides (fork).
assignable<SessionStartEvent | ForkSessionStartEvent, Named<LiveClientEventOf<'session.start'>>>(
  true,
);
