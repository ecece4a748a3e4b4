// Property test of issue 14 §8: whatever the server puts in the fields the machine does not read
// (a new enum value, null, an extra key, a missing optional field), every recorded stream still
// parses event by event and ends exactly where the untouched recording ends: the same transcript,
// the same turn, the same number of responses, no malformed event. Every event of every fixture
// is mutated in every run.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { betaToGaServerEventType } from '../protocol/beta-tables.js';
import { ownValue } from '../protocol/json.js';
import { readFieldsOf } from '../protocol/server-event-reader.js';
import { loadBetaDialect } from '../protocol/beta-loader.js';
import { createMachineHarness } from '../test-utils/index.js';
import { fixtureNames, loadFixture, type RecordedFixture } from '../test-utils/fixtures.js';

type Json = Record<string, unknown>;
type Path = Array<string | number>;

const itemFields = new Set(['type', 'id', 'call_id', 'status', 'role', 'name', 'arguments']);
const partFields = new Set(['type', 'text', 'transcript']);
// Beta flat names too: the beta adapter maps them to the GA session the machine reads.
const sessionFields = new Set([
  'type',
  'id',
  'model',
  'turn_detection',
  'input_audio_transcription',
  'input_audio_format',
  'output_audio_format',
  'modalities',
  'voice',
]);

/** Whether the machine reads the value at `path` inside an item (or holds read fields under it). */
function itemReads(path: Path): boolean {
  if (path.length === 0) return true;
  const [field] = path;
  if (typeof field === 'string' && (itemFields.has(field) || field === 'output')) return true;
  if (field !== 'content') return false;
  return path.length <= 2 || partFields.has(String(path[2]));
}

function sessionReads(path: Path): boolean {
  if (path.length === 0 || sessionFields.has(String(path[0]))) return true;
  if (path[0] !== 'audio') return false;
  if (path.length <= 2) return true;
  return ['turn_detection', 'transcription', 'format', 'voice'].includes(String(path[2]));
}

function responseReads(path: Path): boolean {
  if (path.length === 0) return true;
  const [field] = path;
  if (field === 'id' || field === 'status' || field === 'conversation_id' || field === 'usage') {
    return true;
  }
  if (field !== 'output') return false;
  return path.length <= 2 || itemReads(path.slice(2));
}

/** Whether the machine reads `path` of an event of this GA type (from the reader's own table). */
function machineReads(type: string, path: Path): boolean {
  if (path.length === 0 || path[0] === 'type') return true;
  const field = readFieldsOf(type).find(({ name }) => name === path[0]);
  if (!field) return false;
  const rest = path.slice(1);
  switch (field.kind) {
    case 'item':
      return itemReads(rest);
    case 'response':
      return responseReads(rest);
    case 'session':
      return sessionReads(rest);
    case 'responsePart':
      return rest.length === 0 || partFields.has(String(rest[0]));
    default:
      // Ids, deltas, indices, error payloads, usage: read whole.
      return true;
  }
}

/** Every path under `value` with the container that holds it. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((child, index) => [index, child] as const)
    : Object.entries(value);
  return entries.flatMap(([key, child]) => {
    const path = [...prefix, key];
    return [path, ...paths(child, path)];
  });
}

function parentOf(root: Json, path: Path): Json | unknown[] {
  return path.slice(0, -1).reduce<unknown>((node, key) => (node as Json)[key], root) as Json;
}

const mutation = fc.record({
  op: fc.constantFrom('enum', 'null', 'extra', 'delete'),
  target: fc.nat(),
  value: fc.jsonValue({ maxDepth: 2 }),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Applies one mutation to a field the machine does not read (or adds an unknown key). */
function mutate(event: Json, { op, target, value }: Mutation): void {
  const type = ownValue(betaToGaServerEventType, String(event.type)) ?? String(event.type);
  const all = paths(event);
  if (op === 'extra') {
    // An unknown key on any object of the event, read or not: it must simply be carried along.
    const objects = [[], ...all].filter((path) => {
      const node = path.reduce<unknown>((current, key) => (current as Json)[key], event);
      return typeof node === 'object' && node !== null && !Array.isArray(node);
    });
    const path = objects[target % objects.length]!;
    const node = path.reduce<unknown>((current, key) => (current as Json)[key], event) as Json;
    node.parley_future_field = value;
    return;
  }
  const free = all.filter((path) => !machineReads(type, path));
  if (free.length === 0) return;
  const path = free[target % free.length]!;
  const parent = parentOf(event, path);
  const key = path[path.length - 1]!;
  if (op === 'delete' && !Array.isArray(parent)) delete parent[key];
  else (parent as Json)[key] = op === 'null' ? null : 'a_value_from_a_later_api';
}

function replay(fixture: RecordedFixture, frames: string[]) {
  const machine = createMachineHarness({ config: { unhandledToolCalls: 'server' } });
  machine.connectAndOpen(fixture.dialect);
  for (const frame of frames) {
    machine.advance(10);
    machine.server(frame);
  }
  const snapshot = machine.snapshot;
  return {
    turn: snapshot.turn,
    status: snapshot.status,
    malformed: snapshot.diagnostics.malformedEvents,
    responses: snapshot.usage.responses,
    items: snapshot.items.map((item) => ({
      id: item.id,
      type: item.type,
      status: 'status' in item ? item.status : item.decision,
      text: item.type === 'message' ? item.text : 'arguments' in item ? item.arguments : '',
    })),
  };
}

// The beta recordings need the beta dialect, which a session loads at connect.
beforeAll(() => loadBetaDialect());

describe('fields the machine does not read never change how a recorded stream ends', () => {
  for (const name of fixtureNames()) {
    it(`${name}: every event mutated, the same ending`, () => {
      const fixture = loadFixture(name);
      const expected = replay(
        fixture,
        fixture.serverEvents.map((line) => line.text),
      );
      expect(expected.malformed).toBe(0);
      const count = fixture.serverEvents.length;
      fc.assert(
        fc.property(
          fc.array(fc.array(mutation, { minLength: 1, maxLength: 3 }), {
            minLength: count,
            maxLength: count,
          }),
          (perEvent) => {
            const frames = fixture.serverEvents.map((line, index) => {
              const event = structuredClone(line.event) as Json;
              for (const change of perEvent[index]!) mutate(event, change);
              return JSON.stringify(event);
            });
            expect(replay(fixture, frames)).toEqual(expected);
          },
        ),
        { numRuns: 15 },
      );
      // Hundreds of events per run: seconds of work, more on a loaded machine.
    }, 180_000);
  }
});
