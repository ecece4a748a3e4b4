import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isUnknownEvent, parseServerEvent, type ParseResult } from './parse.js';
import { parseClientEvent } from './parse-client.js';

// Property tests: whatever arrives on the socket, parsing returns a result (never throws), in
// bounded time, and leaves every prototype alone.

const fixturesDir = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));
const seeds: Array<{ text: string; dialect: 'ga' | 'beta'; client: boolean }> = readdirSync(
  fixturesDir,
)
  .filter((file) => file.endsWith('.jsonl') && !file.endsWith('.direction.jsonl'))
  .flatMap((file) => {
    const dialect = file.startsWith('beta') ? ('beta' as const) : ('ga' as const);
    const directions = readFileSync(
      `${fixturesDir}${file.replace(/\.jsonl$/, '.direction.jsonl')}`,
      'utf8',
    )
      .trim()
      .split('\n');
    return readFileSync(`${fixturesDir}${file}`, 'utf8')
      .trim()
      .split('\n')
      .map((text, index) => ({
        text,
        dialect,
        client: directions[index]!.includes('client_to_server'),
      }));
  });

const prototypeKeys = [Object.prototype, Array.prototype, Function.prototype].map((proto) =>
  Object.getOwnPropertyNames(proto).sort(),
);

function assertNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.isAdmin).toBeUndefined();
  expect(
    [Object.prototype, Array.prototype, Function.prototype].map((p) =>
      Object.getOwnPropertyNames(p).sort(),
    ),
  ).toEqual(prototypeKeys);
}

function assertResult(result: ParseResult<unknown>): void {
  expect(typeof result.success).toBe('boolean');
  if (result.success) {
    expect(typeof (result.event as { type: unknown }).type).toBe('string');
    expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
  } else {
    expect(result.error.reason).toBe('protocol');
    expect(result.error.issues.length).toBeGreaterThan(0);
  }
}

function parseBoth(input: unknown, dialect: 'ga' | 'beta'): void {
  for (const validate of [true, false]) {
    const server = parseServerEvent(input, { dialect, validate });
    const client = parseClientEvent(input, { dialect, validate });
    assertResult(server);
    assertResult(client);
    // A validated, known event is already GA, so it must validate again as GA.
    if (validate && server.success && !isUnknownEvent(server.event)) {
      const again = parseServerEvent(server.event, { dialect: 'ga' });
      if (!again.success) throw again.error;
    }
  }
}

const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted');
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constant({ polluted: true, isAdmin: true }),
  fc.constant({ prototype: { polluted: true } }),
  fc.string({ maxLength: 64 }),
  // Names of Object.prototype members, as event types or keys (a `valueOf` type once slipped
  // through a plain-object lookup table).
  fc.constantFrom('valueOf', 'constructor', 'toString', 'hasOwnProperty', '__proto__'),
);

function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(prefix);
  if (typeof value === 'object' && value !== null && prefix.length < 6) {
    for (const [key, child] of Object.entries(value))
      pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key], out);
  }
  return out;
}

function setAt(
  root: unknown,
  path: Array<string | number>,
  update: (parent: Record<string | number, unknown>, key: string | number) => void,
) {
  if (path.length === 0) return;
  // Own properties only: `node.__proto__` would walk into the prototype instead of the data.
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return;
    node = Object.getOwnPropertyDescriptor(node, key)?.value;
  }
  if (typeof node === 'object' && node !== null)
    update(node as Record<string | number, unknown>, path[path.length - 1]!);
}

const mutation = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'inject', 'wrongType', 'deepen'),
  pick: fc.nat(),
  key: pollutionKey,
  value: hostileValue,
});

// Each property runs hundreds to thousands of inputs; the timeout guards against a hang, with room
// for a slow, shared CI machine.
describe('parser fuzzing', { timeout: 60_000 }, () => {
  afterAll(() => assertNoPollution());

  it('never throws on arbitrary JSON values or strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.string(), fc.anything()),
        fc.constantFrom('ga', 'beta'),
        (value, dialect) => {
          parseBoth(value, dialect);
          if (typeof value !== 'string') parseBoth(JSON.stringify(value) ?? 'undefined', dialect);
        },
      ),
      { numRuns: 600 },
    );
    assertNoPollution();
  });

  it('never throws on mutated recorded events (deleted fields, wrong types, hostile keys)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (index, mutations) => {
          const seed = seeds[index]!;
          const event = JSON.parse(seed.text) as unknown;
          for (const m of mutations) {
            // A fresh copy per use: fast-check may hand the same object to several mutations.
            const fresh = (): unknown => JSON.parse(JSON.stringify(m.value) ?? 'null');
            const paths = pathsOf(event);
            const path = paths[m.pick % paths.length]!;
            setAt(event, path, (parent, key) => {
              if (m.kind === 'delete') delete parent[key];
              else if (m.kind === 'replace') parent[key] = fresh();
              else if (m.kind === 'wrongType')
                parent[key] = typeof parent[key] === 'string' ? 42 : 'x';
              else if (m.kind === 'deepen') parent[key] = { [m.key]: parent[key] };
              else if (typeof parent[key] === 'object' && parent[key] !== null) {
                Object.defineProperty(parent[key], m.key, {
                  value: fresh(),
                  enumerable: true,
                  configurable: true,
                  writable: true,
                });
              }
            });
          }
          const text = JSON.stringify(event) ?? 'null';
          parseBoth(text, seed.dialect);
          parseBoth(event, seed.dialect);
        },
      ),
      { numRuns: 1000 },
    );
    assertNoPollution();
  });

  it('never throws on truncated frames', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: seeds.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (index, fraction) => {
          const seed = seeds[index]!;
          const cut = seed.text.slice(0, Math.floor(seed.text.length * fraction));
          const result = seed.client
            ? parseClientEvent(cut, { dialect: seed.dialect })
            : parseServerEvent(cut, { dialect: seed.dialect });
          assertResult(result);
          if (cut.length < seed.text.length) expect(result.success).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handles JSON with prototype-pollution keys at any depth', () => {
    fc.assert(
      fc.property(
        fc.array(pollutionKey, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(
          'response.done',
          'session.update',
          'error',
          'response.output_audio.delta',
          'x.y',
        ),
        (keys, type) => {
          const nested = keys.reduceRight(
            (inner, key) => `{"${key}":${inner}}`,
            '{"polluted":true,"isAdmin":true}',
          );
          for (const text of [
            `{"type":"${type}","__proto__":${nested}}`,
            `{"type":"${type}","a":${nested}}`,
            `{${nested.slice(1, -1)},"type":"${type}"}`,
          ]) {
            parseBoth(text, 'ga');
            parseBoth(text, 'beta');
          }
          assertNoPollution();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects hostile nesting and huge frames quickly', () => {
    const started = performance.now();
    for (const depth of [65, 1000, 100_000]) {
      const array = `{"type":"error","error":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const object = `{"type":"error","error":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
      for (const text of [array, object]) {
        const result = parseServerEvent(text);
        expect(result.success).toBe(false);
      }
    }
    const huge = JSON.stringify({
      type: 'response.output_audio.delta',
      delta: 'A'.repeat(40 * 1024 * 1024),
    });
    const hugeResult = parseServerEvent(huge);
    expect(hugeResult.success || hugeResult.error.issues[0]?.code).toBe('too_large');
    const big = JSON.stringify({
      type: 'response.output_text.delta',
      response_id: 'r',
      item_id: 'i',
      output_index: 0,
      content_index: 0,
      delta: 'é'.repeat(4 * 1024 * 1024),
    });
    expect(parseServerEvent(big).success).toBe(true);
    // Generous bound: this is about hanging, not speed.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
