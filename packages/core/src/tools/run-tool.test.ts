import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { FakeClock } from '../test-utils/index.js';
import { defineTool, prepareTool } from './define-tool.js';
import { runTool } from './run-tool.js';
import type { ArgumentCheck, RunnableTool, ToolFailure } from './run-tool.js';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function weatherTool(execute: (city: string, signal: AbortSignal) => unknown) {
  return prepareTool(
    defineTool({
      name: 'get_weather',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }, { signal }) => execute(city, signal) as never,
    }),
  );
}

describe('runTool', () => {
  it('runs a valid call and reports its output, no error and its duration on the clock', async () => {
    const clock = new FakeClock();
    const tool = weatherTool((city) => {
      clock.advance(40);
      return Promise.resolve({ city, celsius: 21 });
    });
    const run = await runTool(tool, '{"city":"Paris"}', {
      context: { callId: 'call_1' },
      clock,
      timeoutMs: 1000,
    });
    expect(run).toEqual({ output: '{"city":"Paris","celsius":21}', error: null, durationMs: 40 });
  });

  it('returns malformed JSON and schema mismatches as error data, without running the tool', async () => {
    let ran = false;
    const tool = weatherTool(() => (ran = true));
    const options = { context: { callId: 'call_1' }, clock: new FakeClock(), timeoutMs: 1000 };
    const malformed = await runTool(tool, '{nope', options);
    expect(malformed.error?.code).toBe('invalid_arguments');
    expect(JSON.parse(malformed.output)).toEqual({ error: malformed.error });
    const mismatch = await runTool(tool, '{"city":3}', options);
    expect(mismatch.error).toMatchObject({
      code: 'invalid_arguments',
      issues: [{ path: 'city', message: expect.any(String) }],
    });
    expect(ran).toBe(false);
  });

  it('gives up at the time limit, aborts the signal the tool holds, and ignores what it throws then', async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    const tool = weatherTool(
      (_city, given) =>
        new Promise((_resolve, reject) => {
          signal = given;
          given.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    );
    const pending = runTool(tool, '{"city":"Oslo"}', {
      context: { callId: 'call_1' },
      clock,
      timeoutMs: 500,
    });
    await flush();
    clock.advance(500);
    const run = await pending;
    expect(signal?.aborted).toBe(true);
    expect(run.error).toEqual({
      code: 'timeout',
      message: '"get_weather" did not finish within 500 ms',
      issues: [],
    });
    expect(run.durationMs).toBe(500);
  });

  it('aborts the tool when the caller aborts', async () => {
    const outside = new AbortController();
    let signal: AbortSignal | undefined;
    const tool = weatherTool((_city, given) => {
      signal = given;
      return new Promise(() => undefined);
    });
    void runTool(tool, '{"city":"Oslo"}', {
      context: { callId: 'call_1' },
      clock: new FakeClock(),
      timeoutMs: 500,
      signal: outside.signal,
    });
    await flush();
    outside.abort(new Error('response cancelled'));
    expect(signal?.aborted).toBe(true);
  });

  it('runs any tool with any context and describes failures the caller’s way', async () => {
    interface ShopContext {
      shop: string;
    }
    const check = (value: unknown): ArgumentCheck => ({ success: true, data: value });
    const tool: RunnableTool<ShopContext> = {
      name: 'stock',
      validate: check,
      execute: (_args, context) => {
        if (!context.signal) throw new Error('no signal');
        throw new Error(`${context.shop} is closed`);
      },
    };
    const seen: ToolFailure[] = [];
    const run = await runTool(tool, '{}', {
      context: { shop: 'north' },
      clock: new FakeClock(),
      timeoutMs: 100,
      describeFailure: (failure, name) => {
        seen.push(failure);
        return { code: 'tool_failed', message: `${name} failed` };
      },
    });
    expect(run.error).toEqual({ code: 'tool_failed', message: 'stock failed' });
    expect(run.output).toBe('{"error":{"code":"tool_failed","message":"stock failed"}}');
    expect(seen).toEqual([{ kind: 'thrown', cause: new Error('north is closed') }]);
  });
});
