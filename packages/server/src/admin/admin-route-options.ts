/** What the admin route modules are built from. */
import type { Context } from 'hono';
import type { Logger } from '../logger.js';
import type { AgentApi, BuiltinTool, SessionResponse, WebRtcCallResponse } from '../schemas.js';
import type { Recordings } from '../recording/recordings.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Mailer } from '../tools/mailer.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { Upstream } from '../upstream.js';
import type { AdminAuth } from './admin-auth.js';
import type { VoicePreviewLimits } from './voice-preview.js';

/** What the admin routes need. */
export interface AdminRoutesOptions {
  store: Store;
  auth: AdminAuth;
  builtinTools: readonly BuiltinTool[];
  /** Issues a relay session for one agent version (the playground), speaking that version's `api`. */
  playgroundSession: (
    c: Context,
    agentId: string,
    version: number,
    resume?: { conversationId: string; token: string },
    api?: AgentApi,
  ) => Promise<SessionResponse>;
  /**
   * Places a WebRTC call to one agent version (the playground), with the same checks as
   * `POST /api/calls`; answers like it.
   */
  playgroundCall: (
    c: Context,
    agent: PublishedAgent,
    request: { sdp: string; resume?: { conversationId: string; token: string } | undefined },
  ) => Promise<WebRtcCallResponse>;
  /** Where voice previews are spoken. */
  upstream: Upstream;
  mailer: Mailer;
  /** Refuses webhook URLs that reach internal addresses (at save and at call time). */
  urlGuard: UrlGuard;
  /** Recordings' audio (the replay page). */
  recordings: Recordings;
  log: Logger;
  now: () => Date;
  /** Bounds of voice previews (defaults: 20 s, 30 s of audio). */
  voicePreview?: Partial<VoicePreviewLimits>;
}
