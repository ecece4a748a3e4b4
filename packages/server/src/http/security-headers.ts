/**
 * Security headers for the served apps (`/` and `/admin/`), through Hono's `secureHeaders`
 * middleware: a Content-Security-Policy that allows no inline script (the built apps have none)
 * and loads scripts, worklets and workers from this origin only; `connect-src` names the relay and,
 * in direct mode, the upstream; the admin cannot be framed at all (`frame-ancestors 'none'` and
 * `X-Frame-Options: DENY`), the demo only by this origin and the configured embedding origins;
 * no referrer leaves the admin, only the origin leaves the demo.
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** What the policy needs to know about where the apps connect and who may embed them. */
export interface SecurityHeaderSources {
  /**
   * Origins the browser connects to besides this one (`wss://voice.example.com` when relay URLs
   * use a public URL on another host; the upstream's origin when agents may connect directly).
   */
  connectOrigins: readonly string[];
  /** Origins allowed to embed the demo in a frame (the CORS-allowed ones). */
  embeddingOrigins: readonly string[];
}

/** The WebSocket (and HTTP) origins of `url`, for `connect-src`; none when it does not parse. */
export function connectOriginsOf(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
    return [
      `${secure ? 'https' : 'http'}://${parsed.host}`,
      `${secure ? 'wss' : 'ws'}://${parsed.host}`,
    ];
  } catch {
    return [];
  }
}

function policy(
  sources: SecurityHeaderSources,
  frameAncestors: string[],
  styleAttributes: boolean,
) {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // Worklets load under script-src; workers under worker-src. Both from this origin only.
    workerSrc: ["'self'"],
    styleSrc: ["'self'"],
    ...(styleAttributes ? { styleSrcAttr: ["'unsafe-inline'"] } : {}),
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    mediaSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'", ...new Set(sources.connectOrigins)],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors,
  };
}

const common = {
  // HTTPS is the deployment's proxy to enforce; a header here would pin whatever host served it.
  strictTransportSecurity: false,
  crossOriginResourcePolicy: 'same-origin',
  crossOriginOpenerPolicy: 'same-origin',
} as const;

/** Headers for the demo: frameable by this origin and the embedding origins, microphone for itself. */
export function demoSecurityHeaders(sources: SecurityHeaderSources): MiddlewareHandler {
  const embedders = [...new Set(sources.embeddingOrigins)];
  return secureHeaders({
    ...common,
    contentSecurityPolicy: policy(sources, ["'self'", ...embedders], false),
    // X-Frame-Options cannot name other origins; browsers that know frame-ancestors ignore it.
    xFrameOptions: embedders.length === 0 ? 'SAMEORIGIN' : false,
    referrerPolicy: 'strict-origin-when-cross-origin',
    permissionsPolicy: { microphone: ['self'], camera: [], geolocation: [] },
  });
}

/** Headers for the admin console: never framed, no referrer, no microphone beyond itself. */
export function adminSecurityHeaders(sources: SecurityHeaderSources): MiddlewareHandler {
  return secureHeaders({
    ...common,
    // Svelte's templates carry `style` attributes (chart sizes, meters): allowed as attributes
    // only; inline <style> elements and all inline script stay refused.
    contentSecurityPolicy: policy(sources, ["'none'"], true),
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    permissionsPolicy: { microphone: ['self'], camera: [], geolocation: [] },
  });
}
