// The admin API client: one `request` that sends the CSRF token, parses every answer with the
// server's own zod schema, and turns error bodies into an ApiError carrying field issues.
import { z } from 'zod';
import { apiErrorSchema, csrfHeaderName } from '@parley/server/schemas';

/** One validation issue, as the server (or a local zod parse) reports it. */
export interface FieldIssue {
  path: readonly (string | number)[];
  message: string;
}

/** A failed API call: HTTP status, the server's error code and, for 400s, the field issues. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Called when any request answers 401, so the app can send the admin to sign-in. */
type UnauthorizedHandler = () => void;

export interface ApiClientOptions {
  /** Prefix of every path, `/api/admin` by default. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

/** A small typed client for `/api/admin`. */
export class ApiClient {
  private csrfToken: string | null = null;
  private onUnauthorized: UnauthorizedHandler | null = null;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof globalThis.fetch;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '/api/admin';
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** The absolute path of `path` under the API (for requests another client sends, e.g. an SDP offer). */
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** The headers a state-changing request needs besides the session cookie (the CSRF token). */
  writeHeaders(): Record<string, string> {
    return this.csrfToken ? { [csrfHeaderName]: this.csrfToken } : {};
  }

  setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
    this.onUnauthorized = handler;
  }

  get<T extends z.ZodType>(
    path: string,
    schema: T,
    query?: Record<string, string | number | undefined>,
  ) {
    return this.request('GET', withQuery(path, query), schema);
  }

  post<T extends z.ZodType>(path: string, body: unknown, schema: T) {
    return this.request('POST', path, schema, body);
  }

  put<T extends z.ZodType>(path: string, body: unknown, schema: T) {
    return this.request('PUT', path, schema, body);
  }

  patch<T extends z.ZodType>(path: string, body: unknown, schema: T) {
    return this.request('PATCH', path, schema, body);
  }

  delete(path: string) {
    return this.request('DELETE', path, z.unknown());
  }

  /**
   * Posts JSON and answers the body as a Blob (audio from the voice preview). Goes through the
   * same `send` as every other call, so the CSRF header and the error envelope apply here too.
   */
  async postForBlob(path: string, body: unknown, accept: string): Promise<Blob> {
    const response = await this.send('POST', path, body, accept);
    return response.blob();
  }

  /** Fetches a non-JSON resource (a CSV export) as text. */
  async text(path: string, query?: Record<string, string | number | undefined>): Promise<string> {
    const response = await this.send('GET', withQuery(path, query));
    return response.text();
  }

  async request<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const response = await this.send(method, path, body);
    if (response.status === 204) return schema.parse(undefined);
    const json: unknown = await response.json().catch(() => {
      throw new ApiError(
        response.status,
        'bad_response',
        `The server sent something other than JSON for ${path}.`,
      );
    });
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        'bad_response',
        `The server's answer for ${path} did not match what the console expects: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
      );
    }
    return parsed.data;
  }

  private async send(
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
  ): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') Object.assign(headers, this.writeHeaders());
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError(0, 'network', `Could not reach the server (${(cause as Error).message}).`);
    }
    if (response.ok) return response;
    if (response.status === 401) this.onUnauthorized?.();
    const parsed = apiErrorSchema.safeParse(await response.json().catch(() => null));
    if (parsed.success) {
      const { code, message, issues } = parsed.data.error;
      throw new ApiError(response.status, code, message, issues ?? []);
    }
    throw new ApiError(
      response.status,
      'http_error',
      `${method} ${path} failed with HTTP ${response.status}.`,
    );
  }
}

function withQuery(path: string, query?: Record<string, string | number | undefined>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/** The console's one client. */
export const api = new ApiClient();
