import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { liveCapabilities } from '../protocol/adapters/live.js';
import { loadFamilyRuntime } from './family-registry.js';

// The protocol-family seam (docs/design.md, "Protocol families, adapters and capabilities"): a
// family with an adapter is reached through its registry row and `FamilyRuntime`, and the
// reducer, the connection and the session name no family, so a fourth one adds files only.

describe('family registry', () => {
  it('loads the GPT-Live runtime for credentials that say live', async () => {
    const runtime = await loadFamilyRuntime('live');
    expect(runtime?.handlers.family).toBe('live');
    expect(runtime?.handlers.capabilities).toEqual(liveCapabilities);
    expect(typeof runtime?.readFrame).toBe('function');
    expect(runtime?.commands).not.toBeNull();
    // A neutral command becomes Live wire events with the machine's event ids.
    const frames = runtime!.commandFrames({ kind: 'mute', muted: true }, 'evt_1');
    expect(frames.map(({ event }) => event)).toEqual([
      { type: 'session.input_audio.mute', event_id: 'evt_1' },
    ]);
  });

  it('has no runtime for Realtime, an absent protocol, or a name off the prototype', () => {
    for (const protocol of [undefined, 'realtime', 'constructor', '__proto__', 'toString']) {
      expect(loadFamilyRuntime(protocol)).toBeNull();
    }
  });
});

describe('the seam holds', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  /** Product files of a directory, without a family's own modules. */
  const filesOf = (directory: string, own: RegExp) =>
    readdirSync(`${root}${directory}`, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !own.test(name))
      .map((name) => `${directory}/${name}`);

  it('no machine or session module outside a family compares the protocol with a family name', () => {
    const files = [
      ...filesOf('machine', /^live/),
      // The credentials provider maps the Parley server's grant (its `protocol` field).
      ...filesOf('session', /^(live-runtime|family-registry|parley-credentials)\.ts$/),
    ];
    expect(files).toContain('machine/reducer.ts');
    expect(files).toContain('session/session-connection.ts');
    const offenders = files.filter((file) =>
      /(===|!==)\s*'(live|realtime-ga|realtime-beta)'|'(live|realtime-ga|realtime-beta)'\s*(===|!==)/.test(
        readFileSync(`${root}${file}`, 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
