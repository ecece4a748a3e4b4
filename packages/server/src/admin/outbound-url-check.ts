/** The admin's save-time check of an outbound URL (webhook tools, the post-call webhook). */
import { HttpError } from '../http/errors.js';
import { OutboundUrlRefusedError } from '../tools/url-guard.js';
import type { UrlGuard } from '../tools/url-guard.js';

/** Refuses a URL that reaches an internal address with a 400 naming the field at `path`. */
export async function refuseInternalUrl(
  urlGuard: UrlGuard,
  url: string,
  path: (string | number)[],
): Promise<void> {
  try {
    await urlGuard.check(url);
  } catch (error) {
    if (!(error instanceof OutboundUrlRefusedError)) throw error;
    throw new HttpError(400, 'invalid_request', 'the request did not validate', [
      { path, message: error.message },
    ]);
  }
}
