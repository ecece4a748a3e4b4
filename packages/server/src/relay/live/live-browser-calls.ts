/**
 * Browser tool calls of GPT-Live client delegations. When the server's backend model calls one of
 * the agent's browser tools, the browser runs it by the same path as under Responses delegation:
 * the call reaches it as a `response.event` (a nested `response.output_item.done` with the
 * `function_call`), core validates the arguments against the tool's schema and runs it, and the
 * output comes back as a `response.item.create` of a `function_call_output`. Here the delegation
 * waits for that output — at most `timeoutMs`, and no longer than the delegation lives — and is
 * always given one: the browser's, or an honest error saying why there is none.
 */
import type { ConversationRecorder } from '../conversation-recorder.js';

/** How a wait for the browser ended. */
export interface BrowserCallResult {
  output: string;
  /** True when the browser answered; false when the output is the server's honest error. */
  answered: boolean;
}

/** Ids of calls given up on that are remembered, so a late output is dropped quietly. */
const GIVEN_UP_KEPT = 64;

/** The structured error a model is given for a call that has no output (as server tools' errors). */
function noAnswer(code: 'timeout' | 'cancelled', message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/** The browser calls one Live session waits for (see the module comment). */
export class BrowserCallWaits {
  private readonly waiting = new Map<string, (output: string) => void>();
  private readonly givenUp = new Set<string>();

  /**
   * Waits for the browser's output of `callId`: the browser's, or a `timeout` error after
   * `timeoutMs`, or a `cancelled` error once `signal` aborts (the delegation went stale).
   */
  wait(callId: string, timeoutMs: number, signal: AbortSignal): Promise<BrowserCallResult> {
    return new Promise((resolve) => {
      const settle = (result: BrowserCallResult): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting.delete(callId);
        if (!result.answered) this.giveUp(callId);
        resolve(result);
      };
      const onAbort = (): void =>
        settle({
          answered: false,
          output: noAnswer('cancelled', 'the request was dropped before the browser answered'),
        });
      const timer = setTimeout(
        () =>
          settle({
            answered: false,
            output: noAnswer(
              'timeout',
              `the browser did not answer within ${Math.round(timeoutMs / 100) / 10} s`,
            ),
          }),
        timeoutMs,
      );
      timer.unref();
      this.waiting.set(callId, (output) => settle({ answered: true, output }));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * The browser sent the output of `callId`: true when it was a call of ours (awaited now, or
   * given up on: a late output is dropped, not refused), false for any other id.
   */
  answered(callId: string, output: string): boolean {
    const resolve = this.waiting.get(callId);
    if (resolve) {
      resolve(output);
      return true;
    }
    return this.givenUp.delete(callId);
  }

  private giveUp(callId: string): void {
    this.givenUp.add(callId);
    if (this.givenUp.size > GIVEN_UP_KEPT) this.givenUp.delete(this.givenUp.values().next().value!);
  }
}

/**
 * Stores a browser tool call as Realtime's relay stores one (outcome `client`, the output the
 * browser sent), or as an error when the output is the server's (no answer), with the call's own
 * name and arguments.
 */
export function recordBrowserCall(
  recorder: ConversationRecorder,
  call: { callId: string; name: string; arguments: string },
  result: BrowserCallResult,
  durationMs: number,
): void {
  recorder.toolCall({
    callId: call.callId,
    name: call.name,
    arguments: call.arguments,
    output: result.output,
    outcome: result.answered ? 'client' : 'error',
    durationMs,
  });
}
