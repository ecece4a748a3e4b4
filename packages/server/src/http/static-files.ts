/**
 * Serves a built single-page app from a directory: files by path (never outside the directory),
 * `index.html` for any other route so client-side routing works, long caching for hashed assets.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

function fileStats(path: string): Stats | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

function send(c: Context, path: string, stats: Stats, immutable: boolean): Response {
  const stream = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  return c.body(stream, 200, {
    'content-type': contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(stats.size),
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
}

/** A handler serving `root` for requests under `mount` (e.g. `/admin`). */
export function staticApp(root: string, mount: string) {
  const base = normalize(root);
  return (c: Context): Response | undefined => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return undefined;
    let relative: string;
    try {
      relative = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return undefined; // malformed percent-encoding: not a file we have
    }
    if (mount !== '/') relative = relative.slice(mount.length);
    const target = normalize(join(base, relative));
    if (target !== base && !target.startsWith(base.endsWith(sep) ? base : base + sep))
      return undefined;
    const stats = fileStats(target);
    if (stats)
      return send(
        c,
        target,
        stats,
        /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2?|svg|png|wasm)$/.test(target),
      );
    // Unknown paths with an extension are real 404s; others are client-side routes.
    if (extname(relative) !== '') return undefined;
    const index = join(base, 'index.html');
    const indexStats = fileStats(index);
    return indexStats ? send(c, index, indexStats, false) : undefined;
  };
}
