// One way for a page to run a request: mark it busy, run it, turn a failure into a message and the
// API's field errors, and clear busy however it ended. Pages used to copy this try/catch/finally.
import { ApiError } from './api.js';
import { issuesToErrors } from './form.js';
import type { FieldErrors } from './form.js';

/** Why an action failed, ready to show. */
export interface ActionFailure {
  /** The error's message, for a notice or a form-level error. */
  message: string;
  /** Field errors from the API's 400 issues; null when the answer carried none. */
  fieldErrors: FieldErrors | null;
  /** What was thrown, for pages that word some failures themselves (e.g. a 401 at sign-in). */
  error: unknown;
}

/** What {@link runAction} reports to the page. */
export interface ActionHandlers {
  /** Called with true before the action starts and with false once it has ended, however. */
  busy?: (running: boolean) => void;
  /** Called when the action throws; without it a failure is ignored (a best-effort load). */
  failed?: (failure: ActionFailure) => void;
}

/**
 * Runs `work` (a request plus what the page does with its answer) and reports how it went.
 * Resolves to true when `work` completed, false when it failed; never rejects, so a page can call
 * it from an event handler without an unhandled rejection.
 *
 * @example
 * ```ts
 * await runAction(
 *   async () => {
 *     const agent = await api.post('/agents', draft, agentSchema);
 *     navigate(`/agents/${agent.id}`);
 *   },
 *   {
 *     busy: (running) => (busy = running),
 *     failed: (failure) => {
 *       if (failure.fieldErrors) errors = failure.fieldErrors;
 *       formError = failure.message;
 *     },
 *   },
 * );
 * ```
 */
export async function runAction(
  work: () => Promise<unknown>,
  handlers: ActionHandlers = {},
): Promise<boolean> {
  handlers.busy?.(true);
  try {
    await work();
    return true;
  } catch (error) {
    handlers.failed?.(describeFailure(error));
    return false;
  } finally {
    handlers.busy?.(false);
  }
}

/** The message and field errors of anything thrown (not only `Error`s). */
export function describeFailure(error: unknown): ActionFailure {
  const fieldErrors =
    error instanceof ApiError && error.issues.length > 0 ? issuesToErrors(error.issues) : null;
  const message = error instanceof Error ? error.message : String(error);
  return { message, fieldErrors, error };
}
