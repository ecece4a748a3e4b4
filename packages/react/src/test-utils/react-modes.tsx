// Runs a suite twice, with and without <StrictMode>, like xstate-react's test utils: StrictMode
// rehearses every mount (setup → cleanup → setup) and double-renders, which is where bindings
// open second sockets and leak subscriptions.
import { StrictMode } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { render, renderHook } from '@testing-library/react';
import type { RenderHookOptions } from '@testing-library/react';
import { describe } from 'vitest';

export type ReactMode = 'non-strict' | 'strict';

export interface ModeTools {
  mode: ReactMode;
  render: (ui: ReactElement) => ReturnType<typeof render>;
  renderHook: <Result, Props>(
    hook: (props: Props) => Result,
    options?: RenderHookOptions<Props>,
  ) => ReturnType<typeof renderHook<Result, Props>>;
}

export function describeEachReactMode(title: string, suite: (tools: ModeTools) => void): void {
  for (const mode of ['non-strict', 'strict'] as const) {
    const wrapMode = ({ children }: { children: ReactNode }): ReactNode =>
      mode === 'strict' ? <StrictMode>{children}</StrictMode> : children;
    describe(`${title} (${mode})`, () => {
      suite({
        mode,
        render: (ui) => render(ui, { wrapper: wrapMode }),
        renderHook: (hook, options) => {
          const Inner = options?.wrapper;
          const wrapper = Inner
            ? ({ children }: { children: ReactNode }) =>
                wrapMode({ children: <Inner>{children}</Inner> })
            : wrapMode;
          return renderHook(hook, { ...options, wrapper });
        },
      });
    });
  }
}
