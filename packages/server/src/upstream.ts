/**
 * Where realtime sessions go: OpenAI (GA) when `OPENAI_API_KEY` is set (at `OPENAI_BASE_URL` if
 * set), Azure OpenAI when its endpoint, key and deployment are set, otherwise the Parley emulator
 * started in-process. The key stays here: it is only ever put in upstream request headers.
 */
import { DEFAULT_REALTIME_MODEL } from '@parley/core';
import type { SessionConfig } from '@parley/core';

/** A resolved upstream. */
export interface Upstream {
  kind: 'openai' | 'azure' | 'emulator';
  /** Human-readable description for logs (never contains the key). */
  description: string;
  /** WebSocket URL of a realtime session for `model` (Azure: the deployment). */
  realtimeUrl(model: string): string;
  /** WebSocket URL of the GPT-Live primary socket (`…/v1/live/sessions`; the model goes in `session.start`). */
  liveUrl(): string;
  /** Headers of the upstream upgrade request (carry the key). */
  headers(): Record<string, string>;
  /** HTTP URL of the Responses API (`POST …/v1/responses`; post-call analysis), with `headers()`. */
  responsesUrl?(): string;
  /** Mints a client secret for direct browser connections (OpenAI only). */
  createClientSecret?(
    session: SessionConfig,
    ttlSeconds: number,
  ): Promise<{ value: string; expiresAt: number; url: string }>;
  /** The model Azure sessions must use (the deployment), when fixed. */
  fixedModel?: string;
  close(): Promise<void>;
}

/** Explicit upstream settings (otherwise read from the environment). */
export type UpstreamOptions =
  | { kind: 'openai'; apiKey: string; baseUrl?: string | undefined }
  | { kind: 'azure'; endpoint: string; apiKey: string; deployment: string }
  | { kind: 'emulator'; url?: string | undefined; apiKey?: string | undefined };

/** Reads upstream settings from environment variables. */
export function upstreamFromEnv(env: NodeJS.ProcessEnv): UpstreamOptions {
  if (env.OPENAI_API_KEY) {
    return {
      kind: 'openai',
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL || undefined,
    };
  }
  if (env.AZURE_OPENAI_ENDPOINT && env.AZURE_OPENAI_API_KEY && env.AZURE_OPENAI_DEPLOYMENT) {
    return {
      kind: 'azure',
      endpoint: env.AZURE_OPENAI_ENDPOINT,
      apiKey: env.AZURE_OPENAI_API_KEY,
      deployment: env.AZURE_OPENAI_DEPLOYMENT,
    };
  }
  return { kind: 'emulator' };
}

function toWebSocketBase(httpBase: string): string {
  return httpBase.replace(/^http/, 'ws').replace(/\/+$/, '');
}

/** Connects the pieces: for the emulator, starts it in-process unless a URL is given. */
export async function createUpstream(options: UpstreamOptions): Promise<Upstream> {
  if (options.kind === 'openai') {
    const base = (options.baseUrl ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    const headers = { authorization: `Bearer ${options.apiKey}` };
    return {
      kind: 'openai',
      description: `OpenAI at ${new URL(base).host}`,
      realtimeUrl: (model) =>
        `${toWebSocketBase(base)}/realtime?model=${encodeURIComponent(model)}`,
      liveUrl: () => `${toWebSocketBase(base)}/live/sessions`,
      headers: () => headers,
      responsesUrl: () => `${base}/responses`,
      async createClientSecret(session, ttlSeconds) {
        const response = await fetch(`${base}/realtime/client_secrets`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            expires_after: { anchor: 'created_at', seconds: ttlSeconds },
            session,
          }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) {
          throw new Error(`client secret request failed with HTTP ${response.status}`);
        }
        const body = (await response.json()) as { value?: unknown; expires_at?: unknown };
        if (typeof body.value !== 'string' || typeof body.expires_at !== 'number') {
          throw new Error('client secret answer was malformed');
        }
        const model = session.model ?? DEFAULT_REALTIME_MODEL;
        return {
          value: body.value,
          expiresAt: body.expires_at * 1000,
          url: `${toWebSocketBase(base)}/realtime?model=${encodeURIComponent(model)}`,
        };
      },
      close: () => Promise.resolve(),
    };
  }
  if (options.kind === 'azure') {
    const endpoint = options.endpoint.replace(/\/+$/, '');
    return {
      kind: 'azure',
      description: `Azure OpenAI at ${new URL(endpoint).host} (deployment ${options.deployment})`,
      realtimeUrl: () =>
        `${toWebSocketBase(endpoint)}/openai/v1/realtime?model=${encodeURIComponent(options.deployment)}`,
      liveUrl: () => `${toWebSocketBase(endpoint)}/openai/v1/live/sessions`,
      headers: () => ({ 'api-key': options.apiKey }),
      responsesUrl: () => `${endpoint}/openai/v1/responses`,
      fixedModel: options.deployment,
      close: () => Promise.resolve(),
    };
  }
  const key = options.apiKey;
  let base = options.url;
  let stop = () => Promise.resolve();
  let description = `emulator at ${base ?? ''}`;
  if (base === undefined) {
    const emulator = (await import('@parley/emulator')) as {
      startEmulator?: (options: { port: number; host: string; requireKey?: string }) => Promise<{
        url: string;
        close(): Promise<void>;
      }>;
    };
    if (typeof emulator.startEmulator !== 'function') {
      throw new Error('@parley/emulator does not export startEmulator; set OPENAI_API_KEY instead');
    }
    const started = await emulator.startEmulator({
      port: 0,
      host: '127.0.0.1',
      ...(key ? { requireKey: key } : {}),
    });
    base = started.url;
    stop = () => started.close();
    description = `the in-process Parley emulator at ${base} (no OPENAI_API_KEY set)`;
  }
  const wsBase = toWebSocketBase(base)
    .replace(/\/v1$/, '')
    .replace(/\/v1\/realtime.*$/, '');
  return {
    kind: 'emulator',
    description,
    realtimeUrl: (model) => `${wsBase}/v1/realtime?model=${encodeURIComponent(model)}`,
    liveUrl: () => `${wsBase}/v1/live/sessions`,
    headers: (): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {}),
    responsesUrl: () => `${wsBase.replace(/^ws/, 'http')}/v1/responses`,
    close: stop,
  };
}
