/**
 * Recordings on the replay page: a conversation's recordings (or why there are none), the audio
 * with byte ranges (the player seeks with `Range`), and the conversation's timeline.
 */
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import type { Recording, RecordingAnswer } from '../../schemas.js';
import { HttpError } from '../../http/errors.js';
import { buildTimeline } from '../../recording/timeline.js';
import type { ByteRange } from '../../recording/recording-storage.js';
import type { StoredRecording } from '../../storage/recordings-store.js';

function toApi(recording: StoredRecording): Recording {
  return {
    id: recording.id,
    conversationId: recording.conversationId,
    source: recording.source,
    contentType: recording.contentType,
    channels: recording.channels,
    durationMs: recording.durationMs,
    bytes: recording.bytes,
    startedAt: recording.startedAt,
    expiresAt: recording.expiresAt,
    marks: recording.marks,
    peaks: recording.peaks,
    audioUrl: `/api/admin/recordings/${encodeURIComponent(recording.id)}/audio`,
  };
}

/** The one range of a `Range: bytes=…` header within `size` bytes; null for none; 416 when unsatisfiable. */
export function byteRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    // A suffix: the last n bytes.
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end)
    throw new HttpError(416, 'range_not_satisfiable', `the audio has ${size} bytes`, undefined, {
      'content-range': `bytes */${size}`,
    });
  return { start, end };
}

async function audioResponse(c: Context, options: AdminRoutesOptions, recording: StoredRecording) {
  const range = byteRange(c.req.header('range'), recording.bytes);
  const stream = await options.recordings.storage.get(recording.storageKey, range ?? undefined);
  if (!stream) throw new HttpError(404, 'not_found', 'the recording audio is gone');
  const headers: Record<string, string> = {
    'content-type': recording.contentType,
    'accept-ranges': 'bytes',
    // A recording never changes: the browser may keep it for the page's life.
    'cache-control': 'private, max-age=3600',
    'content-length': String(range ? range.end - range.start + 1 : recording.bytes),
  };
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${recording.bytes}`;
  return c.body(Readable.toWeb(stream) as ReadableStream, range ? 206 : 200, headers);
}

/** `/conversations/:id/recording`, `/conversations/:id/timeline`, `/recordings/:id/audio` (behind sign-in). */
export function recordingRoutes(options: AdminRoutesOptions) {
  const { store } = options;
  const app = new Hono<{ Variables: AdminVariables }>();
  app.get('/conversations/:id/recording', async (c) => {
    const id = c.req.param('id');
    const { conversation } = await store.conversations.detail(id);
    const all = await store.recordings.forConversation(id);
    const kept = all.filter((recording) => recording.deletedAt === null);
    const reason: RecordingAnswer['reason'] =
      kept.length > 0
        ? null
        : conversation.mode === 'webrtc' || conversation.mode === 'direct'
          ? conversation.mode
          : all.length > 0
            ? 'expired'
            : 'not_recorded';
    const answer: RecordingAnswer = { recordings: kept.map(toApi), reason };
    return c.json(answer);
  });
  app.get('/conversations/:id/timeline', async (c) => {
    const id = c.req.param('id');
    const [detail, turns, recordings] = await Promise.all([
      store.conversations.detail(id),
      store.turns.list(id),
      store.recordings.forConversation(id),
    ]);
    return c.json(buildTimeline({ ...detail, turns }, recordings));
  });
  app.get('/recordings/:id/audio', async (c) => {
    const recording = await store.recordings.get(c.req.param('id'));
    if (!recording || recording.deletedAt !== null)
      throw new HttpError(404, 'not_found', 'no such recording');
    return audioResponse(c, options, recording);
  });
  return app;
}
