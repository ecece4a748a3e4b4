// Typed text on a WebRTC call whose data channel may not carry it (GPT-Live: the channel may only
// mute and unmute). The session writes it as Parley's own `parley.text` frame; the transport posts
// it to the server that placed the call (the endpoint's `text`), which sends it upstream as its
// relay would. A refusal or a failure comes back as an `error` event: the session shows it, and
// the call goes on.
import { CALL_TEXT_EVENT, type Attempt } from './webrtc-types.js';

const prefix = `{"type":"${CALL_TEXT_EVENT}"`;

/** Whether `data` is a typed-text frame for the server (see the module comment). */
export function isCallText(data: string): boolean {
  return data.startsWith(prefix);
}

/** Posts a typed-text frame's text for the attempt's call; true once it is on its way. */
export function sendCallText(attempt: Attempt | null, data: string): boolean {
  if (attempt === null || !attempt.open) return false;
  const fail = (code: string, message: string): void => {
    if (attempt.ended) return;
    attempt.handlers.onMessage(
      JSON.stringify({
        type: 'error',
        event_id: 'event_parley_text',
        error: { type: 'invalid_request_error', code, message: `Typed text not sent: ${message}` },
      }),
    );
  };
  const post = attempt.text;
  if (post === null) {
    fail('text_unsupported', 'the server that placed this call takes no typed text');
    return false;
  }
  const { text } = JSON.parse(data) as { text: string };
  (async () => post(text))().then(
    async (response) => {
      if (response.ok) return;
      const refusal = await refusalOf(response);
      fail(refusal.code ?? `http_${response.status}`, refusal.message ?? `HTTP ${response.status}`);
    },
    (error: unknown) =>
      fail('text_failed', `the server could not be reached (${String(error)})`),
  );
  return true;
}

/** The `{ error: { code, message } }` of a refusal, as far as it has them. */
async function refusalOf(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const { error } = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    return {
      ...(typeof error?.code === 'string' ? { code: error.code } : {}),
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
    };
  } catch {
    return {};
  }
}
