/**
 * The GPT-Live import: a Live agent that records starts its sessions with `store: true`, and when
 * the conversation ends the server downloads the session's own recording
 * (`GET /v1/live/sessions/{id}/content`, with the key) and stores it as delivered — a stereo WAV,
 * the visitor left and the agent right — under its own media type, so the admin player plays it.
 * A failure is logged; the conversation (stored by the relay) loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../logger.js';
import type { Upstream } from '../upstream.js';
import { importedAudio } from './recordings.js';
import type { RecordedConversation, Recordings } from './recordings.js';

/** Peaks per 40 ms, as the Ogg Opus writer keeps them (not imported: it loads the encoder). */
const PEAK_BUCKET_MS = 40;
/** Largest recording imported (about 36 minutes of stereo 24 kHz PCM16); a larger one is refused. */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** Waits between download attempts: the recording may not be ready the moment the session closes. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

/** What {@link importLiveRecording} needs. */
export interface LiveImportOptions {
  recordings: Recordings;
  upstream: Pick<Upstream, 'liveUrl' | 'headers'>;
  log: Logger;
  maxBytes?: number;
  retryDelaysMs?: readonly number[];
}

/** The HTTP URL of a Live session's recording, from the primary socket's URL. */
export function liveContentUrl(liveUrl: string, sessionId: string): string {
  return `${liveUrl.replace(/^ws/, 'http')}/${encodeURIComponent(sessionId)}/content`;
}

/** Reads a response body, refusing one past `maxBytes` (declared or streamed). */
async function boundedBody(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) throw new Error(`recording of ${declared} bytes is over the limit`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > maxBytes) throw new Error(`recording over the limit of ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** The downloaded file and its media type; retries while the upstream is not ready yet. */
async function download(url: string, options: LiveImportOptions) {
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, { headers: options.upstream.headers() });
    if (response.ok) {
      const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
      return {
        bytes: await boundedBody(response, options.maxBytes ?? MAX_IMPORT_BYTES),
        contentType,
      };
    }
    const detail = (await response.text()).slice(0, 300);
    // 4xx other than "not ready yet" (no recording: store was off, or it expired) is final.
    const retry = response.status >= 500 || response.status === 429 || /not_ready/.test(detail);
    if (!retry || attempt >= delays.length)
      throw new Error(`recording download answered ${response.status}: ${detail}`);
    await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
  }
}

/** A PCM16 WAV's layout: channels, rate and where its samples are. */
export function wavLayout(bytes: Buffer) {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF') return null;
  if (bytes.toString('latin1', 8, 12) !== 'WAVE') return null;
  let fmt: { channels: number; rate: number; bits: number } | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= bytes.length)
      fmt = {
        channels: bytes.readUInt16LE(at + 10),
        rate: bytes.readUInt32LE(at + 12),
        bits: bytes.readUInt16LE(at + 22),
      };
    if (id === 'data' && fmt && fmt.bits === 16 && fmt.channels > 0 && fmt.rate > 0)
      return { ...fmt, start: at + 8, end: Math.min(bytes.length, at + 8 + size) };
    at += 8 + size + (size % 2);
  }
  return null;
}

/** Duration and per-channel peaks (one byte per 40 ms) of a PCM16 WAV, for the replay page. */
export function wavSummary(bytes: Buffer) {
  const wav = wavLayout(bytes);
  if (!wav) return null;
  const frameBytes = wav.channels * 2;
  const frames = Math.floor((wav.end - wav.start) / frameBytes);
  const perBucket = Math.max(1, Math.round((wav.rate * PEAK_BUCKET_MS) / 1000));
  const channels: string[] = [];
  for (let channel = 0; channel < wav.channels; channel++) {
    const peaks = new Uint8Array(Math.ceil(frames / perBucket));
    for (let frame = 0; frame < frames; frame++) {
      const sample = bytes.readInt16LE(wav.start + frame * frameBytes + channel * 2);
      const level = Math.min(255, Math.round((Math.abs(sample) / 32768) * 255));
      const bucket = Math.floor(frame / perBucket);
      if (level > peaks[bucket]!) peaks[bucket] = level;
    }
    channels.push(Buffer.from(peaks).toString('base64'));
  }
  return {
    channels: wav.channels,
    durationMs: Math.round((frames * 1000) / wav.rate),
    peaks: { bucketMs: PEAK_BUCKET_MS, channels },
  };
}

/**
 * Downloads GPT-Live session `sessionId`'s recording and stores it for `conversation`. Never
 * throws: a failure is logged with the conversation's id.
 */
export async function importLiveRecording(
  options: LiveImportOptions,
  conversation: RecordedConversation,
  sessionId: string,
  startedAt: Date,
): Promise<void> {
  try {
    const url = liveContentUrl(options.upstream.liveUrl(), sessionId);
    const { bytes, contentType } = await download(url, options);
    const summary = /wav/i.test(contentType) ? wavSummary(bytes) : null;
    const id = randomUUID();
    const file = options.recordings.scratch(id);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
    const written = summary ?? { durationMs: 0, peaks: { bucketMs: PEAK_BUCKET_MS, channels: [] } };
    await options.recordings.keepImported(
      conversation,
      id,
      importedAudio(file, bytes.length, written, startedAt),
      {
        contentType: summary ? 'audio/wav' : contentType,
        extension: summary ? 'wav' : 'bin',
        channels: summary?.channels ?? 2,
      },
    );
  } catch (error) {
    options.log.error('could not import the GPT-Live recording', {
      conversationId: conversation.id,
      sessionId,
      error,
    });
  }
}
