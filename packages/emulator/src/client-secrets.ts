import { betaSessionPatchToGa, sessionToBeta } from './dialect.js';
import { errorBody } from './http-responses.js';
import { createEphemeralKey, createId } from './ids.js';
import type { MintedSecret } from './request-auth.js';
import { applySessionPatch, createDefaultSession, sessionToGa } from './session-config.js';

/** The model of a GA session that names none. */
export const DEFAULT_GA_MODEL = 'gpt-realtime';
/** The model of a beta session that names none. */
export const DEFAULT_BETA_MODEL = 'gpt-4o-realtime-preview-2024-12-17';

/** Where minted keys are kept, and how long sessions made with them may last. */
export interface MintContext {
  secrets: Map<string, MintedSecret>;
  maxSessionMs: number;
}

/** An HTTP answer: status and JSON body. */
export interface JsonReply {
  status: number;
  body: unknown;
}

function validationReply(error: { message: string; code: string; param: string | null }) {
  return {
    status: 400,
    body: errorBody(error.message, error.code, 'invalid_request_error', error.param),
  };
}

/**
 * `POST /v1/realtime/client_secrets` (GA): `{ expires_after?, session? }` → `{ value,
 * expires_at, session }`. The session is validated like a `session.update`, and seeds each
 * connection made with the key.
 */
export function mintGaSecret(body: Record<string, unknown>, context: MintContext): JsonReply {
  const now = Date.now();
  const expiresAfter = body.expires_after as { seconds?: unknown } | undefined;
  const seconds = expiresAfter?.seconds ?? 600;
  if (typeof seconds !== 'number' || seconds < 10 || seconds > 7200) {
    return {
      status: 400,
      body: errorBody(
        `Invalid 'expires_after.seconds': expected a number between 10 and 7200.`,
        'invalid_value',
        'invalid_request_error',
        'expires_after.seconds',
      ),
    };
  }
  const requested = (body.session ?? { type: 'realtime' }) as Record<string, unknown>;
  const base = createDefaultSession({
    id: createId('sess', now),
    model: typeof requested.model === 'string' ? requested.model : DEFAULT_GA_MODEL,
    expiresAt: Math.floor((now + context.maxSessionMs) / 1000),
  });
  const result = applySessionPatch(
    base,
    { ...requested, type: requested.type ?? 'realtime', model: undefined },
    { hasAssistantAudio: false },
  );
  if (!result.ok) return validationReply(result.error);
  const value = createEphemeralKey();
  const expiresAt = Math.floor(now / 1000) + seconds;
  context.secrets.set(value, {
    expiresAt,
    session: { ...requested, model: undefined },
    model: result.session.model,
  });
  return {
    status: 200,
    body: { value, expires_at: expiresAt, session: sessionToGa(result.session) },
  };
}

/**
 * `POST /v1/realtime/sessions` (beta): a flat session plus `model` → the beta session object
 * with `client_secret`. Beta keys lived about a minute.
 */
export function mintBetaSecret(body: Record<string, unknown>, context: MintContext): JsonReply {
  const now = Date.now();
  const model = typeof body.model === 'string' ? body.model : DEFAULT_BETA_MODEL;
  const { model: _model, client_secret: clientSecret, ...flat } = body;
  const base = createDefaultSession({
    id: createId('sess', now),
    model,
    expiresAt: Math.floor((now + context.maxSessionMs) / 1000),
  });
  let patch: Record<string, unknown>;
  try {
    patch = betaSessionPatchToGa(flat, base);
  } catch (error) {
    const e = error as { message: string; code?: string; param?: string };
    return {
      status: 400,
      body: errorBody(e.message, e.code ?? null, 'invalid_request_error', e.param ?? null),
    };
  }
  const result = applySessionPatch(base, patch, { hasAssistantAudio: false, dialect: 'beta' });
  if (!result.ok) return validationReply(result.error);
  const seconds =
    (clientSecret as { expires_after?: { seconds?: number } } | undefined)?.expires_after
      ?.seconds ?? 60;
  const value = createEphemeralKey();
  const expiresAt = Math.floor(now / 1000) + seconds;
  context.secrets.set(value, { expiresAt, session: patch, model });
  return {
    status: 200,
    body: { ...sessionToBeta(result.session), client_secret: { value, expires_at: expiresAt } },
  };
}
