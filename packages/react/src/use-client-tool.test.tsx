import { cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createFakeVoiceSession, type FakeVoiceSession } from '@parley/core/test-utils';
import { describeEachReactMode } from './test-utils/react-modes.js';
import { useClientTool } from './use-client-tool.js';
import { VoiceSessionProvider } from './voice-session-provider.js';

afterEach(cleanup);

function withSession(session: FakeVoiceSession) {
  return ({ children }: { children: ReactNode }) => (
    <VoiceSessionProvider session={session}>{children}</VoiceSessionProvider>
  );
}

const colorSchema = {
  type: 'object',
  properties: { color: { type: 'string' } },
  required: ['color'],
} as const;

describeEachReactMode('useClientTool', ({ renderHook }) => {
  it('registers the tool while mounted and unregisters it on unmount', () => {
    const session = createFakeVoiceSession();
    const { unmount } = renderHook(
      () =>
        useClientTool('set_color', colorSchema, () => 'ok', {
          description: 'Sets the color.',
          timeoutMs: 500,
        }),
      { wrapper: withSession(session) },
    );
    const tool = session.tools.get('set_color');
    expect(tool?.parameters).toBe(colorSchema);
    expect(tool?.description).toBe('Sets the color.');
    expect(tool?.timeoutMs).toBe(500);
    unmount();
    expect(session.tools.size).toBe(0);
  });

  it('calls the latest handler without registering again', async () => {
    const session = createFakeVoiceSession();
    const { rerender } = renderHook(
      ({ suffix }: { suffix: string }) =>
        useClientTool(
          'set_color',
          colorSchema,
          ({ color }: { color: string }) => `${color}-${suffix}`,
        ),
      { wrapper: withSession(session), initialProps: { suffix: 'first' } },
    );
    const registrations = session.toolRegistrations;
    rerender({ suffix: 'second' });
    expect(session.toolRegistrations).toBe(registrations);
    const execute = session.tools.get('set_color')!.execute as (args: { color: string }) => unknown;
    expect(await execute({ color: 'teal' })).toBe('teal-second');
  });

  it('re-registers under the new name when the name changes', () => {
    const session = createFakeVoiceSession();
    const { rerender } = renderHook(
      ({ name }: { name: string }) => useClientTool(name, colorSchema, () => null),
      {
        wrapper: withSession(session),
        initialProps: { name: 'first_tool' },
      },
    );
    rerender({ name: 'second_tool' });
    expect([...session.tools.keys()]).toEqual(['second_tool']);
  });
});

it('infers the handler arguments from a zod schema', () => {
  const session = createFakeVoiceSession();
  const schema = z.object({ city: z.string(), days: z.number().int().optional() });
  renderHook(
    () =>
      useClientTool('get_forecast', schema, (args, context) => {
        expectTypeOf(args).toEqualTypeOf<{ city: string; days?: number | undefined }>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        return args.city;
      }),
    { wrapper: withSession(session) },
  );
  expect(session.tools.get('get_forecast')?.parameters).toBe(schema);
});
