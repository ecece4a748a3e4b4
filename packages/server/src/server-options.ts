/** The options and the handle of `createParleyServer` (the public types, apart from the wiring). */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Hono } from 'hono';
import type { VoicePreviewLimits } from './admin/voice-preview.js';
import type { TrustProxy } from './http/client-address.js';
import type { RecordingOptions } from './recording/recording-config.js';
import type { Recordings } from './recording/recordings.js';
import type { SharedState } from './coordination/shared-state.js';
import type { Logger } from './logger.js';
import type { DatabaseOptions } from './storage/database.js';
import type { Store } from './storage/store.js';
import type { PostCallService } from './post-call/post-call-service.js';
import type { RetryPolicy } from './post-call/webhook-delivery.js';
import type { Mailer, MailerOptions } from './tools/mailer.js';
import type { Upstream, UpstreamOptions } from './upstream.js';
import type { LiveDelegationHandler } from './relay/live/live-delegation-handler.js';
import type { ParleyLimits } from './server-limits.js';

/** Options of {@link createParleyServer}. Everything has a default read from the environment. */
export interface ParleyServerOptions {
  /** An open store to use (otherwise one is opened from `database`). */
  store?: Store;
  /** Where data lives. Default: `DATABASE_URL`, else SQLite in `PARLEY_DATA_DIR` or `./.parley-data`. */
  database?: DatabaseOptions;
  /** Upstream Realtime service. Default: from `OPENAI_*` / `AZURE_OPENAI_*`, else the emulator. */
  upstream?: UpstreamOptions;
  /** Environment to read defaults from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** First admin (default `PARLEY_ADMIN_EMAIL` / `PARLEY_ADMIN_PASSWORD`). */
  admin?: { email?: string | undefined; password?: string | undefined };
  /** SMTP settings for lead emails (default `SMTP_URL`, `PARLEY_MAIL_FROM`), or a mailer. */
  mail?: MailerOptions;
  mailer?: Mailer;
  limits?: ParleyLimits;
  /** Public origin (`https://voice.example.com`) used in relay URLs; default: the request's Host. */
  publicUrl?: string;
  /**
   * Other origins whose pages may call the public API (`/api/sessions`, `/api/agents`) with CORS,
   * e.g. `['https://www.example.com']` when the widget is embedded on your main site.
   * Default: `PARLEY_ALLOWED_ORIGINS` (comma-separated), else same-origin only.
   */
  allowedOrigins?: string[];
  /**
   * Reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` to believe: `true` or a number of
   * hops in front of this server, or the proxies' addresses/CIDRs. The client address is read
   * from the right of `X-Forwarded-For`, past those. Default `PARLEY_TRUST_PROXY`, else none.
   */
  trustProxy?: TrustProxy;
  /** Mark the admin cookie `Secure`. Default: when the request came over HTTPS. */
  secureCookies?: boolean;
  /**
   * Where tickets, per-client session slots and rate limits live, and how instances tell each
   * other a conversation was taken over (see the README's several instances). Default: the PostgreSQL
   * database when storage is PostgreSQL (several instances share it), else memory (one instance).
   */
  sharedState?: SharedState;
  /**
   * Redis for the shared state instead of the database (tickets, resume-token key, session slots,
   * rate and sign-in limits): `{ url: 'redis://host:6379' }`. Default `REDIS_URL` (and
   * `PARLEY_REDIS_PREFIX` for the key prefix, default `parley:`), else none.
   */
  redis?: { url: string; keyPrefix?: string };
  /**
   * Hosts, addresses or CIDRs that webhook (and MCP) URLs may reach although internal (loopback,
   * private ranges, …), e.g. `['hooks.corp.example', '10.1.0.0/16']`. Default
   * `PARLEY_OUTBOUND_ALLOWLIST` (comma-separated), else none: internal targets are refused.
   */
  outboundAllowlist?: string[];
  /** Seed the template agents into an empty database. Default true. */
  seedTemplates?: boolean;
  /** Static directories served at `/` and `/admin` (the CLI passes the built apps). */
  staticDirs?: { demo?: string | null | undefined; admin?: string | null | undefined };
  /** Bounds of admin voice previews (defaults: 20 s timeout, at most 30 s of audio). */
  voicePreview?: Partial<VoicePreviewLimits>;
  /**
   * Retries of post-call webhooks (defaults: 5 attempts, 2 s doubling, 10 s per attempt).
   * Tests shorten them.
   */
  postCallRetry?: Partial<RetryPolicy>;
  /** Recording storage (default the data directory, or S3 from `PARLEY_RECORDINGS_S3_*`). */
  recording?: RecordingOptions;
  /**
   * Answers GPT-Live client delegations (agents whose Live delegation mode is `client`) instead
   * of Parley's own Responses backend, or returns `undefined` to leave one to it. See the README.
   */
  liveDelegationHandler?: LiveDelegationHandler;
  logger?: Logger;
  now?: () => Date;
}

/** A running Parley backend. */
export interface ParleyServer {
  /** The HTTP routes (API, and static apps when configured). */
  app: Hono;
  /** Handles WebSocket upgrades for `/api/realtime`; returns false for other paths. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  store: Store;
  upstream: Upstream;
  /** Post-call analysis and webhooks (`idle()` waits for work in flight). */
  postCall: PostCallService;
  /** Recordings of conversations and their deletion job. */
  recordings: Recordings;
  /** The one-time admin setup token when no admin exists yet (print it), else null. */
  setupToken: string | null;
  /** Live relayed conversations. */
  activeSessions(): number;
  /** Serves everything on a port. */
  listen(options?: {
    port?: number;
    host?: string;
  }): Promise<{ url: string; port: number; server: Server }>;
  /**
   * A deploy's first step (the CLI runs it on SIGTERM): `/ready` turns 503, relay upgrades are
   * refused with 503 (a proxy retries them elsewhere), and each live conversation is handed over:
   * its writes stored, then the browser told to reconnect at once (1012) to resume on another
   * instance. Resolves when all are handed over or at `deadlineMs` (default 30 s).
   */
  drain(options?: { deadlineMs?: number }): Promise<{ handedOver: number; timedOut: boolean }>;
  /** Whether this instance should get traffic: database reachable and migrated, not draining. */
  ready(): Promise<boolean>;
  /** Ends live sessions, stops listening, and closes storage and the upstream. */
  close(): Promise<void>;
}
